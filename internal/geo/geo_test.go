package geo_test

import (
	"math"
	"os"
	"testing"

	"github.com/guizhou-portal/portal/internal/geo"
)

func TestDecodeRingUndoesZigzagDeltas(t *testing.T) {
	// From (1024, 2048): deltas (+1, -1) encode as 2, 1 and (0, +2) as 0, 4; plus 64.
	s := string([]rune{64 + 0, 64 + 0, 64 + 2, 64 + 1, 64 + 0, 64 + 4})
	r, err := geo.DecodeRing(s, [2]float64{1024, 2048}, 1024)
	if err != nil {
		t.Fatal(err)
	}
	want := geo.Ring{{1, 2}, {1025.0 / 1024, 2047.0 / 1024}, {1025.0 / 1024, 2049.0 / 1024}}
	if len(r) != len(want) {
		t.Fatalf("%v, want %v", r, want)
	}
	for i := range want {
		if r[i] != want[i] {
			t.Errorf("point %d = %v, want %v", i, r[i], want[i])
		}
	}
	if _, err := geo.DecodeRing("@@@", [2]float64{}, 1024); err == nil {
		t.Error("an odd number of code units decoded without error")
	}
}

// The boundary file decodes to Guizhou's nine divisions, each lying within
// the province's bounding box (103.6°–109.6°E, 24.6°–29.2°N).
func TestBoundaryFileHoldsGuizhousNineDivisions(t *testing.T) {
	data, err := os.ReadFile("../../third_party/boundaries/guizhou.json")
	if err != nil {
		t.Fatal(err)
	}
	fs, err := geo.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"520100", "520200", "520300", "520400", "520500", "520600", "522300", "522600", "522700"}
	if len(fs) != len(want) {
		t.Fatalf("%d features, want 9", len(fs))
	}
	for i, f := range fs {
		if f.Code != want[i] {
			t.Errorf("feature %d has code %s, want %s", i, f.Code, want[i])
		}
		n := 0
		for _, p := range f.Polygons {
			for _, r := range p {
				for _, pt := range r {
					n++
					if pt.X < 103.5 || pt.X > 109.7 || pt.Y < 24.5 || pt.Y > 29.3 {
						t.Fatalf("%s: point %v lies outside Guizhou", f.Name, pt)
					}
				}
			}
		}
		if n < 100 {
			t.Errorf("%s has only %d points", f.Name, n)
		}
	}
}

func TestPlainGeoJSONDecodesToo(t *testing.T) {
	fs, err := geo.Decode([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"甲","adcode":520100},
		"geometry":{"type":"Polygon","coordinates":[[[106,26],[107,26],[107,27],[106,26]]]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Code != "520100" || len(fs[0].Polygons[0][0]) != 4 {
		t.Fatalf("%+v", fs)
	}
	m := geo.Fit(fs, 100, 10, 0.1)
	if m.Width != 100 || m.Shapes[0].Path == "" || math.IsNaN(m.Shapes[0].LabelX) {
		t.Errorf("fitted %+v", m)
	}
	if _, err := geo.Decode([]byte(`{"type":"Feature"}`)); err == nil {
		t.Error("a lone Feature decoded as a collection")
	}
}
