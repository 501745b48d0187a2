package flexera_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/saasconnect/saasconnect/flexera"
)

func TestLockState(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		timeout time.Duration
		release time.Duration // when the first holder unlocks; 0 means never
		wantErr error
		wantAt  time.Duration // fake time when the second LockState returns
	}{
		{"waits for the holder", 30 * time.Second, 5050 * time.Millisecond, nil, 5100 * time.Millisecond}, // the next 100 ms poll after the release
		{"times out", 30 * time.Second, 0, flexera.ErrStateLocked, 30 * time.Second},
		{"zero timeout tries once", 0, 0, flexera.ErrStateLocked, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "state", "s.json")
			synctest.Test(t, func(t *testing.T) {
				first, err := flexera.LockState(t.Context(), path, 0)
				if err != nil {
					t.Fatalf("first LockState: %v", err)
				}
				if tc.release > 0 {
					go func() {
						time.Sleep(tc.release)
						if err := first(); err != nil {
							t.Errorf("unlock: %v", err)
						}
					}()
				} else {
					defer first()
				}
				start := time.Now()
				second, err := flexera.LockState(t.Context(), path, tc.timeout)
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("second LockState error = %v, want %v", err, tc.wantErr)
				}
				if got := time.Since(start); got != tc.wantAt {
					t.Errorf("second LockState returned after %s (fake clock), want %s", got, tc.wantAt)
				}
				if err == nil {
					if err := second(); err != nil {
						t.Errorf("second unlock: %v", err)
					}
				}
			})
		})
	}
}

func TestLockStateCancelled(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s.json")
	synctest.Test(t, func(t *testing.T) {
		first, err := flexera.LockState(t.Context(), path, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer first()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := flexera.LockState(ctx, path, time.Minute); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("LockState with a context ending first = %v, want context.DeadlineExceeded", err)
		}
	})
}
