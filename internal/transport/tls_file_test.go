package transport

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBaseCAFileKinds: ca_file is read only as a regular file of at most
// maxCAFile bytes.
func TestBaseCAFileKinds(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.pem")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, maxCAFile+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, path, want string }{
		{"oversized", big, "file too large"},
		{"directory", dir, "not a regular file (a directory)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Base(http.DefaultTransport.(*http.Transport).Clone(), tc.path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Base(ca_file %s) error = %v, want %q", tc.name, err, tc.want)
			}
		})
	}
}
