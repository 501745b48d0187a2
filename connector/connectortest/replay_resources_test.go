package connectortest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/internal/txtar"
)

// resourcesTemplate lists users and licenses, one page each.
const resourcesTemplate = `{
  "version": 1, "slug": "demo", "name": "Demo", "vendor": "Demo Inc.", "support": "full",
  "docs_url": "https://docs.demo.example.com/api",
  "settings": [{"name": "base_url", "default": "https://api.demo.example.com/v2"}],
  "auth": {"method": "api_key", "token_type": "Bearer"},
  "request": {"users_url": "{base_url}/members"},
  "response": {"records_path": "members", "fields": {"id": "id", "email": "email", "licenses": "plans"}},
  "licenses": {
    "request": {"url": "{base_url}/plans"},
    "response": {"records_path": "plans", "fields": {"id": "id", "name": "name", "total": "seats"}}
  }
}`

const resourcesExchanges = `Users, then licenses.
-- 1.request --
GET /v2/members HTTP/1.1
Authorization: Bearer {{api_key}}
-- 1.response --
HTTP/1.1 200 OK
Content-Type: application/json

{"members": [{"id": "u1", "email": "a@example.com", "plans": ["pro"]}]}
-- 2.request --
GET /v2/plans HTTP/1.1
Authorization: Bearer {{api_key}}
-- 2.response --
HTTP/1.1 %s
Content-Type: application/json

{"plans": [{"id": "pro", "name": "Pro", "seats": 5}]}
-- want.json --
[{"id": "u1", "email": "a@example.com", "licenses": ["pro"], "activity": "unknown", "application": "Demo", "connector": "demo"}]
`

func TestReplayResources(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   string // of the licenses response
		licenses string // the want.licenses.json section, "" for none
		wantErr  string // a failure Replay must report, "" for none
	}{
		{"match", "200 OK", `[{"id": "pro", "name": "Pro", "total": 5, "connector": "demo"}]`, ""},
		{"stale", "200 OK", `[{"id": "pro", "name": "Pro", "total": 4, "connector": "demo"}]`, "licenses mismatch"},
		{"listing error", "404 Not Found", `[]`, "licenses: listing error"},
		{"not checked", "200 OK", "", "expected request 2 was never made"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			sc := strings.Replace(resourcesExchanges, "%s", tc.status, 1)
			if tc.licenses != "" {
				sc += "-- want.licenses.json --\n" + tc.licenses + "\n"
			}
			writeFiles(t, dir, map[string]string{
				"template.json": resourcesTemplate,
				"settings.json": `{"api_key": "fake-demo-key"}`,
				"s.txtar":       sc,
			})
			f := runFake(func(tb testing.TB) { Replay(tb, dir) })
			all := strings.Join(f.errors, "\n")
			switch {
			case tc.wantErr == "" && len(f.errors) > 0:
				t.Errorf("Replay failures = %q, want none", f.errors)
			case tc.wantErr != "" && !strings.Contains(all, tc.wantErr):
				t.Errorf("Replay failures = %q, want one containing %q", f.errors, tc.wantErr)
			}
		})
	}
}

func TestReplayResourcesUpdate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"template.json": resourcesTemplate,
		"settings.json": `{"api_key": "fake-demo-key"}`,
		"s.txtar":       strings.Replace(resourcesExchanges, "%s", "200 OK", 1) + "-- want.licenses.json --\n[]\n",
	})
	if f := runFake(func(tb testing.TB) { Replay(tb, dir, WithUpdate(true)) }); len(f.errors) > 0 {
		t.Fatalf("update run failed: %q", f.errors)
	}
	data, err := os.ReadFile(filepath.Join(dir, "s.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := txtar.Parse(data).File("want.licenses.json")
	if !strings.Contains(string(got), `"total": 5`) {
		t.Errorf("rewritten want.licenses.json = %s", got)
	}
	if f := runFake(func(tb testing.TB) { Replay(tb, dir) }); len(f.errors) > 0 {
		t.Errorf("after update: %q", f.errors)
	}
}

func TestParseScenarioResourceSections(t *testing.T) {
	t.Parallel()
	if _, err := parseScenario("x.txtar", []byte("-- want.seats.json --\n[]\n")); err == nil || !strings.Contains(err.Error(), `unknown section "want.seats.json"`) {
		t.Errorf("want.seats.json: error = %v, want unknown section", err)
	}
	sc, err := parseScenario("x.txtar", []byte("-- want.applications.json --\n[]\n"))
	if err != nil || string(sc.resources["applications"]) != "[]\n" {
		t.Errorf("want.applications.json: %v, sections %q", err, sc.resources)
	}
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
