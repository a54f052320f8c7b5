package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/guizhou-portal/portal/internal/policy"
)

// TestErrorCodesMapToTheirStatus pins the one table from error codes to HTTP
// statuses, and that every code the domain defines has a row in it.
func TestErrorCodesMapToTheirStatus(t *testing.T) {
	want := map[string]int{
		policy.EINVALID:      http.StatusBadRequest,
		policy.ENOTFOUND:     http.StatusNotFound,
		policy.ECONFLICT:     http.StatusConflict,
		policy.EUNAUTHORIZED: http.StatusUnauthorized,
		policy.EFORBIDDEN:    http.StatusForbidden,
		policy.ETOOLARGE:     http.StatusRequestEntityTooLarge,
		policy.EMETHOD:       http.StatusMethodNotAllowed,
		policy.ETOOMANY:      http.StatusTooManyRequests,
		policy.EGONE:         http.StatusGone,
		policy.EUNAVAILABLE:  http.StatusServiceUnavailable,
		policy.EINTERNAL:     http.StatusInternalServerError,
	}
	for _, code := range policy.Codes {
		if _, ok := codeStatus[code]; !ok {
			t.Errorf("code %q has no status", code)
		}
	}
	for code, status := range want {
		if got := statusOf(policy.Errorf(code, "x")); got != status {
			t.Errorf("code %q: status %d, want %d", code, got, status)
		}
		if got := statusOf(fmt.Errorf("wrapped: %w", policy.Errorf(code, "x"))); got != status {
			t.Errorf("wrapped code %q: status %d, want %d", code, got, status)
		}
	}
	for err, status := range map[error]int{
		errors.New("plain"):      http.StatusInternalServerError,
		context.DeadlineExceeded: http.StatusServiceUnavailable,
		errTooLarge:              http.StatusRequestEntityTooLarge,
		errImportTooLarge:        http.StatusRequestEntityTooLarge,
		errMethod:                http.StatusMethodNotAllowed,
		errAPIMethod:             http.StatusMethodNotAllowed,
		policy.ErrStale:          http.StatusConflict,
		policy.ErrWithdrawn:      http.StatusConflict,
	} {
		if got := statusOf(err); got != status {
			t.Errorf("%v: status %d, want %d", err, got, status)
		}
	}
}

// TestStaleAndWithdrawnAreToldApart: both are conflicts, but a handler shows
// a stale form again and refuses a withdrawn commitment, so neither may pass
// for the other.
func TestStaleAndWithdrawnAreToldApart(t *testing.T) {
	stale := fmt.Errorf("save: %w", policy.ErrStale)
	withdrawn := fmt.Errorf("save: %w", policy.ErrWithdrawn)
	if !errors.Is(stale, policy.ErrStale) || errors.Is(stale, policy.ErrWithdrawn) {
		t.Error("a stale save is not told apart from a withdrawn commitment")
	}
	if !errors.Is(withdrawn, policy.ErrWithdrawn) || errors.Is(withdrawn, policy.ErrStale) {
		t.Error("a withdrawn commitment is not told apart from a stale save")
	}
}
