package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/redact/redacttest"
)

// TestCLIRedactionCorpus runs "run -v" and "test -v" against every vendor
// of the redaction corpus (each echoes every secret it knows, in every
// encoding, in its error bodies) and checks that stderr and stdout show
// none of them, while stderr still shows the failure, redacted.
func TestCLIRedactionCorpus(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			base, settings := tc.Start(t)
			path := filepath.Join(t.TempDir(), "leaky.json")
			if err := os.WriteFile(path, []byte(tc.Template(base)), 0o600); err != nil {
				t.Fatal(err)
			}
			// Secrets come from the environment, as a user would set them.
			vars := map[string]string{}
			args := []string{"--template", path}
			for k, v := range settings {
				if k == "base_url" {
					args = append(args, "--setting", k+"="+v)
					continue
				}
				vars[envName(k)] = v
			}
			for _, cmd := range []string{"run", "test"} {
				res := runCLI(t.Context(), vars, append([]string{cmd, "-v"}, args...)...)
				// Test reads one page: it passes when only a later one fails.
				failed := cmd == "run" || !tc.FirstPageOK
				if want := map[bool]int{true: exitFailure, false: exitOK}[failed]; res.code != want {
					t.Errorf("%s exited %d, want %d; stderr:\n%s", cmd, res.code, want, res.stderr)
				}
				if failed && !strings.Contains(res.stderr, redact.Marker) {
					t.Errorf("%s: stderr shows no %s; the vendor's echo did not reach it:\n%s", cmd, redact.Marker, res.stderr)
				}
				for name, text := range map[string]string{"stderr": res.stderr, "stdout": res.stdout} {
					if leaks := tc.Leaks(text); len(leaks) > 0 {
						t.Errorf("%s: %s leaks %q:\n%s", cmd, name, leaks, text)
					}
				}
			}
		})
	}
}
