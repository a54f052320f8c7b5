// Package heapfloor keeps the garbage collector from running more often than
// a small heap is worth. With the default GOGC of 100 a collection starts
// when the heap has grown by as much as is live; the portal serving cached
// pages keeps only a few megabytes live, so it collected every few hundred
// requests, each time scanning every goroutine's stack and the globals
// (profiled under load: 9 % of its CPU, where a bare chi server spent 1 %).
// Keep raises GOGC while the live heap is small, so that the next collection
// starts no sooner than at Floor bytes of heap; once the live heap is half
// the floor or more, GOGC is back at 100 and nothing changes: the peak
// memory, set by a large live heap (a full page cache), stays where it was.
// It adjusts after every collection, from the live heap that collection
// measured, so the heap never aims past the floor on an old figure.
package heapfloor

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// Floor is the heap size below which Keep does not let a collection start.
const Floor = 32 << 20

// Percent is the GOGC that puts the next collection at floor bytes of heap
// or later for a live heap of live bytes: the default 100 at the least, and
// the default too before the first collection has measured the live heap.
func Percent(live, floor uint64) int {
	if live == 0 || floor/2 <= live {
		return 100
	}
	return int(floor*100/live - 100)
}

// Keep sets GOGC by Percent after every collection, as soon as it has
// measured the live heap (the runtime sets the next target from the same
// figure), until ctx ends; then it puts back the default. It does nothing
// when GOGC is set in the environment: the operator's choice stands.
func Keep(ctx context.Context, floor uint64) {
	if os.Getenv("GOGC") != "" {
		return
	}
	cycles := make(chan struct{}, 1)
	afterEachCollection(ctx, func() {
		select {
		case cycles <- struct{}{}:
		default:
		}
	})
	set := 100
	for {
		select {
		case <-ctx.Done():
			debug.SetGCPercent(100)
			return
		case <-cycles:
			if p := Percent(Live(), floor); p != set {
				debug.SetGCPercent(p)
				set = p
			}
		}
	}
}

// afterEachCollection calls f after each garbage collection until ctx ends:
// an object only a finalizer refers to is collected at every cycle, and its
// finalizer, run just after, makes the next one.
func afterEachCollection(ctx context.Context, f func()) {
	s := &sentinel{}
	runtime.SetFinalizer(s, func(*sentinel) {
		if ctx.Err() == nil {
			f()
			afterEachCollection(ctx, f)
		}
	})
}

// sentinel is large enough not to share a tiny allocation block, whose
// finalizers may never run.
type sentinel struct{ _ [32]byte }

// Live is the heap the last collection found live, in bytes; 0 before the first.
func Live() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
