package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector/connectortest"
	"github.com/saasconnect/saasconnect/vendors"
)

// result is what one CLI invocation produced.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs the CLI in-process with the given environment variables.
func runCLI(ctx context.Context, vars map[string]string, args ...string) result {
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, env{
		stdin:  strings.NewReader(""),
		stdout: &stdout,
		stderr: &stderr,
		getenv: func(k string) string { return vars[k] },
	})
	return result{code, stdout.String(), stderr.String()}
}

// fakeVendor starts a fake vendor and writes its template to a file.
func fakeVendor(t *testing.T, cfg connectortest.ServerConfig) (*connectortest.Server, string) {
	t.Helper()
	srv := connectortest.NewServer(cfg)
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "fake.json")
	if err := os.WriteFile(path, srv.TemplateJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	return srv, path
}

// settingArgs turns a server's settings into --setting flags, except the
// secrets, which go into SAASCONNECT_* variables as a user would set them.
func settingArgs(srv *connectortest.Server) ([]string, map[string]string) {
	var args []string
	vars := map[string]string{}
	for k, v := range srv.Settings() {
		if strings.Contains(k, "secret") || strings.Contains(k, "key") || strings.Contains(k, "password") {
			vars[envName(k)] = v
			continue
		}
		args = append(args, "--setting", k+"="+v)
	}
	return args, vars
}

func TestUsageAndExitCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string
		wantStderr string
	}{
		{"no command", nil, exitUsage, "", "usage: saasconnect COMMAND"},
		{"help", []string{"help"}, exitOK, "usage: saasconnect COMMAND", ""},
		{"unknown command", []string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{"bad flag", []string{"run", "--bogus"}, exitUsage, "", "flag provided but not defined: -bogus"},
		{"command help", []string{"run", "-h"}, exitOK, "", "-template FILE"},
		{"run without template", []string{"run"}, exitUsage, "", "give --template FILE or --vendor SLUG"},
		{"run with both", []string{"run", "--vendor", "okta", "--template", "x.json"}, exitUsage, "", "not both"},
		{"bad format", []string{"run", "--vendor", "okta", "--format", "xml"}, exitUsage, "", `unknown --format "xml"`},
		{"bad setting flag", []string{"run", "--vendor", "okta", "--setting", "novalue"}, exitUsage, "", "want k=v"},
		{"unknown vendor", []string{"run", "--vendor", "nosuch"}, exitFailure, "", "okta"},
		{"missing settings", []string{"run", "--vendor", "okta"}, exitFailure, "", "api_key"},
		{"validate needs a file", []string{"validate"}, exitUsage, "", "want exactly one template FILE"},
		{"validate missing file", []string{"validate", "/nonexistent/t.json"}, exitFailure, "", "no such file"},
		{"settings unknown vendor", []string{"settings", "nosuch"}, exitFailure, "", "github-copilot"},
		{"suggest needs a sample", []string{"suggest"}, exitUsage, "", "want --sample FILE"},
		{"schedule needs a dir", []string{"schedule"}, exitUsage, "", "want exactly one DIR"},
		{"schedule empty dir", []string{"schedule", t.TempDir()}, exitFailure, "", "no *.connector.json files"},
		{"deliver needs org", []string{"run", "--vendor", "okta", "--deliver", "flexera"}, exitUsage, "", "needs --org and --app"},
		{"deliver bad target", []string{"run", "--vendor", "okta", "--deliver", "s3"}, exitUsage, "", `unknown --deliver target "s3"`},
		{"deliver bad region", []string{"run", "--vendor", "okta", "--deliver", "flexera", "--org", "1", "--app", "a", "--region", "mars"}, exitUsage, "", "mars"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t.Context(), nil, tc.args...)
			if r.code != tc.wantCode {
				t.Errorf("exit = %d, want %d\nstderr: %s", r.code, tc.wantCode, r.stderr)
			}
			if !strings.Contains(r.stdout, tc.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", r.stdout, tc.wantStdout)
			}
			if !strings.Contains(r.stderr, tc.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", r.stderr, tc.wantStderr)
			}
		})
	}
}

func TestVendors(t *testing.T) {
	t.Parallel()
	r := runCLI(t.Context(), nil, "vendors")
	if r.code != exitOK {
		t.Fatalf("exit = %d, stderr: %s", r.code, r.stderr)
	}
	for _, want := range []string{"SLUG", "okta", "microsoft-entra", "github-copilot", "full", "partial", "link_header", "active-directory", "ldap paged results"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("vendors output lacks %q:\n%s", want, r.stdout)
		}
	}
	if lines, n := strings.Count(r.stdout, "\n"), len(vendors.List()); lines != n+1 {
		t.Errorf("vendors printed %d lines, want a header and %d vendors", lines, n)
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	_, fake := fakeVendor(t, connectortest.ServerConfig{Users: 1})
	data, _ := os.ReadFile(fake)
	os.WriteFile(good, data, 0o600)
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version": 1, "name": "x", "auth": {"method": "magic"},
		"request": {"users_url": "https://user:pw@example.com/users"},
		"pagination": {"type": "cursor_limit"},
		"response": {"fields": {"email": "emails[0"}},
		"filters": [{"field": "type", "operator": "like", "value": "x"}]}`), 0o600)
	unknown := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknown, []byte(`{"version": 1, "pagination": {"curser_path": "x"}}`), 0o600)

	r := runCLI(t.Context(), nil, "validate", good)
	if r.code != exitOK || !strings.Contains(r.stdout, "ok") {
		t.Errorf("validate good: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t.Context(), nil, "validate", bad)
	if r.code != exitFailure {
		t.Errorf("validate bad: exit %d, want %d", r.code, exitFailure)
	}
	for _, want := range []string{"auth.method", "request.users_url", "pagination.cursor_field", "response.fields.email", "filters[0].operator"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("validate bad: stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "pw@") {
		t.Errorf("validate printed the URL's password:\n%s", r.stdout)
	}
	r = runCLI(t.Context(), nil, "validate", unknown)
	if r.code != exitFailure || !strings.Contains(r.stdout, "pagination.curser_path") {
		t.Errorf("validate unknown key: exit %d, stdout %q", r.code, r.stdout)
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	r := runCLI(t.Context(), nil, "settings", "okta")
	if r.code != exitOK {
		t.Fatalf("exit = %d, stderr: %s", r.code, r.stderr)
	}
	var apiKey string
	for _, line := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(line, "api_key ") {
			apiKey = line
		}
	}
	if !strings.Contains(apiKey, "yes") || !strings.Contains(apiKey, "SAASCONNECT_API_KEY") {
		t.Errorf("api_key line = %q, want required, secret, SAASCONNECT_API_KEY", apiKey)
	}
	if !strings.Contains(r.stdout, "base_url") {
		t.Errorf("settings lacks base_url:\n%s", r.stdout)
	}
	tmpl, err := vendors.Get("okta")
	if err != nil {
		t.Fatal(err)
	}
	if first, _, _ := strings.Cut(r.stdout, "\n"); tmpl.Description == "" || first != tmpl.Description {
		t.Errorf("first line = %q, want the template's description %q", first, tmpl.Description)
	}
}

// TestSettingsWithoutDescription: a template without a description starts
// with the table.
func TestSettingsWithoutDescription(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "t.json")
	tmpl := `{"version":1,"settings":[{"name":"base_url","default":"https://api.example.com"}],` +
		`"request":{"users_url":"{base_url}/users"},"response":{"fields":{"id":"id"}}}`
	if err := os.WriteFile(file, []byte(tmpl), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t.Context(), nil, "settings", file)
	if r.code != exitOK {
		t.Fatalf("exit = %d, stderr: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "SETTING") {
		t.Errorf("stdout = %q, want the table first", r.stdout)
	}
}

func TestRunFormats(t *testing.T) {
	t.Parallel()
	srv, tmpl := fakeVendor(t, connectortest.ServerConfig{Users: 30, Pagination: connectortest.PaginateLinkHeader, PageSize: 10, Auth: connectortest.AuthOAuth2})
	args, vars := settingArgs(srv)
	want := srv.Kept()
	tests := []struct {
		format string
		check  func(t *testing.T, stdout string)
	}{
		{"jsonl", func(t *testing.T, stdout string) {
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) != want {
				t.Fatalf("%d lines, want %d", len(lines), want)
			}
			var u saasconnect.User
			if err := json.Unmarshal([]byte(lines[0]), &u); err != nil {
				t.Fatal(err)
			}
			if u.Email == "" || u.Connector == "" {
				t.Errorf("first user = %+v, want email and connector", u)
			}
		}},
		{"csv", func(t *testing.T, stdout string) {
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) != want+1 || !strings.HasPrefix(lines[0], "id,email,") {
				t.Errorf("%d lines (header %q), want %d", len(lines), lines[0], want+1)
			}
		}},
		{"table", func(t *testing.T, stdout string) {
			if !strings.HasPrefix(stdout, "EMAIL") || strings.Count(stdout, "\n") != want+1 {
				t.Errorf("table:\n%s", stdout)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t.Context(), vars, append([]string{"run", "--template", tmpl, "--format", tc.format}, args...)...)
			if r.code != exitOK {
				t.Fatalf("exit = %d, stderr: %s", r.code, r.stderr)
			}
			tc.check(t, r.stdout)
			if !strings.Contains(r.stderr, "succeeded") {
				t.Errorf("stderr lacks the report:\n%s", r.stderr)
			}
			for _, secret := range []string{connectortest.ClientSecret, connectortest.APIKey, connectortest.Password} {
				if strings.Contains(r.stdout+r.stderr, secret) {
					t.Errorf("output holds secret %q", secret)
				}
			}
		})
	}
}

func TestRunOutputFileIsAtomic(t *testing.T) {
	t.Parallel()
	ok, okTmpl := fakeVendor(t, connectortest.ServerConfig{Users: 25, PageSize: 10})
	broken, brokenTmpl := fakeVendor(t, connectortest.ServerConfig{Users: 25, PageSize: 10,
		Faults: []connectortest.Fault{{Kind: connectortest.FaultServerError, Page: 2, Status: 500}}})

	dir := t.TempDir()
	out := filepath.Join(dir, "users.jsonl")
	args, _ := settingArgs(ok)
	r := runCLI(t.Context(), nil, append([]string{"run", "--template", okTmpl, "--output", out}, args...)...)
	if r.code != exitOK {
		t.Fatalf("exit = %d, stderr: %s", r.code, r.stderr)
	}
	before, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(before), "\n"); n != ok.Kept() {
		t.Errorf("output has %d users, want %d", n, ok.Kept())
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing with --output", r.stdout)
	}

	args, _ = settingArgs(broken)
	r = runCLI(t.Context(), nil, append([]string{"run", "--template", brokenTmpl, "--output", out}, args...)...)
	if r.code != exitFailure {
		t.Fatalf("exit = %d, want %d; stderr: %s", r.code, exitFailure, r.stderr)
	}
	if !strings.Contains(r.stderr, "not written") {
		t.Errorf("stderr does not say the file was kept:\n%s", r.stderr)
	}
	after, _ := os.ReadFile(out)
	if !bytes.Equal(before, after) {
		t.Error("a failed run changed the output file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("output dir holds %d entries, want only users.jsonl (no temp files)", len(entries))
	}
}

func TestRunCancelled(t *testing.T) {
	t.Parallel()
	srv, tmpl := fakeVendor(t, connectortest.ServerConfig{Users: 25, PageSize: 10})
	out := filepath.Join(t.TempDir(), "users.jsonl")
	args, _ := settingArgs(srv)
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // as if Ctrl-C came before the first page
	r := runCLI(ctx, nil, append([]string{"run", "--template", tmpl, "--output", out}, args...)...)
	if r.code != exitFailure {
		t.Errorf("exit = %d, want %d", r.code, exitFailure)
	}
	if !strings.Contains(r.stderr, "cancelled") {
		t.Errorf("stderr lacks a cancelled report:\n%s", r.stderr)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("cancelled run left %s (err %v)", out, err)
	}
}

func TestTestCommand(t *testing.T) {
	t.Parallel()
	srv, tmpl := fakeVendor(t, connectortest.ServerConfig{Users: 5, Auth: connectortest.AuthAPIKey})
	args, vars := settingArgs(srv)
	r := runCLI(t.Context(), vars, append([]string{"test", "--template", tmpl}, args...)...)
	if r.code != exitOK || !strings.Contains(r.stdout, "ok") {
		t.Errorf("test: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	vars = map[string]string{envName("api_key"): "wrong-key"}
	r = runCLI(t.Context(), vars, append([]string{"test", "--template", tmpl}, args...)...)
	if r.code != exitFailure {
		t.Errorf("test with a wrong key: exit %d, want %d", r.code, exitFailure)
	}
	if strings.Contains(r.stderr, "wrong-key") {
		t.Errorf("stderr holds the key: %s", r.stderr)
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	sample := filepath.Join(t.TempDir(), "okta-user.json")
	// An Okta user, as in the management API's ListUsersResponse example.
	os.WriteFile(sample, []byte(`[{"id":"00u1ero7vZFVEIYLWPBN","status":"ACTIVE","lastLogin":"2013-06-24T17:39:19.000Z",
		"profile":{"firstName":"Isaac","lastName":"Brock","email":"isaac.brock@example.com","login":"isaac.brock@example.com"}}]`), 0o600)
	r := runCLI(t.Context(), nil, "suggest", "--sample", sample)
	if r.code != exitOK {
		t.Fatalf("exit = %d, stderr: %s", r.code, r.stderr)
	}
	var got struct {
		Response struct{ Fields map[string]string } `json:"response"`
		Activity struct {
			LastActivityField string `json:"last_activity_field"`
		} `json:"activity"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, r.stdout)
	}
	if got.Response.Fields["email"] != "profile.email" || got.Response.Fields["id"] != "id" || got.Activity.LastActivityField != "lastLogin" {
		t.Errorf("suggest = %+v", got)
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	r := runCLI(t.Context(), nil, "demo", "--users", "25")
	if r.code != exitOK {
		t.Fatalf("exit = %d, stderr: %s", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stdout, "EMAIL") || !strings.Contains(r.stdout, "@") {
		t.Errorf("demo stdout:\n%s", r.stdout)
	}
	for _, want := range []string{"succeeded", "1 retries", "activity"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("demo stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

func TestScheduleConfig(t *testing.T) {
	t.Parallel()
	srv, tmpl := fakeVendor(t, connectortest.ServerConfig{Users: 12, PageSize: 5, Auth: connectortest.AuthAPIKey})
	dir := t.TempDir()
	cfg := map[string]any{
		"name":     "fake-prod",
		"template": tmpl,
		"settings": map[string]string{"base_url": srv.Settings()["base_url"]},
		"schedule": map[string]any{"enabled": true, "daily": "06:30", "location": "Europe/Berlin"},
		"output":   "fake.jsonl",
	}
	data, _ := json.Marshal(cfg)
	os.WriteFile(filepath.Join(dir, "fake.connector.json"), data, 0o600)
	getenv := func(k string) string {
		if k == "SAASCONNECT_FAKE_PROD_API_KEY" {
			return connectortest.APIKey
		}
		return ""
	}
	jobs, cfgs, err := loadInstances(t.Context(), dir, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || cfgs[0].Name != "fake-prod" || jobs[0].Schedule.Daily != "06:30" {
		t.Fatalf("jobs = %+v", jobs)
	}
	report, err := jobs[0].Run(t.Context())
	if err != nil {
		t.Fatalf("run: %v (report %+v)", err, report)
	}
	got, err := os.ReadFile(filepath.Join(dir, "fake.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(got), "\n"); n != srv.Kept() {
		t.Errorf("scheduled run wrote %d users, want %d", n, srv.Kept())
	}

	os.WriteFile(filepath.Join(dir, "broken.connector.json"), []byte(`{"vendor": "okta", "template": "x.json"}`), 0o600)
	if _, _, err := loadInstances(t.Context(), dir, getenv); err == nil || !strings.Contains(err.Error(), "broken.connector.json") {
		t.Errorf("loadInstances with a broken file: err = %v, want one naming the file", err)
	}
}

func TestRunDeliverDryRun(t *testing.T) {
	t.Parallel()
	srv, tmpl := fakeVendor(t, connectortest.ServerConfig{Users: 12, PageSize: 5})
	args, _ := settingArgs(srv)
	state := filepath.Join(t.TempDir(), "state.json")
	base := append([]string{"run", "--template", tmpl, "--deliver", "flexera", "--org", "123", "--app", "4af2", "--state", state}, args...)

	r := runCLI(t.Context(), nil, append(base, "--dry-run")...)
	if r.code != exitOK {
		t.Fatalf("exit = %d, stderr: %s", r.code, r.stderr)
	}
	u, _ := srv.User(0)
	for _, want := range []string{"dry run", `"uniqueId"`, u.Email, "ApplicationRoster"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("dry run stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("a dry run wrote the state file (err %v)", err)
	}

	r = runCLI(t.Context(), nil, base...)
	if r.code != exitFailure || !strings.Contains(r.stderr, "FLEXERA_REFRESH_TOKEN") {
		t.Errorf("delivery without credentials: exit %d, stderr %q", r.code, r.stderr)
	}
}
