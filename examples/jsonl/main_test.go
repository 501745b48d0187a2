package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
	"github.com/saasconnect/saasconnect/vendors"
)

// fastRetry keeps the failure cases quick: the fake fails every attempt.
var fastRetry = connector.WithRetry(connector.RetryPolicy{MaxAttempts: 2, MinWait: time.Millisecond, MaxWait: time.Millisecond})

// wantLines is what the file must hold for the users srv serves: each user
// its template's connector delivers, named name, as one JSON line.
func wantLines(t *testing.T, srv *connectortest.Server, name string) []string {
	t.Helper()
	var lines []string
	for _, u := range srv.Users() {
		u.Connector = name
		b, err := json.Marshal(u)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, string(b))
	}
	return lines
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Errorf("%s does not end with a newline", path)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}

// compareLines reports the first line where got and want differ.
func compareLines(t *testing.T, got, want []string) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Fatalf("line %d:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
	if len(got) != len(want) {
		t.Fatalf("the file holds %d lines, want %d", len(got), len(want))
	}
}

// dirNames lists dir, to show that no temporary file was left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestDemo(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "users.jsonl")
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"-demo", "600", "-o", out}, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v\nstderr: %s", err, stderr.String())
	}

	// The same fake vendor, in memory, says which users the file must hold.
	ref := connectortest.NewInMemoryServer(demoConfig(600))
	defer ref.Close()
	want := wantLines(t, ref, "demo")
	if len(want) != ref.Kept() {
		t.Fatalf("the reference fake delivers %d users, keeps %d", len(want), ref.Kept())
	}
	compareLines(t, readLines(t, out), want)
	if s := stdout.String(); s != "wrote "+itoa(len(want))+" users to "+out+"\n" {
		t.Errorf("stdout = %q", s)
	}
	if !strings.Contains(stderr.String(), "demo: 2 pages, "+itoa(len(want))+" users") {
		t.Errorf("stderr lacks the final progress line: %q", stderr.String())
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v, want only users.jsonl", names)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v (%v), want -rw-------", fi.Mode(), err)
	}
}

func TestTemplateFile(t *testing.T) {
	tests := []struct {
		name     string
		faults   []connectortest.Fault
		wantIs   error  // the run's error, matched with errors.Is
		wantText string // or a part of its text
	}{
		{name: "complete"},
		{
			name:     "page 3 fails after its retries",
			faults:   []connectortest.Fault{{Kind: connectortest.FaultServerError, Page: 3}},
			wantText: "503",
		},
		{
			name:     "truncated body on page 2",
			faults:   []connectortest.Fault{{Kind: connectortest.FaultTruncated, Page: 2}},
			wantText: "JSON",
		},
		{
			name:   "cursor loop",
			faults: []connectortest.Fault{{Kind: connectortest.FaultCursorLoop, Page: 2}},
			wantIs: connector.ErrCursorLoop,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := connectortest.NewServer(connectortest.ServerConfig{
				Users:      250,
				Pagination: connectortest.PaginateCursor,
				PageSize:   100,
				Auth:       connectortest.AuthBasic,
				Faults:     tt.faults,
			})
			defer srv.Close()

			dir := t.TempDir()
			tmplFile := filepath.Join(dir, "fake.json")
			if err := os.WriteFile(tmplFile, srv.TemplateJSON(), 0o600); err != nil {
				t.Fatal(err)
			}
			// A previous export, which a failed run must leave alone.
			out := filepath.Join(dir, "users.jsonl")
			const previous = "{\"id\":\"from-last-night\"}\n"
			if err := os.WriteFile(out, []byte(previous), 0o600); err != nil {
				t.Fatal(err)
			}

			// Settings: the URL as a flag, the user name and the password
			// from the environment (the password can only come from there).
			s := srv.Settings()
			args := []string{"-template", tmplFile, "-o", out, "-q", "-set", "base_url=" + s["base_url"]}
			env := map[string]string{"SAASCONNECT_USERNAME": s["username"], "SAASCONNECT_PASSWORD": s["password"]}
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), args, func(k string) string { return env[k] }, &stdout, &stderr,
				connector.WithClock(func() time.Time { return connectortest.DefaultNow }), fastRetry)

			if tt.wantIs == nil && tt.wantText == "" {
				if err != nil {
					t.Fatalf("run: %v", err)
				}
				compareLines(t, readLines(t, out), wantLines(t, srv, "fake-vendor"))
				if stderr.Len() != 0 {
					t.Errorf("-q wrote to stderr: %q", stderr.String())
				}
			} else {
				if err == nil || (tt.wantIs != nil && !errors.Is(err, tt.wantIs)) || !strings.Contains(err.Error(), tt.wantText) {
					t.Fatalf("run error = %v, want %v %q", err, tt.wantIs, tt.wantText)
				}
				if data, _ := os.ReadFile(out); string(data) != previous {
					t.Errorf("a failed run changed the previous file: %.100q", data)
				}
				if stdout.Len() != 0 {
					t.Errorf("a failed run wrote %q to stdout", stdout.String())
				}
			}
			if names := dirNames(t, dir); len(names) != 2 {
				t.Errorf("directory holds %v, want only fake.json and users.jsonl", names)
			}
		})
	}
}

func TestCancelled(t *testing.T) {
	srv := connectortest.NewServer(connectortest.ServerConfig{Users: 1000, PageSize: 100})
	defer srv.Close()
	dir := t.TempDir()
	tmplFile := filepath.Join(dir, "fake.json")
	if err := os.WriteFile(tmplFile, srv.TemplateJSON(), 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "users.jsonl")

	// Cancel after the second page, as Ctrl-C would.
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	progress := connector.WithProgress(func(p connector.Progress) {
		if p.Pages == 2 {
			cancel()
		}
	})
	err := run(ctx, []string{"-template", tmplFile, "-o", out, "-q", "-set", "base_url=" + srv.Settings()["base_url"]},
		func(string) string { return "" }, io.Discard, io.Discard, progress)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("run error = %v, want context.Canceled", err)
	}
	if names := dirNames(t, dir); len(names) != 1 {
		t.Errorf("directory holds %v, want only fake.json", names)
	}
}

func TestArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string // part of the error
		is   error
	}{
		{name: "no output", args: []string{"-demo", "1"}, want: "-o FILE"},
		{name: "no source", args: []string{"-o", "x.jsonl"}, want: "-vendor SLUG"},
		{name: "two sources", args: []string{"-vendor", "okta", "-template", "t.json", "-o", "x.jsonl"}, want: "one of"},
		{name: "unknown vendor", args: []string{"-vendor", "nope", "-o", "x.jsonl"}, is: vendors.ErrUnknownVendor},
		{name: "bad setting flag", args: []string{"-set", "okta_domain", "-o", "x.jsonl"}, want: "name=value"},
		{name: "vendor without its secret", args: []string{"-vendor", "okta", "-set", "okta_domain=acme.okta.com", "-o", "x.jsonl"}, want: `"api_key"`},
		{name: "secret as a flag", args: []string{"-vendor", "okta", "-set", "api_key=00abc", "-o", "x.jsonl"}, want: "SAASCONNECT_API_KEY"},
		{name: "missing template file", args: []string{"-template", "does-not-exist.json", "-o", "x.jsonl"}, is: os.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(t.Context(), tt.args, func(k string) string { return tt.env[k] }, io.Discard, io.Discard)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("run error = %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run error = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestMemoryFlat checks the claim of the package doc: the live heap during
// an export does not grow with the number of users. It samples the heap
// (after a GC) at every page of a small and a 20 times larger export and
// compares the peaks; holding the users would cost several megabytes more.
func TestMemoryFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("exports 10000 users; the race detector's own allocations blur the measurement")
	}
	peakHeap := func(users int) uint64 {
		var peak uint64
		sample := connector.WithProgress(func(connector.Progress) {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			peak = max(peak, m.HeapAlloc)
		})
		out := filepath.Join(t.TempDir(), "users.jsonl")
		if err := run(t.Context(), []string{"-demo", itoa(users), "-o", out, "-q"}, func(string) string { return "" }, io.Discard, io.Discard, sample); err != nil {
			t.Fatal(err)
		}
		return peak
	}
	small, large := peakHeap(500), peakHeap(10000)
	t.Logf("peak live heap: %d KiB for 500 users, %d KiB for 10000", small>>10, large>>10)
	if large > small+2<<20 {
		t.Errorf("peak live heap grew from %d KiB to %d KiB with 20 times the users", small>>10, large>>10)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
