package server_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestAPIVocabularyInTheRequestsLanguage: the API's names of coded values
// (kind_name, status_name, strength_name) follow Accept-Language as the
// pages do, and entities carry their English names; the codes stay the same.
func TestAPIVocabularyInTheRequestsLanguage(t *testing.T) {
	p := newTestPortal(t)
	type commitment struct {
		Kind         string `json:"kind"`
		KindName     string `json:"kind_name"`
		Status       string `json:"status"`
		StatusName   string `json:"status_name"`
		StrengthName string `json:"strength_name"`
		Lead         []struct {
			Name string `json:"name"`
		} `json:"lead"`
	}
	get := func(lang string) commitment {
		r := request(t, nil, http.MethodGet, p.URL+"/api/v1/commitments/4", nil, "Accept-Language", lang)
		if r.status != http.StatusOK {
			t.Fatalf("%s: status %d", lang, r.status)
		}
		var c commitment
		if err := json.Unmarshal([]byte(r.body), &c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	en, zh := get("en"), get("zh-CN")
	if en.Kind != "measure" || en.KindName != "Measure" || en.StrengthName != "Definite" || en.Kind != zh.Kind || en.Status != zh.Status {
		t.Errorf("English: %+v", en)
	}
	if zh.KindName != "举措" || zh.StrengthName != "明确承诺" {
		t.Errorf("Chinese: %+v", zh)
	}
	r := request(t, nil, http.MethodGet, p.URL+"/api/v1/entities/catl", nil, "Accept-Language", "en")
	var e struct {
		KindName string `json:"kind_name"`
		Name     string `json:"name"`
		NameEN   string `json:"name_en"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatal(err)
	}
	if e.Name != "宁德时代" || e.NameEN != "CATL" || e.KindName != "Company" {
		t.Errorf("entity in English: %+v", e)
	}
}
