package policy

import (
	"archive/zip"
	"bytes"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// EvidenceFile is a file attached to a progress update as evidence.
type EvidenceFile struct {
	ID          int64
	UpdateID    int64
	Name        string // as uploaded, without any path
	ContentType string // as found from the content, never as the browser claimed
	Size        int64
	SHA256      string // hex
	CreatedAt   time.Time
	// ObjectKey is where the bytes are: "" in PostgreSQL (evidence_chunks),
	// otherwise the key of an object in the S3-compatible store.
	ObjectKey string
}

// Inline says whether the file may be shown in the browser rather than
// downloaded: images and PDF, which run no script of the portal's origin.
func (f EvidenceFile) Inline() bool { return evidenceInline[f.ContentType] }

// ActionEvidenceAdd is the audit action of attaching a file, recorded on the
// commitment of its update.
const ActionEvidenceAdd = "evidence.add"

// EvidenceNameMax is the longest file name kept, in characters.
const EvidenceNameMax = 200

// evidenceInline are the types served inline.
var evidenceInline = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// evidenceExtensions are the file name extensions each accepted type may have.
var evidenceExtensions = map[string][]string{
	"application/pdf":               {".pdf"},
	"image/png":                     {".png"},
	"image/jpeg":                    {".jpg", ".jpeg"},
	"image/gif":                     {".gif"},
	"image/webp":                    {".webp"},
	"image/tiff":                    {".tif", ".tiff"},
	"application/msword":            {".doc"},
	"application/vnd.ms-excel":      {".xls"},
	"application/vnd.ms-powerpoint": {".ppt"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {".docx"},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {".xlsx"},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
	"application/vnd.oasis.opendocument.text":                                   {".odt"},
	"application/vnd.oasis.opendocument.spreadsheet":                            {".ods"},
	"application/vnd.oasis.opendocument.presentation":                           {".odp"},
}

// EvidenceExtensions lists the extensions accepted, for the form's accept
// attribute and its hint.
func EvidenceExtensions() []string {
	var out []string
	for _, exts := range evidenceExtensions {
		out = append(out, exts...)
	}
	slices.Sort(out)
	return out
}

// Limits of what an office document's zip container may unpack to: a
// document that unpacks beyond them is an archive bomb, not a report.
const (
	zipMaxEntries  = 10000
	zipMaxUnpacked = 256 << 20 // bytes in all, whatever the entries declare
	zipMaxRatio    = 200       // unpacked bytes per packed byte, per entry
)

// CheckEvidenceName returns the file name to keep, or the message id of
// what is wrong with it: path parts, control characters, no name, too long,
// or an extension that is not one of the accepted types'.
func CheckEvidenceName(name string) (string, string) {
	switch {
	case strings.TrimSpace(name) == "":
		return "", "evidence.name.empty"
	case !utf8.ValidString(name):
		return "", "evidence.name.control"
	case strings.ContainsAny(name, `/\`) || name == "." || name == "..":
		return "", "evidence.name.path"
	case strings.ContainsFunc(name, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Bidi_Control, r)
	}):
		return "", "evidence.name.control"
	case utf8.RuneCountInString(name) > EvidenceNameMax:
		return "", "evidence.name.long"
	}
	return strings.TrimSpace(name), ""
}

// DetectEvidence finds the type of a file from its content (f, of size
// bytes) and checks it against the name's extension. It returns the content
// type, or the message id of why the file is refused: an executable, an
// archive bomb, a type not accepted, or content that is not what the
// extension says.
func DetectEvidence(f io.ReaderAt, size int64, name string) (string, string) {
	head := make([]byte, 512)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return "", "evidence.type.unknown"
	}
	head = head[:n]
	var ct string
	switch {
	case isExecutable(head):
		return "", "evidence.type.executable"
	case bytes.HasPrefix(head, []byte("%PDF-")):
		ct = "application/pdf"
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		ct = "image/png"
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		ct = "image/jpeg"
	case bytes.HasPrefix(head, []byte("GIF87a")), bytes.HasPrefix(head, []byte("GIF89a")):
		ct = "image/gif"
	case len(head) >= 12 && bytes.HasPrefix(head, []byte("RIFF")) && string(head[8:12]) == "WEBP":
		ct = "image/webp"
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		ct = "image/tiff"
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		// The old binary office formats share one container; the extension
		// says which of them the file is.
		switch strings.ToLower(path.Ext(name)) {
		case ".doc":
			ct = "application/msword"
		case ".xls":
			ct = "application/vnd.ms-excel"
		case ".ppt":
			ct = "application/vnd.ms-powerpoint"
		default:
			return "", "evidence.type.mismatch"
		}
	case NeedsWholeFile(head):
		var msg string
		if ct, msg = detectOfficeZip(f, size); msg != "" {
			return "", msg
		}
	default:
		return "", "evidence.type.unknown"
	}
	for _, ext := range evidenceExtensions[ct] {
		if strings.EqualFold(path.Ext(name), ext) {
			return ct, ""
		}
	}
	return "", "evidence.type.mismatch"
}

// NeedsWholeFile says whether DetectEvidence must read more of a file than
// its first 512 bytes, head: a zip container (an office document, or
// something posing as one), which only its directory at the end describes
// and which is unpacked whole to refuse archive bombs. Every other type is
// told from head alone.
func NeedsWholeFile(head []byte) bool {
	return bytes.HasPrefix(head, []byte("PK\x03\x04"))
}

// isExecutable recognises programs and scripts: Windows, Linux and macOS
// binaries, Java classes and files starting with #!.
func isExecutable(head []byte) bool {
	for _, magic := range [][]byte{[]byte("MZ"), []byte("\x7fELF"), {0xFE, 0xED, 0xFA, 0xCE}, {0xFE, 0xED, 0xFA, 0xCF},
		{0xCE, 0xFA, 0xED, 0xFE}, {0xCF, 0xFA, 0xED, 0xFE}, {0xCA, 0xFE, 0xBA, 0xBE}, []byte("#!")} {
		if bytes.HasPrefix(head, magic) {
			return true
		}
	}
	return false
}

// detectOfficeZip tells an office document's zip container by what it
// holds: [Content_Types].xml and the main part for Office Open XML, the
// mimetype entry for OpenDocument. Every entry is unpacked, within bounds,
// so that an archive bomb is refused rather than passed on to readers, and
// a document carrying macros is refused as active content.
func detectOfficeZip(f io.ReaderAt, size int64) (string, string) {
	z, err := zip.NewReader(f, size)
	if err != nil {
		return "", "evidence.type.unknown"
	}
	if len(z.File) > zipMaxEntries {
		return "", "evidence.type.bomb"
	}
	names := map[string]*zip.File{}
	var total int64
	for _, e := range z.File {
		names[e.Name] = e
		if strings.HasSuffix(strings.ToLower(e.Name), "vbaproject.bin") {
			return "", "evidence.type.macro"
		}
		limit := min(zipMaxUnpacked-total, int64(max(e.CompressedSize64, 1024))*zipMaxRatio) + 1
		rc, err := e.Open()
		if err != nil {
			return "", "evidence.type.unknown"
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, limit))
		rc.Close()
		if n >= limit {
			return "", "evidence.type.bomb"
		}
		if err != nil {
			return "", "evidence.type.unknown"
		}
		total += n
	}
	if m := names["mimetype"]; m != nil && len(z.File) > 0 && z.File[0] == m {
		rc, err := m.Open()
		if err != nil {
			return "", "evidence.type.unknown"
		}
		b, _ := io.ReadAll(io.LimitReader(rc, 100))
		rc.Close()
		switch ct := strings.TrimSpace(string(b)); ct {
		case "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
			"application/vnd.oasis.opendocument.presentation":
			return ct, ""
		}
		return "", "evidence.type.unknown"
	}
	if names["[Content_Types].xml"] == nil {
		return "", "evidence.type.unknown"
	}
	switch {
	case names["word/document.xml"] != nil:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ""
	case names["xl/workbook.xml"] != nil:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ""
	case names["ppt/presentation.xml"] != nil:
		return "application/vnd.openxmlformats-officedocument.presentationml.presentation", ""
	}
	return "", "evidence.type.unknown"
}
