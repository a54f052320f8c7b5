package importer

import (
	"fmt"
	"strings"
)

// note records how a field was read where the text had to be repaired or
// trimmed to read it.
func (d *Document) note(field string, line int, format string, args ...any) {
	d.Notes = append(d.Notes, FieldNote{Field: field, Line: line, Message: fmt.Sprintf(format, args...)})
}

// noteUnread lists, field by field, what the text did not yield, so that
// the review can ask for it rather than show a blank.
func (d *Document) noteUnread() {
	if d.Meta.ReplyClass == "" && len(d.Meta.Category) == 1 && strings.Contains("ABCD", d.Meta.Category) {
		d.Meta.ReplyClass = d.Meta.Category // 类别:C in the header block is the class of the answer
	}
	unread := func(field, message string) {
		d.Unread = append(d.Unread, FieldNote{Field: field, Message: message})
	}
	if d.Title == "" {
		unread("title", "找不到标题:称呼之前没有像文件标题的一行,信息栏也没有名称。")
	}
	if d.Meta.DocNumber == "" {
		unread("doc_number", "没有读到文号(文中可能本来没有)。")
	}
	if d.Meta.IndexNumber == "" {
		unread("index_number", "没有读到索引号。")
	}
	if d.Addressee == "" {
		unread("addressee", "没有读到称呼(答复的对象)。")
	}
	if len(d.Meta.Signers) == 0 {
		unread("signers", "没有读到落款单位。")
	}
	if d.Meta.SignedOn == "" {
		unread("date", "没有读到落款日期。")
	}
	if d.Meta.ContactPerson == "" && d.Meta.ContactPhone == "" {
		unread("contact", "没有读到联系人和电话。")
	}
	if len(d.Sections) == 0 {
		unread("sections", "正文没有编号的章节,全文作为一节“正文”。")
	}
}
