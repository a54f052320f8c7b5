package logbuf_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/logbuf"
)

// writes records each write it is given.
type writes struct {
	mu sync.Mutex
	w  [][]byte
}

func (d *writes) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.w = append(d.w, bytes.Clone(p))
	return len(p), nil
}

func (d *writes) all() (n int, text string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.w), string(bytes.Join(d.w, nil))
}

func TestLinesAreWrittenTogetherWithinTheDelay(t *testing.T) {
	dst := &writes{}
	w := logbuf.New(dst, 50*time.Millisecond)
	logger := slog.New(logbuf.NewHandler(slog.NewJSONHandler(w, nil), w))
	for i := range 100 {
		logger.Info("request", "n", i)
	}
	if n, _ := dst.all(); n != 0 {
		t.Fatalf("%d writes at once; want them kept", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		n, text := dst.all()
		if n > 0 {
			if n != 1 || strings.Count(text, "\n") != 100 {
				t.Fatalf("100 lines in %d writes, %d lines; want one write", n, strings.Count(text, "\n"))
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("nothing written 5 s after the lines")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestErrorsAndFlushWriteAtOnce(t *testing.T) {
	dst := &writes{}
	w := logbuf.New(dst, time.Hour)
	logger := slog.New(logbuf.NewHandler(slog.NewJSONHandler(w, nil), w).WithAttrs([]slog.Attr{slog.String("app", "portal")}))
	logger.Info("before")
	logger.Warn("a warning waits")
	if n, _ := dst.all(); n != 0 {
		t.Fatalf("%d writes before the error", n)
	}
	logger.Error("failed")
	n, text := dst.all()
	if n != 1 || !strings.Contains(text, `"msg":"before"`) || !strings.Contains(text, `"msg":"failed"`) ||
		strings.Index(text, "before") > strings.Index(text, "failed") {
		t.Fatalf("after an error: %d writes:\n%s", n, text)
	}
	logger.Info("last")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if n, text := dst.all(); n != 2 || !strings.HasSuffix(text, "\"app\":\"portal\"}\n") || !strings.Contains(text, `"msg":"last"`) {
		t.Fatalf("after Flush: %d writes:\n%s", n, text)
	}
}

func TestAFullBufferIsWrittenAtOnceAndLinesStayWhole(t *testing.T) {
	dst := &writes{}
	w := logbuf.New(dst, time.Hour)
	var wg sync.WaitGroup
	line := strings.Repeat("x", 200)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				fmt.Fprintf(w, "%d %d %s\n", g, i, line)
			}
		}()
	}
	wg.Wait()
	n, _ := dst.all()
	if n < 8*500*200/logbuf.MaxBuffered-1 {
		t.Errorf("%d writes of 800 kB; want one per %d bytes", n, logbuf.MaxBuffered)
	}
	w.Flush()
	_, text := dst.all()
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines; want %d", len(lines), 8*500)
	}
	next := map[string]int{}
	for _, l := range lines {
		var g string
		var i int
		if _, err := fmt.Sscanf(l, "%s %d", &g, &i); err != nil || !strings.HasSuffix(l, " "+line) || next[g] != i {
			t.Fatalf("line %.40q out of order or cut (want %d for %s)", l, next[g], g)
		}
		next[g]++
	}
}
