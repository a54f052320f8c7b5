package i18n

// englishMessages are issue 19's (English content, language of parts): what
// a search for English words looked for, the English-title fields of the
// edit form, and the English CSV. Kept apart from messages so that parallel
// work on the catalogue merges cleanly.
var englishMessages = []entry{
	{"search.as", "已按“%s”搜索（输入的是“%s”）。", "Searched for %s, the Chinese for “%s”."},
	{"field.title_en", "英文标题", "English title"},
	{"tr.title_en.hint", "门户的英文译名，供英文页面使用；中文标题和原文仍以中文为准。可以留空。", "The portal’s English translation, shown on English pages; the Chinese title and the text stay authoritative. May be left empty."},
	{"form.title_en.han", "英文标题不能含有汉字；中文标题请填在“标题”中。", "The English title cannot contain Chinese characters; the Chinese title goes in “Title”."},
	{"err.csv.lang", "不支持语言“%s”，lang 只能是 zh（中文）或 en（英文）。", "There is no language “%s”: lang is zh (Chinese) or en (English)."},
}
