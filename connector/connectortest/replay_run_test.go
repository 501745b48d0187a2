package connectortest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/internal/txtar"
)

func TestReplay(t *testing.T) {
	t.Parallel()
	Replay(t, filepath.Join("testdata", "replay"))
}

func TestReplayReportsUnexpectedRequest(t *testing.T) {
	t.Parallel()
	f := runFake(func(tb testing.TB) { Replay(tb, filepath.Join("testdata", "mismatch")) })
	all := strings.Join(f.errors, "\n")
	if !strings.Contains(all, "wrong_query: unexpected request: query per_page=2, want per_page=100") {
		t.Errorf("Replay failures = %q, want an unexpected-request failure naming the query", f.errors)
	}
	if !strings.Contains(all, "GET /v2/orgs/acme/members?per_page=2 HTTP/1.1") || !strings.Contains(all, "want (1.request)") {
		t.Errorf("failure does not show the request and the expected one: %s", all)
	}
	if strings.Contains(all, "fake-demo-key") || !strings.Contains(all, "Bearer {{api_key}}") {
		t.Errorf("failure shows the secret instead of {{api_key}}: %s", all)
	}
}

func TestReplayReportsMissingRequest(t *testing.T) {
	t.Parallel()
	f := runFake(func(tb testing.TB) { Replay(tb, filepath.Join("testdata", "missing")) })
	if all := strings.Join(f.errors, "\n"); !strings.Contains(all, "never_requested: expected request 2 was never made") {
		t.Errorf("Replay failures = %q, want request 2 never made", f.errors)
	}
}

func TestReplayUpdate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"template.json", "settings.json", "one_page.txtar"} {
		data, err := os.ReadFile(filepath.Join("testdata", "update", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Without -update the stale want.json fails.
	if f := runFake(func(tb testing.TB) { Replay(tb, dir) }); !strings.Contains(strings.Join(f.errors, "\n"), "users mismatch") {
		t.Fatalf("stale want.json: failures %q, want a users mismatch", f.errors)
	}
	f := runFake(func(tb testing.TB) { Replay(tb, dir, WithUpdate(true)) })
	if len(f.errors) > 0 {
		t.Fatalf("update run failed: %q", f.errors)
	}
	data, err := os.ReadFile(filepath.Join(dir, "one_page.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	a := txtar.Parse(data)
	want, _ := a.File("want.json")
	if !strings.Contains(string(want), `"email": "new@example.com"`) || strings.Contains(string(want), "old") {
		t.Errorf("rewritten want.json = %s", want)
	}
	if !strings.HasPrefix(string(a.Comment), "want.json is stale") || len(a.Files) != 3 {
		t.Errorf("update lost the comment or sections: %s", data)
	}
	// And now it passes.
	if f := runFake(func(tb testing.TB) { Replay(tb, dir) }); len(f.errors) > 0 {
		t.Errorf("after update: %q", f.errors)
	}
}

func TestReplayReportsExtraRequest(t *testing.T) {
	t.Parallel()
	f := runFake(func(tb testing.TB) { Replay(tb, filepath.Join("testdata", "extra")) })
	all := strings.Join(f.errors, "\n")
	if !strings.Contains(all, "one_page_too_few: unexpected request 2 (the fixture has 1)") ||
		!strings.Contains(all, "GET /v2/orgs/acme/members?per_page=2&page=2 HTTP/1.1") {
		t.Errorf("Replay failures = %q, want unexpected request 2 shown", f.errors)
	}
}

func TestUpdatingFromEnvironment(t *testing.T) {
	t.Setenv("CONNECTORTEST_UPDATE", "1")
	if !Updating() {
		t.Error("Updating() = false with CONNECTORTEST_UPDATE=1")
	}
	t.Setenv("CONNECTORTEST_UPDATE", "")
	if Updating() {
		t.Error("Updating() = true without -update")
	}
}
