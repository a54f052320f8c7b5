package heapfloor_test

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/guizhou-portal/portal/internal/heapfloor"
)

func TestPercentPutsTheNextCollectionAtTheFloor(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		live uint64
		want int
	}{
		{4 * mb, 700},   // 4 MB live: the next collection at 32 MB
		{10 * mb, 220},  // at 32 MB
		{16 * mb, 100},  // half the floor: the default
		{100 * mb, 100}, // a large heap is left alone
		{1 * mb, 3100},  // nearly nothing live
		{0, 100},        // before the first collection: the default
	} {
		if got := heapfloor.Percent(tc.live, 32*mb); got != tc.want {
			t.Errorf("live %d: GOGC %d, want %d", tc.live, got, tc.want)
		}
		if tc.live > 0 {
			if next := tc.live * uint64(100+tc.want) / 100; next < 32*mb-mb {
				t.Errorf("live %d: next collection at %d", tc.live, next)
			}
		}
	}
}

func TestKeepSetsGOGCAfterACollectionAndPutsItBack(t *testing.T) {
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(100)
	runtime.GC()
	live := heapfloor.Live()
	if live == 0 {
		t.Fatal("no live heap after a collection")
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	floor := 8 * live
	go func() { heapfloor.Keep(ctx, floor); close(done) }()
	// floor is eight times what is live: the next collection should wait
	// for about that, GOGC about 700 (what is live moves a little).
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC() // Keep adjusts after a collection
		time.Sleep(10 * time.Millisecond)
		// SetGCPercent says what was set; it is set back at once.
		got := debug.SetGCPercent(100)
		debug.SetGCPercent(got)
		if got >= 400 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC %d; want about %d for a live heap of %d and a floor of %d", got, heapfloor.Percent(live, floor), live, floor)
		}
	}
	cancel()
	<-done
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d after Keep ended; want the default back", got)
	}
}

func TestAGOGCInTheEnvironmentStands(t *testing.T) {
	t.Setenv("GOGC", "100")
	defer debug.SetGCPercent(100)
	debug.SetGCPercent(150)
	heapfloor.Keep(context.Background(), 1<<40) // returns at once
	if got := debug.SetGCPercent(100); got != 150 {
		t.Errorf("GOGC %d; Keep changed it despite GOGC in the environment", got)
	}
}
