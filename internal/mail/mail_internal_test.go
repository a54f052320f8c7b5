package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river/rivertype"
)

func TestDailyAtIsTheNextHourInChina(t *testing.T) {
	at := dailyAt{hour: 8}
	for _, c := range []struct{ now, want string }{
		{"2026-06-01T00:30:00Z", "2026-06-02T00:00:00Z"}, // 08:30 in China: tomorrow's 08:00
		{"2026-05-31T23:59:00Z", "2026-06-01T00:00:00Z"}, // 07:59 in China: today's
		{"2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z"}, // exactly 08:00: the next one
	} {
		now, _ := time.Parse(time.RFC3339, c.now)
		if got := at.Next(now).UTC().Format(time.RFC3339); got != c.want {
			t.Errorf("Next(%s) = %s, want %s", c.now, got, c.want)
		}
	}
}

func TestBackoffDoublesUpToAnHour(t *testing.T) {
	b := backoff{base: 30 * time.Second}
	for attempt, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 5: 8 * time.Minute, 12: time.Hour, 20: time.Hour} {
		got := time.Until(b.NextRetry(&rivertype.JobRow{Attempt: attempt}))
		if got < want-time.Second || got > want+time.Second {
			t.Errorf("attempt %d: retry in %v, want %v", attempt, got, want)
		}
	}
}

func TestOneLineKeepsHeadersOnTheirLine(t *testing.T) {
	if got := oneLine("标题\r\nBcc: x@y.cn\nX: 1"); strings.ContainsAny(got, "\r\n") {
		t.Errorf("oneLine left a line break: %q", got)
	}
}

func TestBothPartsSayTheSameAndHTMLIsEscaped(t *testing.T) {
	b := body{Lang: "zh", Subject: "s", Title: "<b>标题</b>", Paras: []string{"说明 <script>alert(1)</script>"},
		Action: link{"查看", "https://example.cn/commitments/1?a=1&b=2"}, Links: []link{{"退订", "https://example.cn/u?token=x"}}}
	text, html := b.text(), b.html()
	for _, want := range []string{"<b>标题</b>", "https://example.cn/commitments/1?a=1&b=2", "https://example.cn/u?token=x"} {
		if !strings.Contains(text, want) {
			t.Errorf("the text lacks %q", want)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "<b>标题") || !strings.Contains(html, `href="https://example.cn/commitments/1?a=1&amp;b=2"`) {
		t.Errorf("the HTML is not escaped as it should be:\n%s", html)
	}
}
