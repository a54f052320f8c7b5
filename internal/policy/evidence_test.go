package policy

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

// zipOf is a zip container with the named entries, stored as given
// (store) or deflated.
func zipOf(t *testing.T, deflate bool, entries ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for i := 0; i+1 < len(entries); i += 2 {
		method := zip.Store
		if deflate {
			method = zip.Deflate
		}
		w, err := z.CreateHeader(&zip.FileHeader{Name: entries[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, entries[i+1])
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestDetectEvidence(t *testing.T) {
	odt := zipOf(t, false, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<office:document-content/>")
	odtLate := zipOf(t, false, "content.xml", "<x/>", "mimetype", "application/vnd.oasis.opendocument.text")
	xlsx := zipOf(t, true, "[Content_Types].xml", "<Types/>", "xl/workbook.xml", "<workbook/>")
	pptx := zipOf(t, true, "[Content_Types].xml", "<Types/>", "ppt/presentation.xml", "<p/>")
	bomb := zipOf(t, true, "[Content_Types].xml", "<Types/>", "word/document.xml", strings.Repeat("0", 8<<20))
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	cases := []struct {
		name    string
		content []byte
		want    string // content type, or the message id of the refusal
	}{
		{"a.pdf", []byte("%PDF-1.7\n"), "application/pdf"},
		{"A.PDF", []byte("%PDF-1.7\n"), "application/pdf"},
		{"a.jpeg", []byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10}, "image/jpeg"},
		{"a.gif", []byte("GIF89a\x01\x00"), "image/gif"},
		{"a.webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), "image/webp"},
		{"scan.tif", []byte("II*\x00\x08\x00"), "image/tiff"},
		{"a.doc", ole, "application/msword"},
		{"a.xls", ole, "application/vnd.ms-excel"},
		{"a.msi", ole, "evidence.type.mismatch"},
		{"a.odt", odt, "application/vnd.oasis.opendocument.text"},
		{"a.odt", odtLate, "evidence.type.unknown"}, // mimetype must come first
		{"a.xlsx", xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"a.pptx", pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
		{"a.docx", xlsx, "evidence.type.mismatch"},
		{"a.docx", bomb, "evidence.type.bomb"},
		{"a.pdf", []byte("MZ\x90\x00"), "evidence.type.executable"},
		{"a.pdf", []byte("\x7fELF\x02\x01"), "evidence.type.executable"},
		{"a.pdf", []byte{0xCF, 0xFA, 0xED, 0xFE, 7, 0}, "evidence.type.executable"},
		{"a.docx", []byte("PK\x03\x04 not really a zip"), "evidence.type.unknown"},
		{"a.txt", []byte("plain words"), "evidence.type.unknown"},
		{"a.pdf", nil, "evidence.type.unknown"},
	}
	for _, c := range cases {
		ct, problem := DetectEvidence(bytes.NewReader(c.content), int64(len(c.content)), c.name)
		got := ct
		if problem != "" {
			got = problem
		}
		if got != c.want {
			t.Errorf("%s (%.12q): %q, want %q", c.name, c.content, got, c.want)
		}
	}
}

func TestCheckEvidenceName(t *testing.T) {
	for name, want := range map[string]string{
		"批复.pdf":                 "",
		" 批复.pdf ":               "",
		"":                       "evidence.name.empty",
		"../批复.pdf":              "evidence.name.path",
		`C:\files\批复.pdf`:        "evidence.name.path",
		"..":                     "evidence.name.path",
		"批复\n.pdf":               "evidence.name.control",
		"批复\u202efdp.exe":        "evidence.name.control",
		"\xff.pdf":               "evidence.name.control",
		strings.Repeat("长", 201): "evidence.name.long",
	} {
		if _, got := CheckEvidenceName(name); got != want {
			t.Errorf("%q: %q, want %q", name, got, want)
		}
	}
}
