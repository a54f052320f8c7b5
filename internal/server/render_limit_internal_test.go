package server

import "testing"

func TestAClientHasAtMostSoManyRendersInFlight(t *testing.T) {
	b := &rendersBusy{n: map[string]int{}}
	for i := range rendersInFlight {
		if !b.acquire("a") {
			t.Fatalf("render %d of %d refused", i+1, rendersInFlight)
		}
	}
	if b.acquire("a") {
		t.Errorf("render %d in flight let through", rendersInFlight+1)
	}
	if !b.acquire("b") {
		t.Error("another client refused")
	}
	b.release("a")
	if !b.acquire("a") {
		t.Error("refused after one ended")
	}
	for range rendersInFlight {
		b.release("a")
	}
	b.release("b")
	if len(b.n) != 0 {
		t.Errorf("clients without renders still counted: %v", b.n)
	}
}
