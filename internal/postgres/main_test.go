package postgres_test

import (
	"testing"

	"github.com/guizhou-portal/portal/internal/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
