package main

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/connector"
)

// now is the clock the tests give the connector, so the activity column
// does not depend on the day the tests run.
var now = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

const wantUsers = `EMAIL                    NAME            STATUS     ROLE    PLAN  ACTIVITY  LAST ACTIVITY
ada@acme-corp.example    Ada Lovelace    active     admin   pro   active    2026-11-20
grace@acme-corp.example  Grace Hopper    active     member  pro   inactive  2026-06-01
linus@acme-corp.example  Linus Torvalds  inactive   member  free  never     -
ken@partner.example      Ken Thompson    suspended  guest   pro   active    2026-10-31

run acme-W0123: succeeded
requests 3, retries 0, pages 3
records: 5 seen, 4 kept, 1 filtered
activity: 2 active, 1 inactive, 1 never, 0 unknown
`

func TestTemplateIsValid(t *testing.T) {
	if err := acmeChat.Validate(); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range acmeChat.Settings() {
		if s.Name == "api_key" && !(s.Required && s.Secret) {
			t.Errorf("api_key setting = %+v, want required and secret", s)
		}
		names = append(names, s.Name)
	}
	if got, want := strings.Join(names, ","), "workspace,base_url,api_key,ca_file"; got != want {
		t.Errorf("settings = %s, want %s", got, want)
	}
}

func TestRun(t *testing.T) {
	srv := httptest.NewServer(fakeAcme())
	defer srv.Close()

	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    string // the whole stdout, or its start when wantErr is set
		wantErr error
		errText string
	}{
		{
			name: "embedded fake",
			want: wantUsers,
		},
		{
			name: "base url and key from the environment",
			args: []string{"-base-url", srv.URL, "-workspace", "W0123"},
			env:  map[string]string{"ACME_API_KEY": fakeKey},
			want: wantUsers,
		},
		{
			name:    "wrong key",
			args:    []string{"-base-url", srv.URL},
			env:     map[string]string{"ACME_API_KEY": "not-the-key"},
			want:    "EMAIL ",
			wantErr: connector.ErrUnauthorized,
		},
		{
			name:    "unknown workspace",
			args:    []string{"-base-url", srv.URL, "-workspace", "W9999"},
			env:     map[string]string{"ACME_API_KEY": fakeKey},
			wantErr: connector.ErrNotFound,
		},
		{
			name:    "no key",
			args:    []string{"-base-url", srv.URL},
			errText: "set ACME_API_KEY",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tt.args, func(k string) string { return tt.env[k] }, &stdout, &stderr, connector.WithClock(func() time.Time { return now }))
			switch {
			case tt.wantErr == nil && tt.errText == "":
				if err != nil {
					t.Fatalf("run: %v\nstdout:\n%s", err, stdout.String())
				}
				if got := stdout.String(); got != tt.want {
					t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.want)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("run error = %v, want %v", err, tt.wantErr)
				}
				out := stdout.String()
				if !strings.HasPrefix(out, tt.want) || !strings.Contains(out, "\nrun acme-") || !strings.Contains(out, ": failed\n") {
					t.Errorf("stdout of a failed run should still hold the header and a failed report:\n%s", out)
				}
				if strings.Contains(out, "not-the-key") || strings.Contains(err.Error(), "not-the-key") {
					t.Errorf("the API key leaked into the output or the error")
				}
			default:
				if err == nil || !strings.Contains(err.Error(), tt.errText) {
					t.Fatalf("run error = %v, want one containing %q", err, tt.errText)
				}
			}
		})
	}
}
