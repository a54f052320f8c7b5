package config

import (
	"strings"
	"testing"
	"time"
)

func TestOperationsSettingsHaveSafeDefaults(t *testing.T) {
	cfg, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ShutdownGrace != 10*time.Second || cfg.RequestTimeout != 10*time.Second || cfg.LogFormat != "" ||
		cfg.MetricsAddr != "" || cfg.MetricsToken != "" || cfg.DBRole != "portal_app" {
		t.Errorf("defaults: %+v", cfg)
	}
}

func TestOperationsSettingsAreReadAndBadValuesNamed(t *testing.T) {
	t.Setenv("PORTAL_SHUTDOWN_GRACE", "25s")
	t.Setenv("PORTAL_REQUEST_TIMEOUT", "3s")
	t.Setenv("PORTAL_LOG_FORMAT", "text")
	t.Setenv("PORTAL_METRICS_ADDR", "127.0.0.1:9090")
	t.Setenv("PORTAL_METRICS_TOKEN", "0123456789abcdef")
	t.Setenv("PORTAL_DB_ROLE", "none")
	cfg, err := FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.ShutdownGrace != 25*time.Second || cfg.RequestTimeout != 3*time.Second || cfg.LogFormat != "text" ||
		cfg.MetricsAddr != "127.0.0.1:9090" || cfg.MetricsToken != "0123456789abcdef" || cfg.DBRole != "" {
		t.Errorf("read: %+v", cfg)
	}
	for key, bad := range map[string]string{
		"PORTAL_SHUTDOWN_GRACE":  "soon",
		"PORTAL_REQUEST_TIMEOUT": "-1s",
		"PORTAL_LOG_FORMAT":      "xml",
		"PORTAL_METRICS_TOKEN":   "short",
		"PORTAL_DB_ROLE":         "app; DROP TABLE audit_log",
	} {
		t.Run(key, func(t *testing.T) {
			t.Setenv(key, bad)
			if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), key) {
				t.Errorf("%s=%q: %v", key, bad, err)
			}
		})
	}
}
