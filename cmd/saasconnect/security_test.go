package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/flexera"
	"github.com/saasconnect/saasconnect/internal/safefile"
)

// evilTemplate reads {base_url}/orgs/{org}/users: one page of records, no
// auth, no pagination.
const evilTemplate = `{"version":1,"name":"Evil","slug":"evil","vendor":"test","auth":{"method":"none"},
"request":{"users_url":"{base_url}/orgs/{org}/users"},
"response":{"records_path":"data","fields":{"id":"id","email":"email","name":"name","status":"status","last_activity":"last"}},
"settings":[{"name":"base_url"},{"name":"org"}]}`

// evilVendor serves records on loopback and writes evilTemplate to a file.
// It returns the template path, the --setting flags and the request count.
func evilVendor(t *testing.T, records ...map[string]any) (string, []string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.URL.Path != "/orgs/acme/users" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"data": records})
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "evil.json")
	if err := os.WriteFile(path, []byte(evilTemplate), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, []string{"--setting", "base_url=" + srv.URL, "--setting", "org=acme"}, &n
}

func user(id, email, name string) map[string]any {
	return map[string]any{"id": id, "email": email, "name": name, "status": "active"}
}

// TestRunOutputWrittenWithUnmappableRecord: a run that walked every page
// writes --output even when a record could not be mapped.
func TestRunOutputWrittenWithUnmappableRecord(t *testing.T) {
	t.Parallel()
	bad := user("3", "c@x.io", "Cy")
	bad["last"] = "not a time"
	tmpl, args, _ := evilVendor(t, user("1", "a@x.io", "Ada"), user("2", "b@x.io", "Bo"), bad)
	out := filepath.Join(t.TempDir(), "users.jsonl")
	r := runCLI(t.Context(), nil, append([]string{"run", "--template", tmpl, "--output", out}, args...)...)
	if r.code != exitFailure || !strings.Contains(r.stderr, "partial") {
		t.Fatalf("exit = %d, want %d and a partial report; stderr:\n%s", r.code, exitFailure, r.stderr)
	}
	if strings.Contains(r.stderr, "not written") {
		t.Errorf("stderr says the output was not written:\n%s", r.stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("--output of a walked run with an unmappable record: %v", err)
	}
	if n := strings.Count(string(got), "\n"); n != 2 {
		t.Errorf("output holds %d users, want the 2 mappable ones", n)
	}

	// The schedule command writes its output under the same rule.
	dir := t.TempDir()
	cfg, _ := json.Marshal(map[string]any{"template": tmpl, "settings": map[string]string{"base_url": args[1][len("base_url="):], "org": "acme"}, "output": "u.jsonl"})
	if err := os.WriteFile(filepath.Join(dir, "evil.connector.json"), cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	jobs, _, err := loadInstances(t.Context(), dir, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	rep, _ := jobs[0].Run(t.Context())
	if !rep.Walked {
		t.Fatalf("report = %+v, want Walked", rep)
	}
	if _, err := os.Stat(filepath.Join(dir, "u.jsonl")); err != nil {
		t.Errorf("scheduled run with an unmappable record left no output: %v", err)
	}
}

// TestRunEscapesVendorText: vendor text reaches the terminal with control
// characters escaped, and spreadsheets get no formulas.
func TestRunEscapesVendorText(t *testing.T) {
	t.Parallel()
	bad := user("9", "z@x.io", "Zed")
	bad["last"] = "\x1b]0;pwned\x07\x1b[2J"
	tmpl, args, _ := evilVendor(t,
		user("1", "evil@x.io\nforged@x.io\tForged", "\x1b]0;title\x07\x1b[8mhidden\u202e"),
		user("+cmd|' /C calc'!A0", "@SUM(1+1)", `=HYPERLINK("http://x.example/","click")`),
		user("-2+3", "a@x.io", "Tabbed"),
		bad,
	)
	tests := []struct {
		name      string
		flags     []string
		want      []string // in stdout
		wantLines int      // of stdout
	}{
		{"table", []string{"--format", "table"}, []string{`evil@x.io\nforged@x.io\tForged`, `\x1b]0;title\a\x1b[8mhidden\u202e`}, 4},
		{"csv", []string{"--format", "csv"}, []string{`'+cmd|' /C calc'!A0,'@SUM(1+1),"'=HYPERLINK(""http://x.example/"",""click"")"`, `'-2+3,a@x.io,Tabbed`}, 5},
		{"csv raw", []string{"--format", "csv", "--csv-raw"}, []string{`+cmd|' /C calc'!A0,@SUM(1+1),"=HYPERLINK(""http://x.example/"",""click"")"`, `-2+3,a@x.io,Tabbed`}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t.Context(), nil, append(append([]string{"run", "--template", tmpl}, tc.flags...), args...)...)
			if r.code != exitFailure { // the unmappable record makes it partial
				t.Fatalf("exit = %d, stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			if tc.name == "table" && strings.ContainsAny(r.stdout, "\x1b\x07\r\u202e") {
				t.Errorf("table output holds raw control characters: %q", r.stdout)
			}
			if n := strings.Count(r.stdout, "\n"); tc.name == "table" && n != tc.wantLines {
				t.Errorf("table has %d lines, want %d (a value forged a row):\n%s", n, tc.wantLines, r.stdout)
			}
			if strings.ContainsAny(r.stderr, "\x1b\x07") {
				t.Errorf("stderr holds raw control characters: %q", r.stderr)
			}
		})
	}
}

func TestEscapeText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain Zoë 日本", "plain Zoë 日本"},
		{"a\nb\tc\rd", `a\nb\tc\rd`},
		{"\x1b[2J\x07\x00\x7f", `\x1b[2J\a\x00\x7f`},
		{"\u009b31m", `\u009b31m`},
		{"abc\u202edef\u2066", `abc\u202edef\u2066`},
		{"bad \xff byte", `bad \xff byte`},
	}
	for _, tc := range tests {
		if got := escapeText(tc.in); got != tc.want {
			t.Errorf("escapeText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got, want := escapeLines("one\ntwo\x1b"), "one\n  two\\x1b"; got != want {
		t.Errorf("escapeLines = %q, want %q", got, want)
	}
}

// TestRunDotPathSegment: a path placeholder of . or .. is refused before
// any request.
func TestRunDotPathSegment(t *testing.T) {
	t.Parallel()
	for _, org := range []string{".", ".."} {
		tmpl, args, n := evilVendor(t, user("1", "a@x.io", "Ada"))
		args[3] = "org=" + org
		r := runCLI(t.Context(), nil, append([]string{"run", "--template", tmpl}, args...)...)
		if r.code != exitFailure || !strings.Contains(r.stderr, `setting "org" is used in the path`) {
			t.Errorf("org=%s: exit %d, stderr:\n%s", org, r.code, r.stderr)
		}
		if got := n.Load(); got != 0 {
			t.Errorf("org=%s: %d requests sent, want none", org, got)
		}
	}
}

// TestRunOutputTargets: --output writes regular files atomically, keeping
// their mode, writes through symbolic links, streams to FIFOs and refuses a
// directory before any request.
func TestRunOutputTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir string) string // returns --output
		wantErr string
		check   func(t *testing.T, dir, stdout string)
	}{
		{"existing file keeps its mode", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "u.jsonl")
			mustWrite(t, p, "old\n")
			if err := os.Chmod(p, 0o644); err != nil {
				t.Fatal(err)
			}
			return p
		}, "", func(t *testing.T, dir, _ string) {
			fi, err := os.Stat(filepath.Join(dir, "u.jsonl"))
			if err != nil || fi.Mode() != 0o644 {
				t.Errorf("output mode = %v (%v), want -rw-r--r--", fi.Mode(), err)
			}
			wantUsers(t, filepath.Join(dir, "u.jsonl"))
		}},
		{"new file", func(t *testing.T, dir string) string { return filepath.Join(dir, "u.jsonl") }, "", func(t *testing.T, dir, _ string) {
			wantUsers(t, filepath.Join(dir, "u.jsonl"))
		}},
		{"symbolic link is written through", func(t *testing.T, dir string) string {
			mustWrite(t, filepath.Join(dir, "real.jsonl"), "old\n")
			link := filepath.Join(dir, "link.jsonl")
			if err := os.Symlink("real.jsonl", link); err != nil {
				t.Fatal(err)
			}
			return link
		}, "", func(t *testing.T, dir, _ string) {
			if fi, err := os.Lstat(filepath.Join(dir, "link.jsonl")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Errorf("the link was replaced: %v, %v", fi.Mode(), err)
			}
			wantUsers(t, filepath.Join(dir, "real.jsonl"))
		}},
		{"dash is stdout", func(t *testing.T, dir string) string { return "-" }, "", func(t *testing.T, dir, stdout string) {
			if strings.Count(stdout, "\n") != 2 {
				t.Errorf("stdout = %q, want 2 users", stdout)
			}
		}},
		{"directory", func(t *testing.T, dir string) string { return dir }, "is a directory", nil},
		{"dangling link", func(t *testing.T, dir string) string {
			link := filepath.Join(dir, "link.jsonl")
			if err := os.Symlink("nowhere/x.jsonl", link); err != nil {
				t.Fatal(err)
			}
			return link
		}, "symbolic link to nothing", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tmpl, args, n := evilVendor(t, user("1", "a@x.io", "Ada"), user("2", "b@x.io", "Bo"))
			dir := t.TempDir()
			out := tc.setup(t, dir)
			r := runCLI(t.Context(), nil, append([]string{"run", "--template", tmpl, "--output", out}, args...)...)
			if tc.wantErr != "" {
				if r.code != exitFailure || !strings.Contains(r.stderr, tc.wantErr) {
					t.Errorf("exit %d, stderr:\n%s\nwant %q", r.code, r.stderr, tc.wantErr)
				}
				if got := n.Load(); got != 0 {
					t.Errorf("%d requests sent before the output was refused, want none", got)
				}
				return
			}
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			tc.check(t, dir, r.stdout)
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".tmp") {
					t.Errorf("temporary file %s left behind", e.Name())
				}
			}
		})
	}
}

// TestRunOutputFIFO: a FIFO is streamed to, not replaced by a regular file.
func TestRunOutputFIFO(t *testing.T) {
	t.Parallel()
	tmpl, args, _ := evilVendor(t, user("1", "a@x.io", "Ada"), user("2", "b@x.io", "Bo"))
	fifo := filepath.Join(t.TempDir(), "users.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// A reader that does not block in open; the pipe buffer holds the
	// small output until it is read after the run.
	rd, err := os.OpenFile(fifo, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	r := runCLI(t.Context(), nil, append([]string{"run", "--template", tmpl, "--output", fifo}, args...)...)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("--output FIFO was replaced: mode %v, %v", fi.Mode(), err)
	}
	buf := make([]byte, 4096)
	k, _ := rd.Read(buf)
	if got := strings.Count(string(buf[:k]), "\n"); got != 2 {
		t.Errorf("FIFO received %q, want 2 users", buf[:k])
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func wantUsers(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || strings.Count(string(b), "\n") != 2 || !strings.Contains(string(b), "a@x.io") {
		t.Errorf("%s = %q, %v; want 2 users", path, b, err)
	}
}

// TestInputFiles: templates must be regular files within the size cap; a
// FIFO is refused without blocking.
func TestInputFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := filepath.Join(dir, "big.json")
	mustWrite(t, big, "")
	if err := os.Truncate(big, safefile.MaxSize+1); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "t.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// Bound the test if the FIFO were opened: a writer unblocks the open
	// after a while and closes, so the read ends.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Write([]byte(evilTemplate))
				w.Close()
			}
		}
	}()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"oversized template", []string{"validate", big}, "file too large"},
		{"FIFO template", []string{"validate", fifo}, "not a regular file (a FIFO)"},
		{"FIFO run template", []string{"run", "--template", fifo}, "not a regular file (a FIFO)"},
		{"FIFO sample", []string{"suggest", "--sample", fifo}, "not a regular file (a FIFO)"},
		{"directory template", []string{"validate", dir}, "not a regular file (a directory)"},
	}
	for _, tc := range tests {
		r := runCLI(t.Context(), nil, tc.args...)
		if r.code != exitFailure || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want %q", tc.name, r.code, r.stderr, tc.want)
		}
	}
}

// TestScheduleFiles: schedule reads only regular *.connector.json files and
// quotes no more than a short excerpt of one in its errors.
func TestScheduleFiles(t *testing.T) {
	t.Parallel()
	const secret = "TOP-SECRET-CONTENT-0123456789"
	tests := []struct {
		name    string
		setup   func(t *testing.T, dir, outside string)
		want    string
		maxLine int
	}{
		{"symbolic link", func(t *testing.T, dir, outside string) {
			mustWrite(t, filepath.Join(outside, "secret.txt"), secret+"\n")
			if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(dir, "x.connector.json")); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file (a symbolic link)", 0},
		{"long unknown field", func(t *testing.T, dir, _ string) {
			mustWrite(t, filepath.Join(dir, "x.connector.json"), `{"`+strings.Repeat("A", 500)+secret+`": 1}`)
		}, "line 1 (byte offset", 300},
		{"control characters in vendor", func(t *testing.T, dir, _ string) {
			mustWrite(t, filepath.Join(dir, "x.connector.json"), `{"vendor": "\u001b[2J`+strings.Repeat("v", 200)+secret+`"}`)
		}, `unknown vendor \x1b[2J`, 300},
		{"directory", func(t *testing.T, dir, _ string) {
			if err := os.Mkdir(filepath.Join(dir, "x.connector.json"), 0o700); err != nil {
				t.Fatal(err)
			}
		}, "not a regular file (a directory)", 0},
		{"output is a directory", func(t *testing.T, dir, outside string) {
			mustWrite(t, filepath.Join(dir, "x.connector.json"), `{"vendor": "okta", "settings": {"okta_domain": "acme.okta.com"}, "output": "`+outside+`"}`)
		}, `"output": output `, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, outside := t.TempDir(), t.TempDir()
			tc.setup(t, dir, outside)
			r := runCLI(t.Context(), nil, "schedule", dir)
			if r.code != exitFailure || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want %q", r.code, r.stderr, tc.want)
			}
			if strings.Contains(r.stderr, secret) || strings.ContainsRune(r.stderr, 0x1b) {
				t.Errorf("stderr quotes the file: %q", r.stderr)
			}
			if tc.maxLine > 0 && len(r.stderr) > tc.maxLine {
				t.Errorf("stderr is %d bytes, want at most %d: %q", len(r.stderr), tc.maxLine, r.stderr)
			}
		})
	}
}

// TestRunDeliverWaitsForStateLock: a delivery whose state file is locked by
// another run fails with a clear message, sending nothing to Flexera.
func TestRunDeliverWaitsForStateLock(t *testing.T) {
	t.Parallel()
	tmpl, args, _ := evilVendor(t, user("1", "a@x.io", "Ada"))
	var flexeraRequests atomic.Int64
	fx := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		flexeraRequests.Add(1)
		http.Error(w, "unexpected", http.StatusTeapot)
	}))
	t.Cleanup(fx.Close)
	state := filepath.Join(t.TempDir(), "state.json")
	unlock, err := flexera.LockState(t.Context(), state, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	vars := map[string]string{flexera.EnvRefreshToken: "rt-secret", flexera.EnvAPIURL: fx.URL, flexera.EnvLoginURL: fx.URL}
	r := runCLI(t.Context(), vars, append([]string{"run", "--template", tmpl, "--deliver", "flexera", "--org", "1", "--app", "ab",
		"--state", state, "--state-lock-timeout", "0s"}, args...)...)
	if r.code != exitFailure || !strings.Contains(r.stderr, "locked by another run") {
		t.Errorf("exit %d, stderr:\n%s\nwant a locked-state failure", r.code, r.stderr)
	}
	if got := flexeraRequests.Load(); got != 0 {
		t.Errorf("%d requests sent to Flexera while the state was locked, want none", got)
	}
}

// TestErrorLinesEscaped: a vendor's error body quoted in an error line
// cannot drive the terminal or forge a line of its own.
func TestErrorLinesEscaped(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte("{\"error\":\"\x1b]0;pwned\x07\x1b[2J\u202e\"}\nsaasconnect run: forged\r\n"))
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "evil.json")
	mustWrite(t, path, evilTemplate)
	for _, cmd := range []string{"run", "test"} {
		r := runCLI(t.Context(), nil, cmd, "--template", path, "--setting", "base_url="+srv.URL, "--setting", "org=acme")
		if r.code != exitFailure {
			t.Errorf("%s: exit %d, want %d", cmd, r.code, exitFailure)
		}
		if strings.ContainsAny(r.stderr, "\x1b\x07\r\u202e") {
			t.Errorf("%s: stderr holds raw control characters: %q", cmd, r.stderr)
		}
		if strings.Contains(r.stderr, "\nsaasconnect run: forged") {
			t.Errorf("%s: the vendor forged a line: %q", cmd, r.stderr)
		}
		if !strings.Contains(r.stderr, `\x1b]0;pwned`) {
			t.Errorf("%s: stderr does not show the escaped body: %q", cmd, r.stderr)
		}
	}
}
