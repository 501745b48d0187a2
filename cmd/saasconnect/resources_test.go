package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/connector/connectortest"
)

// tenantTemplate declares users and the three resource listings of
// tenantServer, each in one page.
const tenantTemplate = `{
  "version": 1,
  "name": "Tenant",
  "slug": "tenant",
  "settings": [{"name": "base_url", "default": "BASE"}],
  "auth": {"method": "none"},
  "request": {"users_url": "{base_url}/users"},
  "pagination": {"type": "none"},
  "response": {"records_path": "users", "fields": {"id": "id", "email": "mail", "licenses": "skus"}},
  "licenses": {
    "request": {"url": "{base_url}/licenses"},
    "pagination": {"type": "none"},
    "response": {"records_path": "value", "fields": {"id": "skuId", "name": "skuPartNumber", "product": "product",
      "total": "prepaid", "assigned": "consumed"}}
  },
  "applications": {
    "request": {"url": "{base_url}/apps"},
    "pagination": {"type": "none"},
    "response": {"records_path": "apps", "fields": {"id": "id", "name": "name", "label": "label", "status": "status",
      "sign_on_mode": "signOnMode", "assigned_users": "assigned"}}
  },
  "assignments": {
    "kind": "license",
    "request": {"url": "{base_url}/assignments"},
    "pagination": {"type": "none"},
    "response": {"records_path": "rows", "fields": {"target_id": "sku", "user_id": "user"}}
  }
}`

// tenantPages are the listings tenantServer serves, by path. The license
// names hold a formula and a terminal escape to check the neutralisation.
var tenantPages = map[string]string{
	"/users": `{"users": [{"id": "u1", "mail": "ada@x.io", "skus": ["E3"]}, {"id": "u2", "mail": "bob@x.io"}]}`,
	"/licenses": `{"value": [{"skuId": "E3", "skuPartNumber": "=HYPERLINK(\"x\")", "product": "Office", "prepaid": 10, "consumed": 3},
		{"skuId": "E5", "skuPartNumber": "bad\u001b[31mred", "product": "Office"}]}`,
	"/apps":        `{"apps": [{"id": "0oa1", "name": "slack", "label": "Slack", "status": "ACTIVE", "signOnMode": "SAML_2_0", "assigned": 2}]}`,
	"/assignments": `{"rows": [{"sku": "E3", "user": "u1"}]}`,
}

// tenantServer serves tenantPages; a path in fail is answered 500. It
// returns the template file.
func tenantServer(t *testing.T, fail string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := tenantPages[r.URL.Path]
		if !ok || r.URL.Path == fail {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "tenant.json")
	if err := os.WriteFile(path, []byte(strings.Replace(tenantTemplate, "BASE", srv.URL, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunResourceFormats(t *testing.T) {
	t.Parallel()
	tmpl := tenantServer(t, "")
	tests := []struct {
		name     string
		args     []string
		want     []string // lines of stdout, in order
		unwanted []string
	}{
		{
			name: "licenses jsonl",
			args: []string{"--resource", "licenses"},
			want: []string{
				`{"id":"E3","name":"=HYPERLINK(\"x\")","product":"Office","total":10,"assigned":3,"connector":"tenant"}`,
				`{"id":"E5","name":"bad\u001b[31mred","product":"Office","connector":"tenant"}`,
			},
		},
		{
			name: "licenses csv",
			args: []string{"--resource", "licenses", "--format", "csv"},
			want: []string{"id,name,product,total,assigned,connector", `E3,"'=HYPERLINK(""x"")",Office,10,3,tenant`, "E5,bad\x1b[31mred,Office,,,tenant"},
		},
		{
			name: "licenses csv raw",
			args: []string{"--resource", "licenses", "--format", "csv", "--csv-raw"},
			want: []string{"id,name,product,total,assigned,connector", `E3,"=HYPERLINK(""x"")",Office,10,3,tenant`},
		},
		{
			name:     "licenses table",
			args:     []string{"--resource", "licenses", "--format", "table"},
			want:     []string{"NAME", "PRODUCT", "TOTAL", "ASSIGNED", "ID", `=HYPERLINK("x")`, "10", "3", "E3", `bad\x1b[31mred`, "E5"},
			unwanted: []string{"\x1b"},
		},
		{
			name: "applications csv",
			args: []string{"--resource", "applications", "--format", "csv"},
			want: []string{"id,name,label,status,sign_on_mode,created,last_used,assigned_users,connector", "0oa1,slack,Slack,ACTIVE,SAML_2_0,,,2,tenant"},
		},
		{
			name: "assignments csv",
			args: []string{"--resource", "assignments", "--format", "csv"},
			want: []string{"kind,target_id,user_id,user_email,last_used,connector", "license,E3,u1,,,tenant"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t.Context(), nil, append([]string{"run", "--template", tmpl}, tc.args...)...)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			rest := r.stdout
			for _, w := range tc.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("stdout lacks %q (in order):\n%s", w, r.stdout)
				}
				rest = rest[i+len(w):]
			}
			for _, u := range tc.unwanted {
				if strings.Contains(r.stdout, u) {
					t.Errorf("stdout contains %q:\n%q", u, r.stdout)
				}
			}
			if !strings.Contains(r.stderr, "tenant "+tc.args[1]+": succeeded") || strings.Contains(r.stderr, "activity") ||
				!strings.Contains(r.stderr, "tenant "+tc.args[1]+": 1 pages, ") || strings.Contains(r.stderr, " users,") {
				t.Errorf("stderr report:\n%s", r.stderr)
			}
		})
	}
}

func TestRunResourceAllToFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "out.jsonl")
	tmpl := tenantServer(t, "")
	r := runCLI(t.Context(), nil, "run", "--template", tmpl, "--resource", "all", "--output", out)
	if r.code != exitOK || r.stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.code, r.stdout, r.stderr)
	}
	want := map[string]int{"out.users.jsonl": 2, "out.licenses.jsonl": 2, "out.applications.jsonl": 1, "out.assignments.jsonl": 1}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Errorf("files %v, want %v (no temporary file left)", entries, want)
	}
	for name, n := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		if len(lines) != n {
			t.Errorf("%s: %d lines, want %d:\n%s", name, len(lines), n, data)
		}
		for _, l := range lines {
			if !json.Valid([]byte(l)) {
				t.Errorf("%s: invalid JSON line %q", name, l)
			}
		}
	}
	for _, res := range []string{"tenant: succeeded", "tenant licenses: succeeded", "tenant applications: succeeded", "tenant assignments: succeeded"} {
		if !strings.Contains(r.stderr, res) {
			t.Errorf("stderr lacks report %q:\n%s", res, r.stderr)
		}
	}
}

func TestRunResourceFailures(t *testing.T) {
	t.Parallel()
	t.Run("one listing fails", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		out := filepath.Join(dir, "out.csv")
		// The previous licenses file must survive the failed run.
		if err := os.WriteFile(filepath.Join(dir, "out.licenses.csv"), []byte("old\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		r := runCLI(t.Context(), nil, "run", "--template", tenantServer(t, "/licenses"), "--resource", "all", "--format", "csv", "--output", out)
		if r.code != exitFailure {
			t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitFailure, r.stderr)
		}
		if data, _ := os.ReadFile(filepath.Join(dir, "out.licenses.csv")); string(data) != "old\n" {
			t.Errorf("failed licenses run replaced its file: %q", data)
		}
		for _, name := range []string{"out.users.csv", "out.applications.csv", "out.assignments.csv"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("%s not written after the licenses failure: %v", name, err)
			}
		}
		if !strings.Contains(r.stderr, "tenant licenses: failed") || !strings.Contains(r.stderr, "tenant assignments: succeeded") {
			t.Errorf("stderr:\n%s", r.stderr)
		}
	})
	t.Run("undeclared resource", func(t *testing.T) {
		t.Parallel()
		_, fake := fakeVendor(t, connectortest.ServerConfig{Users: 1})
		r := runCLI(t.Context(), nil, "run", "--template", fake, "--resource", "licenses")
		if r.code != exitUsage || !strings.Contains(r.stderr, `--resource "licenses": the template declares users`) {
			t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})
	t.Run("device output with several resources", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t.Context(), nil, "run", "--template", tenantServer(t, ""), "--resource", "all", "--output", os.DevNull)
		if r.code != exitUsage || !strings.Contains(r.stderr, "is a device or FIFO: several resources need a file path") {
			t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})
	t.Run("unknown resource", func(t *testing.T) {
		t.Parallel()
		r := runCLI(t.Context(), nil, "run", "--template", tenantServer(t, ""), "--resource", "groups")
		if r.code != exitUsage || !strings.Contains(r.stderr, "declares users, licenses, applications, assignments") {
			t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
		}
	})
}

func TestResourcePath(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"out.jsonl", "out.licenses.jsonl"},
		{"dir.d/out", "dir.d/out.licenses"},
		{"a/b.tar.csv", "a/b.tar.licenses.csv"},
		{".hidden", ".hidden.licenses"},
		{"-", "-"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := resourcePath(tc.in, "licenses"); got != tc.want {
			t.Errorf("resourcePath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestInspectCommandsNameResources(t *testing.T) {
	t.Parallel()
	tmpl := tenantServer(t, "")
	_, usersOnly := fakeVendor(t, connectortest.ServerConfig{Users: 1})
	tests := []struct {
		name     string
		args     []string
		want     string
		unwanted string
	}{
		{"validate", []string{"validate", tmpl}, "ok (resources: users, licenses, applications, assignments)", ""},
		{"validate users only", []string{"validate", usersOnly}, "ok (resources: users)", ""},
		{"settings", []string{"settings", tmpl}, "\nresources: users, licenses, applications, assignments (run --resource NAME or all)\n", ""},
		{"settings users only", []string{"settings", usersOnly}, "SETTING", "resources:"},
		{"test", []string{"test", "--template", tmpl}, "tenant: ok (users, licenses, applications, assignments)\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t.Context(), nil, tc.args...)
			if r.code != exitOK || !strings.Contains(r.stdout, tc.want) || (tc.unwanted != "" && strings.Contains(r.stdout, tc.unwanted)) {
				t.Errorf("exit %d, stdout:\n%s\nwant %q, not %q; stderr:\n%s", r.code, r.stdout, tc.want, tc.unwanted, r.stderr)
			}
		})
	}
	r := runCLI(t.Context(), nil, "test", "--template", tenantServer(t, "/apps"))
	if r.code != exitFailure || !strings.Contains(r.stderr, "applications listing") {
		t.Errorf("test with a failing applications listing: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

func TestRunResourceDeliverDryRun(t *testing.T) {
	t.Parallel()
	tmpl := tenantServer(t, "")
	tests := []struct {
		name     string
		args     []string
		want     []string
		unwanted []string
	}{
		{
			name: "applications",
			args: []string{"--resource", "applications"},
			want: []string{
				"ApplicationDiscovery full load",
				`{"ssoAppName":"slack","ssoAppDisplayName":"Slack","ssoAppId":"0oa1","appInstanceId":"0oa1"}`,
				`"importSettings":{"taskName":"ApplicationDiscovery","loadType":"full"}`,
				"applications 1 read, 0 skipped (no id or name), 0 duplicates; 1 records sent in 1 files",
			},
			unwanted: []string{"ApplicationRoster"},
		},
		{
			name: "all, incremental roster with skus",
			args: []string{"--resource", "all", "--load", "incremental"},
			want: []string{
				"# " + "load type forced to full: the roster carries skus",
				`"skus":["E3"]`,
				`"importSettings":{"taskName":"ApplicationRoster","loadType":"full"}`,
				"\nnote    load type forced to full: the roster carries skus\n",
				"applications go out as a full ApplicationDiscovery load (--load incremental applies to the users)",
				`"importSettings":{"taskName":"ApplicationDiscovery","loadType":"full"}`,
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"run", "--template", tmpl, "--deliver", "flexera", "--org", "7", "--app", "beef",
				"--state", filepath.Join(t.TempDir(), "state.json"), "--dry-run"}, tc.args...)
			r := runCLI(t.Context(), nil, args...)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			for _, u := range tc.unwanted {
				if strings.Contains(r.stderr, u) {
					t.Errorf("stderr has %q:\n%s", u, r.stderr)
				}
			}
		})
	}
	r := runCLI(t.Context(), nil, "run", "--template", tmpl, "--resource", "licenses", "--deliver", "flexera", "--org", "7", "--app", "beef", "--dry-run")
	if r.code != exitUsage || !strings.Contains(r.stderr, "--deliver sends users and applications") {
		t.Errorf("licenses --deliver: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}
