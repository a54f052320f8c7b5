// Package migrations embeds the goose SQL migrations, so that the portal binary
// carries its own schema and seed data.
package migrations

import "embed"

// FS holds the migration files, named NNNNN_description.sql.
//
//go:embed *.sql
var FS embed.FS
