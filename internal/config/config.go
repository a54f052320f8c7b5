// Package config reads the portal's settings from the environment.
package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"
)

// Defaults for a development machine.
const (
	DefaultDatabaseURL     = "postgres://postgres@127.0.0.1:5432/portal?sslmode=disable"
	DefaultAddr            = "127.0.0.1:8080"
	DefaultSessionIdle     = 30 * time.Minute
	DefaultSessionLifetime = 12 * time.Hour
)

// Config is the portal's configuration.
type Config struct {
	DatabaseURL string // DATABASE_URL
	Addr        string // PORTAL_ADDR
	// BaseURL is the portal's public address (https://portal.example.gov.cn), for
	// the absolute links and ids of feeds; empty means taken from each request.
	// PORTAL_BASE_URL.
	BaseURL string
	// HTTPS says the portal is reached over HTTPS (usually through a proxy that
	// ends TLS), so session cookies are marked Secure. PORTAL_HTTPS=1.
	HTTPS bool
	// TrustedProxies are the addresses whose X-Forwarded-For header is believed
	// for the client's address. PORTAL_TRUSTED_PROXIES, comma-separated CIDRs.
	TrustedProxies []netip.Prefix
	// SessionIdle ends a session after this long without a request;
	// SessionLifetime ends it this long after login in any case.
	// PORTAL_SESSION_IDLE and PORTAL_SESSION_LIFETIME, as Go durations (30m, 12h).
	SessionIdle     time.Duration
	SessionLifetime time.Duration
	// DirectDatabaseURL reaches the same database without a pooler in
	// transaction mode, for what needs a session of its own: the change
	// listener (LISTEN) and migrations under their advisory lock. Empty means
	// DatabaseURL. PORTAL_DIRECT_DATABASE_URL.
	DirectDatabaseURL string
}

// FromEnv reads the configuration, using the defaults for unset variables. A
// malformed value is an error that names the variable.
func FromEnv() (Config, error) {
	cfg := Config{
		DatabaseURL: getenv("DATABASE_URL", DefaultDatabaseURL),
		Addr:        getenv("PORTAL_ADDR", DefaultAddr),

		DirectDatabaseURL: os.Getenv("PORTAL_DIRECT_DATABASE_URL"),
	}
	if v := strings.TrimRight(os.Getenv("PORTAL_BASE_URL"), "/"); v != "" {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" {
			return cfg, fmt.Errorf("PORTAL_BASE_URL must be like https://portal.example.gov.cn, not %q", v)
		}
		cfg.BaseURL = v
	}
	switch v := os.Getenv("PORTAL_HTTPS"); v {
	case "", "0", "false":
	case "1", "true":
		cfg.HTTPS = true
	default:
		return cfg, fmt.Errorf("PORTAL_HTTPS must be 1 or 0, not %q", v)
	}
	for _, s := range strings.Split(os.Getenv("PORTAL_TRUSTED_PROXIES"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			addr, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return cfg, fmt.Errorf("PORTAL_TRUSTED_PROXIES: %q is neither a CIDR nor an address", s)
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p.Masked())
	}
	var err error
	if cfg.SessionIdle, err = duration("PORTAL_SESSION_IDLE", DefaultSessionIdle); err != nil {
		return cfg, err
	}
	if cfg.SessionLifetime, err = duration("PORTAL_SESSION_LIFETIME", DefaultSessionLifetime); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func duration(key string, def time.Duration) (time.Duration, error) {
	v := os.Getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s must be a positive duration such as 30m or 12h, not %q", key, v)
	}
	return d, nil
}

func getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
