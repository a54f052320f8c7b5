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

// TestEvidenceStoreSettings: PostgreSQL is the default store; s3 takes its
// settings from PORTAL_S3_*, and each missing or malformed one is refused
// with a message naming the variable, as is an S3 setting without s3.
func TestEvidenceStoreSettings(t *testing.T) {
	cfg, err := FromEnv()
	if err != nil || cfg.EvidenceStore != EvidenceStorePostgres || cfg.S3 != (S3{}) {
		t.Fatalf("default: %q %+v %v", cfg.EvidenceStore, cfg.S3, err)
	}
	good := map[string]string{
		"PORTAL_EVIDENCE_STORE": "s3", "PORTAL_S3_ENDPOINT": "127.0.0.1:9000", "PORTAL_S3_BUCKET": "portal-evidence",
		"PORTAL_S3_ACCESS_KEY": "portal", "PORTAL_S3_SECRET_KEY": "secret-key", "PORTAL_S3_REGION": "cn-southwest-1", "PORTAL_S3_INSECURE": "1",
	}
	set := func(t *testing.T, over map[string]string) {
		for k, v := range good {
			if o, ok := over[k]; ok {
				v = o
			}
			t.Setenv(k, v)
		}
	}
	t.Run("read", func(t *testing.T) {
		set(t, nil)
		cfg, err := FromEnv()
		want := S3{Endpoint: "127.0.0.1:9000", Bucket: "portal-evidence", AccessKey: "portal", SecretKey: "secret-key", Region: "cn-southwest-1", Insecure: true}
		if err != nil || cfg.EvidenceStore != EvidenceStoreS3 || cfg.S3 != want {
			t.Errorf("%q %+v %v", cfg.EvidenceStore, cfg.S3, err)
		}
	})
	for _, c := range []struct {
		name, key, value, want string
	}{
		{"unknown store", "PORTAL_EVIDENCE_STORE", "disk", "PORTAL_EVIDENCE_STORE must be postgres or s3"},
		{"no endpoint", "PORTAL_S3_ENDPOINT", "", "needs PORTAL_S3_ENDPOINT"},
		{"endpoint with a scheme", "PORTAL_S3_ENDPOINT", "https://s3.example.gov.cn", "without a scheme"},
		{"endpoint with a path", "PORTAL_S3_ENDPOINT", "s3.example.gov.cn/bucket", "PORTAL_S3_ENDPOINT must be a host[:port]"},
		{"endpoint with a bad port", "PORTAL_S3_ENDPOINT", "127.0.0.1:99999", "PORTAL_S3_ENDPOINT has a bad port"},
		{"no bucket", "PORTAL_S3_BUCKET", "", "PORTAL_S3_BUCKET must name a bucket"},
		{"bucket in capitals", "PORTAL_S3_BUCKET", "Evidence", "PORTAL_S3_BUCKET must name a bucket"},
		{"no access key", "PORTAL_S3_ACCESS_KEY", "", "both PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY"},
		{"no secret key", "PORTAL_S3_SECRET_KEY", "", "both PORTAL_S3_ACCESS_KEY and PORTAL_S3_SECRET_KEY"},
		{"bad region", "PORTAL_S3_REGION", "us east", "PORTAL_S3_REGION must be a region name"},
		{"bad insecure", "PORTAL_S3_INSECURE", "yes", "PORTAL_S3_INSECURE must be 1"},
		{"s3 setting with the postgres store", "PORTAL_EVIDENCE_STORE", "postgres", "PORTAL_S3_ENDPOINT is set but PORTAL_EVIDENCE_STORE is postgres"},
	} {
		t.Run(c.name, func(t *testing.T) {
			set(t, map[string]string{c.key: c.value})
			if _, err := FromEnv(); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s=%q: %v, want %q", c.key, c.value, err, c.want)
			}
		})
	}
}
