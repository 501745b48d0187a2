package flexera

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/internal/safefile"
)

// StateVersion is the version of the state file format State writes.
const StateVersion = 1

// State is the snapshot of what Flexera has been told about one managed
// app: every record delivered so far, removed users included (with
// deactivatedAt), so the next run can diff against it. It is written only
// after the import jobs of a run succeeded: a run that fails leaves it
// unchanged and the next run sends the same changes again.
type State struct {
	Version   int            `json:"version"`
	Org       string         `json:"org"`
	App       string         `json:"app"`
	SyncKey   SyncKey        `json:"syncKey"`
	UpdatedAt time.Time      `json:"updatedAt"`
	Users     []RosterRecord `json:"users"` // sorted by UniqueID
}

// ReadState reads the state file at path. A missing file is not an error:
// it returns (nil, nil). The file must be a regular file of at most 16 MiB,
// and its content is checked before anything is taken from it: the version,
// org, app and sync key; a "users" list (null or missing is an error, not a
// first run); and in each record a unique, non-empty uniqueId and
// timestamps in TimeFormat (activatedAt required). Errors name the path and
// list every problem (at most maxStateProblems).
func ReadState(path string) (*State, error) {
	b, err := safefile.ReadFile(context.Background(), path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("flexera: reading state: %w", err)
	}
	var s struct {
		State
		Users *[]RosterRecord `json:"users"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("flexera: state file %s: %w", path, jsonErrorAt(b, err))
	}
	if dec.More() {
		return nil, fmt.Errorf("flexera: state file %s: unexpected data after the JSON value at byte offset %d", path, dec.InputOffset())
	}
	if s.Version != StateVersion {
		return nil, fmt.Errorf("flexera: state file %s: version %d, want %d", path, s.Version, StateVersion)
	}
	if s.Users == nil {
		return nil, fmt.Errorf(`flexera: state file %s: "users" is missing or null (a first run has no state file; delete it to start over)`, path)
	}
	st := s.State
	st.Users = *s.Users
	if err := st.check(); err != nil {
		return nil, fmt.Errorf("flexera: state file %s: %w", path, err)
	}
	return &st, nil
}

// maxStateProblems caps the problems one ReadState error lists.
const maxStateProblems = 10

// check reports every problem of a decoded state (at most
// maxStateProblems), or nil.
func (s *State) check() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if s.Org == "" {
		add(`"org" is empty`)
	}
	if s.App == "" {
		add(`"app" is empty`)
	}
	if s.SyncKey != SyncKeyEmail && s.SyncKey != SyncKeyID {
		add(`"syncKey" is %q, want email or id`, s.SyncKey)
	}
	seen := make(map[string]bool, len(s.Users))
	for i, u := range s.Users {
		if len(errs) >= maxStateProblems {
			add("... (more problems not shown)")
			break
		}
		if u.UniqueID == "" {
			add("users[%d] has no uniqueId", i)
		} else if seen[u.UniqueID] {
			add("users[%d]: uniqueId %q appears twice", i, u.UniqueID)
		}
		seen[u.UniqueID] = true
		for _, ts := range []struct {
			name, v  string
			required bool
		}{{"activatedAt", u.ActivatedAt, true}, {"deactivatedAt", u.DeactivatedAt, false}, {"lastActivityAt", u.LastActivityAt, false}} {
			if ts.v == "" {
				if ts.required {
					add("users[%d] has no %s", i, ts.name)
				}
				continue
			}
			if _, err := time.Parse(TimeFormat, ts.v); err != nil {
				add("users[%d].%s is not a timestamp like %s", i, ts.name, TimeFormat)
			}
		}
	}
	return errors.Join(errs...)
}

func jsonErrorAt(b []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		return fmt.Errorf("line %d (byte offset %d): %w", line, se.Offset, err)
	}
	return err
}

// WriteState writes s to path atomically: a temporary file in the same
// directory is written, synced and renamed over path, so a crash leaves
// either the old or the new file, never a torn one. The directory is
// created (0700) when missing; the file is 0600.
func WriteState(path string, s *State) error {
	c := *s
	c.Version = StateVersion
	c.Users = slices.Clone(s.Users)
	slices.SortFunc(c.Users, func(a, b RosterRecord) int { return strings.Compare(a.UniqueID, b.UniqueID) })
	if c.Users == nil {
		c.Users = []RosterRecord{}
	}
	b, err := json.MarshalIndent(&c, "", "  ")
	if err != nil {
		return fmt.Errorf("flexera: state: %w", err)
	}
	b = append(b, '\n')
	return writeFileAtomic(path, b, 0o600)
}

// checkWritableDir makes sure the directory of path exists (creating it
// 0700) and accepts new files.
func checkWritableDir(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("flexera: state directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".probe*")
	if err != nil {
		return fmt.Errorf("flexera: state directory %s is not writable: %w", dir, err)
	}
	_ = f.Close()
	return os.Remove(f.Name())
}

func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("flexera: writing state: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("flexera: writing state: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("flexera: writing state %s: %w", tmp.Name(), err)
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("flexera: writing state %s: %w", tmp.Name(), err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("flexera: writing state %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("flexera: writing state %s: %w", tmp.Name(), err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("flexera: writing state: %w", err)
	}
	if d, derr := os.Open(dir); derr == nil { // make the rename durable; best effort
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// ErrStateLocked is returned (wrapped) by LockState when another process
// held the state file's lock for the whole timeout.
var ErrStateLocked = errors.New("flexera: state file is locked by another run")

// DefaultStateLockTimeout is how long the command-line tool waits for the
// lock of a state file by default.
const DefaultStateLockTimeout = 30 * time.Second

// stateLockPoll is how often LockState tries again while the lock is held.
const stateLockPoll = 100 * time.Millisecond

// LockPath returns the lock file of the state file at path: the same name
// with ".lock" appended, in the same directory.
func LockPath(path string) string { return path + ".lock" }

// LockState takes an exclusive lock on the state file at path for a whole
// read-deliver-write cycle: call it before [Client.Deliver] and the returned
// unlock after, so two runs on the same state file cannot both read the old
// state (the last writer would win and a delivered user could vanish from
// the state, its removal never sent).
//
// The lock is an advisory flock(2) on LockPath(path), created 0600 (its
// directory 0700) and left in place after unlock: deleting it could let two
// runs hold locks on different files. It is released when the process
// exits, however it exits. While another process holds it, LockState tries
// again every 100 ms until timeout has passed (0 means try once), then
// fails with an error wrapping ErrStateLocked; it returns ctx's error when
// ctx ends first. On systems without flock (not unix) no lock is taken and
// unlock does nothing.
//
// LockState is safe for concurrent use; a lock taken twice in one process
// through two calls excludes like one taken by two processes.
func LockState(ctx context.Context, path string, timeout time.Duration) (unlock func() error, err error) {
	lp := LockPath(path)
	if err := os.MkdirAll(filepath.Dir(lp), 0o700); err != nil {
		return nil, fmt.Errorf("flexera: state lock: %w", err)
	}
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("flexera: state lock: %w", err)
	}
	unlock = func() error {
		if err := unlockFile(f); err != nil {
			_ = f.Close()
			return fmt.Errorf("flexera: state lock %s: %w", lp, err)
		}
		return f.Close()
	}
	start := time.Now()
	for {
		ok, err := tryLock(f)
		if err != nil {
			_ = f.Close()
			return nil, fmt.Errorf("flexera: state lock %s: %w", lp, err)
		}
		if ok {
			return unlock, nil
		}
		waited := time.Since(start)
		if waited >= timeout {
			_ = f.Close()
			return nil, fmt.Errorf("%w: %s (waited %s; another saasconnect run is delivering with this state file, or wait longer with --state-lock-timeout)", ErrStateLocked, lp, waited.Round(time.Millisecond))
		}
		t := time.NewTimer(min(stateLockPoll, timeout-waited))
		select {
		case <-ctx.Done():
			t.Stop()
			_ = f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}
