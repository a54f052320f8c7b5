// Package config reads the portal's settings from the environment.
package config

import "os"

// Defaults for a development machine.
const (
	DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/portal?sslmode=disable"
	DefaultAddr        = "127.0.0.1:8080"
)

// Config is the portal's configuration.
type Config struct {
	DatabaseURL string // DATABASE_URL
	Addr        string // PORTAL_ADDR
}

// FromEnv reads the configuration, using the defaults for unset variables.
func FromEnv() Config {
	return Config{
		DatabaseURL: getenv("DATABASE_URL", DefaultDatabaseURL),
		Addr:        getenv("PORTAL_ADDR", DefaultAddr),
	}
}

func getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
