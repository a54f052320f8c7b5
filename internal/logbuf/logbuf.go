// Package logbuf gathers log lines into fewer writes. `portal serve` logs a
// line for every request; written one by one, each cost a write system call
// (profiled under load: 7 % of the portal's CPU for /healthz, as much as the
// rest of the line's making). A Writer keeps the lines and writes them
// together at most Delay later, or at once when MaxBuffered bytes are
// waiting; a Handler also writes them at once after any record at error
// level or above, so that what precedes a failure is out before anything
// else can happen. Flush writes what is kept: call it before the process
// exits.
package logbuf

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// DefaultDelay is the longest a line waits in a Writer by default.
const DefaultDelay = 100 * time.Millisecond

// MaxBuffered is how many bytes a Writer keeps before it writes them at once.
const MaxBuffered = 32 << 10

// Writer keeps what is written to it and writes it to its destination in
// one write at most its delay later. Each Write should be whole lines, as
// slog's handlers write: lines are never split or interleaved.
type Writer struct {
	dst   io.Writer
	delay time.Duration

	mu        sync.Mutex // guards buf, spare and scheduled
	buf       []byte
	spare     []byte
	scheduled bool
	timer     *time.Timer

	out sync.Mutex // held while writing to dst, so that writes keep their order
}

// New returns a Writer to dst that writes what it is given at most delay
// later (DefaultDelay when zero or less).
func New(dst io.Writer, delay time.Duration) *Writer {
	if delay <= 0 {
		delay = DefaultDelay
	}
	w := &Writer{dst: dst, delay: delay, buf: make([]byte, 0, MaxBuffered), spare: make([]byte, 0, MaxBuffered)}
	w.timer = time.AfterFunc(time.Hour, func() { w.Flush() })
	w.timer.Stop()
	return w
}

// Write keeps p to be written later; it writes at once what is kept when
// that reaches MaxBuffered. It fails only when that write fails.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf = append(w.buf, p...)
	full := len(w.buf) >= MaxBuffered
	if !full && !w.scheduled {
		w.scheduled = true
		w.timer.Reset(w.delay)
	}
	w.mu.Unlock()
	if full {
		if err := w.Flush(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes what is kept now, in one write.
func (w *Writer) Flush() error {
	w.out.Lock()
	defer w.out.Unlock()
	w.mu.Lock()
	b := w.buf
	w.buf, w.spare = w.spare[:0], nil
	w.scheduled = false
	w.mu.Unlock()
	var err error
	if len(b) > 0 {
		_, err = w.dst.Write(b)
	}
	if cap(b) > 4*MaxBuffered {
		b = make([]byte, 0, MaxBuffered) // one huge record does not stay allocated
	}
	w.mu.Lock()
	w.spare = b[:0]
	w.mu.Unlock()
	return err
}

// Handler is a slog.Handler that writes through a Writer and flushes it
// after each record at error level or above.
type Handler struct {
	slog.Handler
	w *Writer
}

// NewHandler returns h, which writes to w, flushing w after errors.
func NewHandler(h slog.Handler, w *Writer) Handler { return Handler{h, w} }

// Handle hands rec on, then flushes the Writer if rec is an error.
func (h Handler) Handle(ctx context.Context, rec slog.Record) error {
	err := h.Handler.Handle(ctx, rec)
	if rec.Level >= slog.LevelError {
		if ferr := h.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

// WithAttrs keeps the flushing.
func (h Handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return Handler{h.Handler.WithAttrs(attrs), h.w}
}

// WithGroup keeps the flushing.
func (h Handler) WithGroup(name string) slog.Handler {
	return Handler{h.Handler.WithGroup(name), h.w}
}
