package server

import "testing"

func TestAClientHasAtMostTwoRendersInFlight(t *testing.T) {
	b := &rendersBusy{n: map[string]int{}}
	if !b.acquire("a") || !b.acquire("a") {
		t.Fatal("the first two renders refused")
	}
	if b.acquire("a") {
		t.Error("a third render in flight let through")
	}
	if !b.acquire("b") {
		t.Error("another client refused")
	}
	b.release("a")
	if !b.acquire("a") {
		t.Error("refused after one ended")
	}
	b.release("a")
	b.release("a")
	b.release("b")
	if len(b.n) != 0 {
		t.Errorf("clients without renders still counted: %v", b.n)
	}
}
