package fakevendor

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestNoTestDependencies checks that the fake vendor, and the CLI that
// embeds it for its demo command, link no test machinery: not the testing
// package (which also registers test flags), not go-cmp.
func TestNoTestDependencies(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	for _, pkg := range []string{
		"github.com/saasconnect/saasconnect/internal/fakevendor",
		"github.com/saasconnect/saasconnect/internal/fakevendor/fvtemplate",
		"github.com/saasconnect/saasconnect/cmd/saasconnect",
	} {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.CommandContext(t.Context(), goTool, "list", "-deps", pkg).Output()
			if err != nil {
				t.Fatalf("go list -deps %s: %v", pkg, err)
			}
			deps := strings.Fields(string(out))
			if len(deps) < 10 {
				t.Fatalf("go list -deps %s listed %d packages; want the full closure:\n%s", pkg, len(deps), out)
			}
			for _, d := range deps {
				if d == "testing" || strings.HasPrefix(d, "testing/") || strings.Contains(d, "go-cmp") {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		})
	}
}

// TestDoesNotImportConnector keeps the server usable from the connector
// package's own tests: if it imported connector, they could not import it.
func TestDoesNotImportConnector(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to list dependencies: %v", err)
	}
	const pkg = "github.com/saasconnect/saasconnect/internal/fakevendor"
	out, err := exec.CommandContext(t.Context(), goTool, "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, pkg) {
		t.Fatalf("go list -deps %s does not list the package itself:\n%s", pkg, out)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/saasconnect/saasconnect/") && d != pkg {
			t.Errorf("%s imports %s; it may import only the module root and the standard library", pkg, d)
		}
	}
}
