package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/config"
)

// TestImportTitlesAnUntitledFile: a reply copied from its salutation on is
// refused with a message that names --title, and read with the title given.
func TestImportTitlesAnUntitledFile(t *testing.T) {
	ctx := context.Background()
	const untitled = "../../testdata/replies/001.txt"
	var out, errs bytes.Buffer
	err := importCommand(ctx, config.Config{}, []string{"--dry-run", "--json", untitled}, &out, &errs)
	if err == nil || !strings.Contains(errs.String(), "找不到标题") || !strings.Contains(errs.String(), "--title") {
		t.Errorf("untitled: err %v, stderr %q", err, errs.String())
	}
	out.Reset()
	errs.Reset()
	err = importCommand(ctx, config.Config{}, []string{"--dry-run", "--json", "--title", "关于方山村道路的答复", untitled}, &out, &errs)
	if err != nil || !strings.Contains(out.String(), `"title": "关于方山村道路的答复"`) {
		t.Errorf("titled: err %v, stderr %q, stdout %.300s", err, errs.String(), out.String())
	}
	if err := importCommand(ctx, config.Config{}, []string{"--dry-run", "--title", "甲", untitled, seedFile}, &out, &errs); err == nil || !strings.Contains(err.Error(), "--title") {
		t.Errorf("--title with two files: %v", err)
	}
}
