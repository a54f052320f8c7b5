package main

import (
	"bytes"
	"os"
	"testing"
)

// The committed map geometry is what the generator makes of the committed
// boundary file: nobody edited one without the other.
func TestCommittedMapIsGenerated(t *testing.T) {
	src, err := os.ReadFile("../../third_party/boundaries/guizhou.json")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(src, "third_party/boundaries/guizhou.json")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../../web/mapdata/guizhou.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("web/mapdata/guizhou.json is stale: run make generate")
	}
}
