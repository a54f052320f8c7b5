// Package geo turns boundary data into SVG paths for the portal's map. It reads
// GeoJSON, including the compressed form in which ECharts ships its maps
// ("UTF8Encoding": every ring a string of zigzag-encoded coordinate deltas,
// offset by "encodeOffsets"), projects longitude and latitude with the Mercator
// projection, fits the result to a width and simplifies each ring.
package geo

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Point is a longitude-latitude pair in degrees, or a projected x-y pair.
type Point struct{ X, Y float64 }

// Ring is a closed line of points; Polygon is an outer ring and its holes.
type (
	Ring    []Point
	Polygon []Ring
)

// Feature is one area: its code and name, its polygons, and the label point
// the data suggests (ECharts' "cp"), if any.
type Feature struct {
	Code     string
	Name     string
	Polygons []Polygon
	Label    *Point
}

type rawCollection struct {
	Type         string       `json:"type"`
	UTF8Encoding bool         `json:"UTF8Encoding"`
	UTF8Scale    *float64     `json:"UTF8Scale"`
	Features     []rawFeature `json:"features"`
}

type rawFeature struct {
	ID         json.RawMessage `json:"id"`
	Properties struct {
		Name   string    `json:"name"`
		Adcode any       `json:"adcode"`
		CP     []float64 `json:"cp"`
		Center []float64 `json:"center"`
	} `json:"properties"`
	Geometry struct {
		Type          string          `json:"type"`
		Coordinates   json.RawMessage `json:"coordinates"`
		EncodeOffsets json.RawMessage `json:"encodeOffsets"`
	} `json:"geometry"`
}

// Decode reads a GeoJSON FeatureCollection of Polygon and MultiPolygon
// features, plain or in ECharts' UTF-8 encoding. A feature's code is its id, or
// its adcode property.
func Decode(data []byte) ([]Feature, error) {
	var fc rawCollection
	if err := json.Unmarshal(data, &fc); err != nil {
		return nil, fmt.Errorf("geo: not GeoJSON: %w", err)
	}
	if fc.Type != "FeatureCollection" {
		return nil, fmt.Errorf("geo: type %q, want FeatureCollection", fc.Type)
	}
	scale := 1024.0 // ECharts' default
	if fc.UTF8Scale != nil {
		scale = *fc.UTF8Scale
	}
	var out []Feature
	for i, rf := range fc.Features {
		f := Feature{Name: rf.Properties.Name, Code: featureCode(rf)}
		if cp := rf.Properties.CP; len(cp) == 2 {
			f.Label = &Point{cp[0], cp[1]}
		} else if c := rf.Properties.Center; len(c) == 2 {
			f.Label = &Point{c[0], c[1]}
		}
		var err error
		f.Polygons, err = decodeGeometry(rf.Geometry.Type, rf.Geometry.Coordinates, rf.Geometry.EncodeOffsets, fc.UTF8Encoding, scale)
		if err != nil {
			return nil, fmt.Errorf("geo: feature %d (%s): %w", i, f.Name, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func featureCode(rf rawFeature) string {
	var s string
	if json.Unmarshal(rf.ID, &s) == nil && s != "" {
		return s
	}
	var n json.Number
	if json.Unmarshal(rf.ID, &n) == nil && n != "" {
		return n.String()
	}
	switch v := rf.Properties.Adcode.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

func decodeGeometry(typ string, coords, offsets json.RawMessage, encoded bool, scale float64) ([]Polygon, error) {
	switch {
	case typ == "Polygon" && encoded:
		var rings []string
		var offs [][2]float64
		if err := unmarshal2(coords, &rings, offsets, &offs); err != nil {
			return nil, err
		}
		p, err := decodePolygon(rings, offs, scale)
		return []Polygon{p}, err
	case typ == "MultiPolygon" && encoded:
		var polys [][]string
		var offs [][][2]float64
		if err := unmarshal2(coords, &polys, offsets, &offs); err != nil {
			return nil, err
		}
		if len(offs) != len(polys) {
			return nil, fmt.Errorf("%d polygons but %d offset lists", len(polys), len(offs))
		}
		out := make([]Polygon, len(polys))
		for i := range polys {
			p, err := decodePolygon(polys[i], offs[i], scale)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case typ == "Polygon":
		var rings [][][]float64
		if err := json.Unmarshal(coords, &rings); err != nil {
			return nil, err
		}
		return []Polygon{plainPolygon(rings)}, nil
	case typ == "MultiPolygon":
		var polys [][][][]float64
		if err := json.Unmarshal(coords, &polys); err != nil {
			return nil, err
		}
		out := make([]Polygon, len(polys))
		for i, p := range polys {
			out[i] = plainPolygon(p)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported geometry %q", typ)
}

func unmarshal2(a json.RawMessage, va any, b json.RawMessage, vb any) error {
	if err := json.Unmarshal(a, va); err != nil {
		return fmt.Errorf("coordinates: %w", err)
	}
	if err := json.Unmarshal(b, vb); err != nil {
		return fmt.Errorf("encodeOffsets: %w", err)
	}
	return nil
}

func plainPolygon(rings [][][]float64) Polygon {
	p := make(Polygon, len(rings))
	for i, r := range rings {
		for _, c := range r {
			if len(c) >= 2 {
				p[i] = append(p[i], Point{c[0], c[1]})
			}
		}
	}
	return p
}

func decodePolygon(rings []string, offsets [][2]float64, scale float64) (Polygon, error) {
	if len(offsets) != len(rings) {
		return nil, fmt.Errorf("%d rings but %d offsets", len(rings), len(offsets))
	}
	p := make(Polygon, len(rings))
	for i, r := range rings {
		ring, err := DecodeRing(r, offsets[i], scale)
		if err != nil {
			return nil, err
		}
		p[i] = ring
	}
	return p, nil
}

// DecodeRing decodes one ring of ECharts' encoding. Each UTF-16 code unit less
// 64 is a zigzag-encoded delta (0, -1, 1, -2 ... become 0, 1, 2, 3 ...); x and
// y deltas alternate and accumulate from the offset; the sums divided by the
// scale are degrees.
func DecodeRing(s string, offset [2]float64, scale float64) (Ring, error) {
	units := utf16.Encode([]rune(s))
	if len(units)%2 != 0 {
		return nil, fmt.Errorf("encoded ring has an odd number (%d) of code units", len(units))
	}
	ring := make(Ring, 0, len(units)/2)
	px, py := int(offset[0]), int(offset[1])
	for i := 0; i < len(units); i += 2 {
		x, y := int(units[i])-64, int(units[i+1])-64
		x = (x >> 1) ^ -(x & 1)
		y = (y >> 1) ^ -(y & 1)
		px, py = px+x, py+y
		ring = append(ring, Point{float64(px) / scale, float64(py) / scale})
	}
	return ring, nil
}

// Mercator projects a longitude-latitude point to the plane, in radians of
// longitude, with y growing southwards as on a screen.
func Mercator(p Point) Point {
	lat := p.Y * math.Pi / 180
	return Point{p.X * math.Pi / 180, -math.Log(math.Tan(math.Pi/4 + lat/2))}
}

// Shape is a projected, fitted feature: its SVG path and label point.
type Shape struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Path   string  `json:"d"`
	LabelX float64 `json:"labelX"`
	LabelY float64 `json:"labelY"`
}

// Map is projected features fitted into a width × height box.
type Map struct {
	Width  float64 `json:"width"`
	Height float64 `json:"height"`
	Shapes []Shape `json:"divisions"`
}

// Fit projects the features, scales them to the given width with a margin,
// simplifies every ring to within tolerance (in output units) and writes SVG paths.
func Fit(features []Feature, width, margin, tolerance float64) Map {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, f := range features {
		for _, p := range f.Polygons {
			for _, r := range p {
				for _, pt := range r {
					q := Mercator(pt)
					minX, maxX = math.Min(minX, q.X), math.Max(maxX, q.X)
					minY, maxY = math.Min(minY, q.Y), math.Max(maxY, q.Y)
				}
			}
		}
	}
	k := (width - 2*margin) / (maxX - minX)
	height := math.Ceil((maxY-minY)*k + 2*margin)
	to := func(pt Point) Point {
		q := Mercator(pt)
		return Point{margin + (q.X-minX)*k, margin + (q.Y-minY)*k}
	}
	m := Map{Width: width, Height: height}
	for _, f := range features {
		var b strings.Builder
		var largest Ring
		for _, p := range f.Polygons {
			for _, r := range p {
				out := make(Ring, len(r))
				for i, pt := range r {
					out[i] = to(pt)
				}
				if len(out) > len(largest) {
					largest = out
				}
				out = Simplify(out, tolerance)
				if len(out) < 3 {
					continue
				}
				for i, pt := range out {
					if i == 0 {
						b.WriteString("M")
					} else {
						b.WriteString("L")
					}
					b.WriteString(num(pt.X) + " " + num(pt.Y))
				}
				b.WriteString("Z")
			}
		}
		s := Shape{Code: f.Code, Name: f.Name, Path: b.String()}
		// The centroid of the largest ring sits inside most shapes; the data's own
		// label point (ECharts' "cp") marks the seat of government, often near an edge.
		label := centroid(largest)
		if len(largest) == 0 && f.Label != nil {
			label = to(*f.Label)
		}
		s.LabelX, s.LabelY = round1(label.X), round1(label.Y)
		m.Shapes = append(m.Shapes, s)
	}
	return m
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func num(v float64) string { return strconv.FormatFloat(round1(v), 'f', -1, 64) }

// centroid is the area centroid of a ring.
func centroid(r Ring) Point {
	var a, cx, cy float64
	for i := range r {
		p, q := r[i], r[(i+1)%len(r)]
		c := p.X*q.Y - q.X*p.Y
		a += c
		cx += (p.X + q.X) * c
		cy += (p.Y + q.Y) * c
	}
	if a == 0 {
		return r[0]
	}
	return Point{cx / (3 * a), cy / (3 * a)}
}

// Simplify drops the points of a ring that lie within tolerance of the line
// through their neighbours (Douglas–Peucker), keeping its first and last point.
func Simplify(r Ring, tolerance float64) Ring {
	if len(r) < 4 {
		return r
	}
	keep := make([]bool, len(r))
	keep[0], keep[len(r)-1] = true, true
	var walk func(lo, hi int)
	walk = func(lo, hi int) {
		far, idx := 0.0, -1
		for i := lo + 1; i < hi; i++ {
			if d := segmentDistance(r[i], r[lo], r[hi]); d > far {
				far, idx = d, i
			}
		}
		if idx >= 0 && far > tolerance {
			keep[idx] = true
			walk(lo, idx)
			walk(idx, hi)
		}
	}
	// A closed ring starts and ends at one point; split it at its farthest point first.
	mid, far := len(r)/2, 0.0
	for i := range r {
		if d := math.Hypot(r[i].X-r[0].X, r[i].Y-r[0].Y); d > far {
			far, mid = d, i
		}
	}
	keep[mid] = true
	walk(0, mid)
	walk(mid, len(r)-1)
	out := make(Ring, 0, len(r)/4)
	for i, k := range keep {
		if k {
			out = append(out, r[i])
		}
	}
	return out
}

func segmentDistance(p, a, b Point) float64 {
	dx, dy := b.X-a.X, b.Y-a.Y
	if dx == 0 && dy == 0 {
		return math.Hypot(p.X-a.X, p.Y-a.Y)
	}
	t := ((p.X-a.X)*dx + (p.Y-a.Y)*dy) / (dx*dx + dy*dy)
	t = math.Max(0, math.Min(1, t))
	return math.Hypot(p.X-(a.X+t*dx), p.Y-(a.Y+t*dy))
}
