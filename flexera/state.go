package flexera

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
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
// it returns (nil, nil). Errors name the path.
func ReadState(path string) (*State, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("flexera: reading state: %w", err)
	}
	var s State
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("flexera: state file %s: %w", path, jsonErrorAt(b, err))
	}
	if s.Version != StateVersion {
		return nil, fmt.Errorf("flexera: state file %s: version %d, want %d", path, s.Version, StateVersion)
	}
	seen := make(map[string]bool, len(s.Users))
	for i, u := range s.Users {
		if u.UniqueID == "" {
			return nil, fmt.Errorf("flexera: state file %s: users[%d] has no uniqueId", path, i)
		}
		if seen[u.UniqueID] {
			return nil, fmt.Errorf("flexera: state file %s: users[%d]: uniqueId %q appears twice", path, i, u.UniqueID)
		}
		seen[u.UniqueID] = true
	}
	return &s, nil
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
