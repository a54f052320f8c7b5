package main

import (
	"strings"
	"testing"

	"github.com/guizhou-portal/portal/internal/config"
)

// TestUsageEnvironmentIsMadeFromConfig checks that `portal help` lists the
// portal's variables from config.Variables, the one place they are defined,
// and ends with that list rather than a hand-kept copy.
func TestUsageEnvironmentIsMadeFromConfig(t *testing.T) {
	if !strings.HasSuffix(usage, config.Usage()) {
		t.Fatalf("usage does not end with config.Usage():\n%s", usage)
	}
	for _, v := range config.Variables {
		if v.Reader == config.ReaderPortal && !strings.Contains(usage, "\n  "+v.Name+" ") {
			t.Errorf("usage lacks %s", v.Name)
		}
	}
	if strings.Count(usage, "Environment:") != 1 {
		t.Errorf("usage has %d Environment sections", strings.Count(usage, "Environment:"))
	}
}
