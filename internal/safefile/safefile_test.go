package safefile_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/saasconnect/saasconnect/internal/safefile"
)

func TestReadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	regular := filepath.Join(dir, "t.json")
	if err := os.WriteFile(regular, []byte(`{"a":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.json")
	if err := os.Symlink(regular, link); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, safefile.MaxSize+1); err != nil { // sparse
		t.Fatal(err)
	}
	large := filepath.Join(dir, "large.json")
	if err := os.WriteFile(large, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name     string
		ctx      context.Context
		path     string
		noFollow bool
		want     string
		wantErr  error
	}{
		{"regular", t.Context(), regular, false, `{"a":1}`, nil},
		{"symlink followed", t.Context(), link, false, `{"a":1}`, nil},
		{"symlink refused", t.Context(), link, true, "", safefile.ErrNotRegular},
		{"device", t.Context(), "/dev/zero", false, "", safefile.ErrNotRegular},
		{"FIFO", t.Context(), fifo, false, "", safefile.ErrNotRegular},
		{"directory", t.Context(), dir, false, "", safefile.ErrNotRegular},
		{"too large", t.Context(), big, false, "", safefile.ErrTooLarge},
		{"missing", t.Context(), filepath.Join(dir, "nope"), false, "", fs.ErrNotExist},
		{"cancelled", cancelled, large, false, "", context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			read := safefile.ReadFile
			if tc.noFollow {
				read = safefile.ReadNoFollow
			}
			got, err := read(tc.ctx, tc.path)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("read(%s) error = %v, want %v", tc.path, err, tc.wantErr)
			}
			if string(got) != tc.want {
				t.Errorf("read(%s) = %q, want %q", tc.path, got, tc.want)
			}
		})
	}
}

func TestReadLimitGrowingFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("0123456789"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := safefile.ReadLimit(t.Context(), path, 4); !errors.Is(err, safefile.ErrTooLarge) {
		t.Errorf("ReadLimit(10-byte file, 4) error = %v, want ErrTooLarge", err)
	}
	if got, err := safefile.ReadLimit(t.Context(), path, 10); err != nil || string(got) != "0123456789" {
		t.Errorf("ReadLimit(10-byte file, 10) = %q, %v", got, err)
	}
}
