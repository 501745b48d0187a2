package flexera_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
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

// TestReadStateValidates: nothing from a corrupted state file reaches
// Flexera, and a null user list is not taken for a first run.
func TestReadStateValidates(t *testing.T) {
	t.Parallel()
	const ok = `{"uniqueId":"a@x.io","email":"a@x.io","firstName":"A","lastName":"B","activatedAt":"2026-01-01T00:00:00.000Z"}`
	head := `{"version":1,"org":"1","app":"ab","syncKey":"email","updatedAt":"2026-01-01T00:00:00Z",`
	tests := []struct {
		name, content, want string
	}{
		{"valid", head + `"users":[` + ok + `]}`, ""},
		{"empty list", head + `"users":[]}`, ""},
		{"users null", head + `"users":null}`, `"users" is missing or null`},
		{"users missing", strings.TrimSuffix(head, ",") + `}`, `"users" is missing or null`},
		{"garbage activatedAt", head + `"users":[{"uniqueId":"a","activatedAt":"garbage"}]}`, "users[0].activatedAt is not a timestamp"},
		{"no activatedAt", head + `"users":[{"uniqueId":"a"}]}`, "users[0] has no activatedAt"},
		{"garbage deactivatedAt", head + `"users":[` + ok + `,{"uniqueId":"b","activatedAt":"2026-01-01T00:00:00.000Z","deactivatedAt":"yesterday"}]}`, "users[1].deactivatedAt is not a timestamp"},
		{"garbage lastActivityAt", head + `"users":[{"uniqueId":"a","activatedAt":"2026-01-01T00:00:00.000Z","lastActivityAt":"1"}]}`, "users[0].lastActivityAt is not a timestamp"},
		{"bad sync key", `{"version":1,"org":"1","app":"ab","syncKey":"phone","users":[]}`, `"syncKey" is "phone"`},
		{"no org or app", `{"version":1,"syncKey":"email","users":[]}`, `"org" is empty`},
		{"trailing data", head + `"users":[]} {}`, "unexpected data after the JSON value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "s.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			st, err := flexera.ReadState(path)
			if tc.want == "" {
				if err != nil || st == nil {
					t.Fatalf("ReadState = %v, %v; want a state", st, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("ReadState error = %v, want %q and the path", err, tc.want)
			}
			if st != nil {
				t.Errorf("ReadState returned a state with the error: %+v", st)
			}
		})
	}
}

// TestReadStateFileKinds: a state file beyond the cap or of the wrong kind
// is refused. (Devices and FIFOs: see internal/safefile, whose checks
// ReadState uses; on a reader without them /dev/zero grows memory without
// bound, so it is not exercised here.)
func TestReadStateFileKinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, 16<<20+1); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{big, "file too large"},
		{dir, "not a regular file (a directory)"},
	} {
		if _, err := flexera.ReadState(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadState(%s) error = %v, want %q", tc.path, err, tc.want)
		}
	}
}
