package fakevendor

import (
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
)

// depsPackages are the packages whose dependency closures the tests check.
var depsPackages = []string{
	"github.com/saasconnect/saasconnect/internal/fakevendor",
	"github.com/saasconnect/saasconnect/internal/fakevendor/fvtemplate",
	"github.com/saasconnect/saasconnect/cmd/saasconnect",
}

var (
	depsOnce sync.Once
	depsOut  map[string][]string // package → itself and its dependency closure
	depsErr  string
)

// depsOf returns pkg (one of depsPackages) and every package it depends on,
// as go list -deps does. One go list run serves every test: each run loads
// the module's package graph, a second or more on a busy machine.
func depsOf(t *testing.T, pkg string) []string {
	t.Helper()
	depsOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			depsErr = "the go command is needed to list dependencies: " + err.Error()
			return
		}
		args := append([]string{"list", "-f", "{{.ImportPath}} {{join .Deps \" \"}}"}, depsPackages...)
		out, err := exec.CommandContext(t.Context(), goTool, args...).Output()
		if err != nil {
			depsErr = "go list " + strings.Join(depsPackages, " ") + ": " + err.Error()
			return
		}
		depsOut = map[string][]string{}
		for line := range strings.Lines(string(out)) {
			f := strings.Fields(line)
			if len(f) > 0 {
				depsOut[f[0]] = f
			}
		}
	})
	if depsErr != "" {
		t.Fatal(depsErr)
	}
	deps, ok := depsOut[pkg]
	if !ok {
		t.Fatalf("go list did not list %s", pkg)
	}
	return deps
}

// TestNoTestDependencies checks that the fake vendor, and the CLI that
// embeds it for its demo command, link no test machinery: not the testing
// package (which also registers test flags), not go-cmp.
func TestNoTestDependencies(t *testing.T) {
	for _, pkg := range depsPackages {
		t.Run(pkg, func(t *testing.T) {
			deps := depsOf(t, pkg)
			if len(deps) < 10 {
				t.Fatalf("go list listed %d packages for %s; want the full closure: %q", len(deps), pkg, deps)
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
	const pkg = "github.com/saasconnect/saasconnect/internal/fakevendor"
	deps := depsOf(t, pkg)
	if !slices.Contains(deps, pkg) || !slices.Contains(deps, "net/http") {
		t.Fatalf("go list for %s does not list the package itself and net/http: %q", pkg, deps)
	}
	for _, d := range deps {
		if strings.HasPrefix(d, "github.com/saasconnect/saasconnect/") && d != pkg {
			t.Errorf("%s imports %s; it may import only the module root and the standard library", pkg, d)
		}
	}
}
