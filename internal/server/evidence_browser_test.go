package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// TestEditorAttachesEvidenceInABrowser: an editor picks a Word document in
// the update's file field and uploads it; the page lists it with its
// SHA-256, and the file the browser downloads from the link has that same
// SHA-256, byte for byte the uploaded file.
func TestEditorAttachesEvidenceInABrowser(t *testing.T) {
	eachEvidenceStore(t, testEditorAttachesEvidenceInABrowser)
}

func testEditorAttachesEvidenceInABrowser(t *testing.T, es evidenceStore) {
	p := newTestPortal(t, withStaff(), withClock(time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)), es.option(t))
	pub, _ := addUpdates(t, p, loggedIn(t, p.URL, editorEmail))
	dir := t.TempDir()
	doc := testDOCX(t)
	path := filepath.Join(dir, "会议纪要.docx")
	if err := os.WriteFile(path, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	downloads := t.TempDir()
	field := "#evidence-" + strconv.FormatInt(pub, 10)

	ctx := browser(t)
	progress := chromedp.Events(ctx, cdpbrowser.DownloadProgress)
	steps(t, ctx,
		chromedp.Navigate(p.URL+"/login?next=/commitments/12"),
		signIn(editorEmail),
		chromedp.WaitVisible(chromedp.CSS(field)),
		chromedp.SetUploadFiles(chromedp.CSS(field), []string{path}),
		chromedp.Click(chromedp.CSS(`#u`+strconv.FormatInt(pub, 10)+` form.evidence-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.evidence-files a`)),
	)
	shown := strings.TrimSpace(must(t, ctx, chromedp.Text(chromedp.CSS(`ul.evidence-files code.sha256`))))
	sum := sha256.Sum256(doc)
	if shown != hex.EncodeToString(sum[:]) {
		t.Fatalf("the page shows SHA-256 %q for a file whose SHA-256 is %x", shown, sum)
	}
	if name := must(t, ctx, chromedp.Text(chromedp.CSS(`ul.evidence-files a`))); name != "会议纪要.docx" {
		t.Errorf("the link reads %q", name)
	}
	screenshot(t, ctx, "evidence")

	steps(t, ctx,
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			enabled := true
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: downloads, EventsEnabled: &enabled})
			return err
		}),
		chromedp.Click(chromedp.CSS(`ul.evidence-files a`)),
	)
	var got []byte
	for ev, err := range progress {
		if err != nil {
			t.Fatal(err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatal("the browser cancelled the download")
		}
		if ev.State != cdpbrowser.DownloadProgressStateCompleted {
			continue
		}
		if got, err = os.ReadFile(filepath.Join(downloads, ev.GUID)); err != nil {
			t.Fatal(err)
		}
		break
	}
	downloaded := sha256.Sum256(got)
	if hex.EncodeToString(downloaded[:]) != shown {
		t.Errorf("the downloaded file (%d bytes) has SHA-256 %x, the page says %s", len(got), downloaded, shown)
	}
}
