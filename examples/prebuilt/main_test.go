package main

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect/connector"
)

// The records below are Okta's own examples from the Management API spec
// (okta/okta-management-openapi-spec, dist/current/management-oneOfInheritance.yaml:
// components.examples.ListUsersResponse, ListUsersSearchResponse and
// ListUsersFilterResponse; see reference/vendors.md §15), trimmed of the
// credentials and _links blocks, plus two users written in the same schema:
// Priya (ACTIVE, recent lastLogin) and Dana (DEPROVISIONED, which the
// template's filter must drop).
const (
	oktaPage1 = `[
  {"id": "00u118oQYT4TBTemp0g4", "status": "ACTIVE", "created": "2022-04-04T15:56:05.000Z",
   "activated": null, "statusChanged": null, "lastLogin": "2022-05-04T19:50:52.000Z",
   "lastUpdated": "2022-05-05T18:15:44.000Z", "passwordChanged": "2022-04-04T16:00:22.000Z",
   "type": {"id": "oty1162QAr8hJjTaq0g4"},
   "profile": {"firstName": "Alice", "lastName": "Smith", "mobilePhone": null, "secondEmail": null,
               "login": "alice.smith@example.com", "email": "alice.smith@example.com"}},
  {"id": "00u1xke1apZnmHgpB1d7", "status": "STAGED", "created": "2021-11-17T16:11:16.000Z",
   "activated": null, "statusChanged": null, "lastLogin": null,
   "lastUpdated": "2022-05-24T15:39:09.000Z", "passwordChanged": null,
   "type": {"id": "oty2di92xFgQTiKEJ1d6"},
   "profile": {"firstName": "Ben", "lastName": "Richler", "mobilePhone": null, "secondEmail": "",
               "department": "Engineering", "login": "ben.richler@example.com", "email": "ben.richler@example.com"}},
  {"id": "00u4f7wq2hTnKxYz81d7", "status": "ACTIVE", "created": "2023-02-13T09:12:44.000Z",
   "activated": "2023-02-13T09:12:46.000Z", "statusChanged": "2023-02-13T09:12:46.000Z",
   "lastLogin": "2026-05-28T07:41:03.000Z", "lastUpdated": "2026-01-09T11:02:17.000Z",
   "passwordChanged": "2026-01-09T11:02:17.000Z", "type": {"id": "oty2di92xFgQTiKEJ1d6"},
   "profile": {"firstName": "Priya", "lastName": "Natarajan", "displayName": "Priya Natarajan",
               "title": "Staff Engineer", "department": "Engineering",
               "login": "priya.natarajan@example.com", "email": "priya.natarajan@example.com"}}
]`
	// oktaApps is one page of GET /api/v1/apps (the spec's
	// GetApplicationsByNameResponseEx, shortened).
	oktaApps = `[
  {"id": "0oa7vicdkRNrz59R80w6", "name": "workday", "label": "hrportal2", "status": "ACTIVE",
   "lastUpdated": "2021-05-17T23:10:50.000Z", "created": "2021-05-17T23:10:49.000Z", "signOnMode": "SAML_2_0"}
]`
	oktaPage2 = `[
  {"id": "00u269cmneNMFHCH51d7", "status": "PROVISIONED", "created": "2021-12-17T15:16:55.000Z",
   "activated": null, "statusChanged": null, "lastLogin": null,
   "lastUpdated": "2022-05-24T15:38:04.000Z", "passwordChanged": "2021-12-17T15:16:56.000Z",
   "type": {"id": "oty2di92xFgQTiKEJ1d6"},
   "profile": {"firstName": "Janice", "lastName": "Benson", "mobilePhone": null, "secondEmail": null,
               "department": "Engineering", "login": "janice.benson@gmail.com", "email": "janice.benson@gmail.com"}},
  {"id": "00u3m5wrdPjJYUFb81d6", "status": "LOCKED_OUT", "created": "2020-10-22T15:15:30.000Z",
   "activated": "2020-10-22T15:15:30.000Z", "statusChanged": "2020-10-22T16:09:13.000Z",
   "lastLogin": null, "lastUpdated": "2020-10-22T16:09:13.000Z",
   "passwordChanged": "2020-10-22T15:15:30.000Z", "type": {"id": "oty2di92xFgQTiKEJ1d6"},
   "profile": {"firstName": "John", "lastName": "Richards", "mobilePhone": null, "secondEmail": null,
               "login": "johnrichards@example.com", "email": "johnrichards@example.com"}},
  {"id": "00u5kq1d8rWcP0Nxe1d7", "status": "DEPROVISIONED", "created": "2021-03-02T10:00:11.000Z",
   "activated": "2021-03-02T10:00:14.000Z", "statusChanged": "2026-05-30T16:20:00.000Z",
   "lastLogin": "2026-05-29T08:03:51.000Z", "lastUpdated": "2026-05-30T16:20:00.000Z",
   "passwordChanged": "2021-03-02T10:00:14.000Z", "type": {"id": "oty2di92xFgQTiKEJ1d6"},
   "profile": {"firstName": "Dana", "lastName": "Whitfield", "department": "Sales",
               "login": "dana.whitfield@example.com", "email": "dana.whitfield@example.com"}}
]`
	// Okta's 429 (components.examples.ErrorTooManyRequests) and 401 bodies.
	oktaTooMany = `{"errorCode": "E0000047", "errorSummary": "API call exceeded rate limit due to too many requests.", "errorLink": "E0000047", "errorId": "sampleQPivGUj_ND5v78vbYWW", "errorCauses": []}`
	oktaInvalid = `{"errorCode": "E0000011", "errorSummary": "Invalid token provided", "errorLink": "E0000011", "errorId": "oaeWfGmP5XgSx-YQnUo4JWP7A", "errorCauses": []}`

	token = "00aTestToken-not-real"
)

// fakeOkta serves GET /api/v1/users (and one page of GET /api/v1/apps) the way an Okta org does: a top-level
// array, 200 users a page at most, the next page as a Link rel="next" URL
// with an opaque after cursor. With throttleFirst the first request gets
// Okta's 429.
type fakeOkta struct {
	throttleFirst bool
	requests      atomic.Int32
}

func (f *fakeOkta) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := f.requests.Add(1)
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodGet || (r.URL.Path != "/api/v1/users" && r.URL.Path != "/api/v1/apps") {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"errorCode": "E0000022", "errorSummary": "The endpoint does not support the provided HTTP method"}`)
		return
	}
	if r.Header.Get("Authorization") != "SSWS "+token {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, oktaInvalid)
		return
	}
	if f.throttleFirst && n == 1 {
		w.Header().Set("X-Rate-Limit-Limit", "600")
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Rate-Limit-Reset", fmt.Sprint(time.Now().Unix()))
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, oktaTooMany)
		return
	}
	q := r.URL.Query()
	if q.Get("limit") != "200" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"errorCode": "E0000001", "errorSummary": "Api validation failed: limit %q"}`, q.Get("limit"))
		return
	}
	self := "http://" + r.Host + r.URL.RequestURI()
	w.Header().Add("Link", "<"+self+`>; rel="self"`)
	if r.URL.Path == "/api/v1/apps" { // the template's applications listing, one page
		fmt.Fprint(w, oktaApps)
		return
	}
	switch q.Get("after") {
	case "":
		w.Header().Add("Link", "<http://"+r.Host+`/api/v1/users?after=00u4f7wq2hTnKxYz81d7&limit=200>; rel="next"`)
		fmt.Fprint(w, oktaPage1)
	case "00u4f7wq2hTnKxYz81d7":
		fmt.Fprint(w, oktaPage2)
	default:
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"errorCode": "E0000031", "errorSummary": "Invalid search criteria."}`)
	}
}

var now = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

const wantTable = `EMAIL                        NAME             STATUS     DEPARTMENT   ACTIVITY  LAST LOGIN
alice.smith@example.com      Alice Smith      active     -            inactive  2022-05-04T19:50:52Z
ben.richler@example.com      Ben Richler      inactive   Engineering  never     never
priya.natarajan@example.com  Priya Natarajan  active     Engineering  active    2026-05-28T07:41:03Z
janice.benson@gmail.com      Janice Benson    inactive   Engineering  never     never
johnrichards@example.com     John Richards    suspended  -            never     never
`

func TestRun(t *testing.T) {
	tests := []struct {
		name          string
		args          []string // the server's URL is appended as -base_url unless env sets it
		env           map[string]string
		throttleFirst bool
		wantOut       string
		wantRequests  int32
		wantErr       error
		wantErrText   string
	}{
		{
			name:         "two pages",
			args:         []string{"-okta_domain", "acme.okta.com"},
			env:          map[string]string{"SAASCONNECT_API_KEY": token},
			wantOut:      wantTable + "\nokta: succeeded; 2 requests (0 retried), 2 pages; 5 users kept, 1 filtered out; activity: 1 active, 1 inactive, 3 never, 0 unknown\n",
			wantRequests: 2,
		},
		{
			name:          "throttled once, retried",
			args:          []string{"-okta_domain", "acme.okta.com"},
			env:           map[string]string{"SAASCONNECT_API_KEY": token},
			throttleFirst: true,
			wantOut:       wantTable + "\nokta: succeeded; 3 requests (1 retried), 2 pages; 5 users kept, 1 filtered out; activity: 1 active, 1 inactive, 3 never, 0 unknown\n",
			wantRequests:  3,
		},
		{
			name:         "settings from the environment",
			env:          map[string]string{"SAASCONNECT_API_KEY": token, "SAASCONNECT_OKTA_DOMAIN": "acme.okta.com", "SAASCONNECT_BASE_URL": "{server}"},
			wantOut:      wantTable + "\nokta: succeeded; 2 requests (0 retried), 2 pages; 5 users kept, 1 filtered out; activity: 1 active, 1 inactive, 3 never, 0 unknown\n",
			wantRequests: 2,
		},
		{
			name:         "check",
			args:         []string{"-okta_domain", "acme.okta.com", "-check"},
			env:          map[string]string{"SAASCONNECT_API_KEY": token},
			wantOut:      "okta: settings and credentials work\n",
			wantRequests: 2, // users, then the applications listing
		},
		{
			name:         "revoked token",
			args:         []string{"-okta_domain", "acme.okta.com"},
			env:          map[string]string{"SAASCONNECT_API_KEY": "00aRevoked"},
			wantErr:      connector.ErrUnauthorized,
			wantRequests: 1,
		},
		{
			name:         "check with a revoked token",
			args:         []string{"-okta_domain", "acme.okta.com", "-check"},
			env:          map[string]string{"SAASCONNECT_API_KEY": "00aRevoked"},
			wantErr:      connector.ErrUnauthorized,
			wantErrText:  "credentials",
			wantRequests: 2, // users, then the applications listing
		},
		{
			name:        "no token",
			args:        []string{"-okta_domain", "acme.okta.com"},
			wantErrText: `missing required setting "api_key"`,
		},
		{
			name:        "no domain",
			env:         map[string]string{"SAASCONNECT_API_KEY": token},
			wantErrText: `missing required setting "okta_domain"`,
		},
		{
			name:    "help",
			args:    []string{"-h"},
			wantOut: "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeOkta{throttleFirst: tt.throttleFirst}
			srv := httptest.NewServer(fake)
			defer srv.Close()

			args := tt.args
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "{server}", srv.URL)
			}
			if env["SAASCONNECT_BASE_URL"] == "" && !(len(args) == 1 && args[0] == "-h") {
				args = append([]string{"-base_url", srv.URL}, args...)
			}
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), args, func(k string) string { return env[k] }, &stdout, &stderr,
				connector.WithClock(func() time.Time { return now }),
				connector.WithRetry(connector.RetryPolicy{MinWait: time.Millisecond, MaxWait: 10 * time.Millisecond}))

			if tt.wantErr == nil && tt.wantErrText == "" {
				if err != nil {
					t.Fatalf("run: %v\nstdout:\n%s", err, stdout.String())
				}
				if got := stdout.String(); got != tt.wantOut {
					t.Errorf("stdout:\n%s\nwant:\n%s", got, tt.wantOut)
				}
			} else {
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("run error = %v, want %v", err, tt.wantErr)
				}
				if err == nil || !strings.Contains(err.Error(), tt.wantErrText) {
					t.Errorf("run error = %v, want it to contain %q", err, tt.wantErrText)
				}
				if err != nil && strings.Contains(err.Error(), "00aRevoked") {
					t.Errorf("the token leaked into the error: %v", err)
				}
			}
			if got := fake.requests.Load(); got != tt.wantRequests {
				t.Errorf("the fake Okta got %d requests, want %d", got, tt.wantRequests)
			}
		})
	}
}

func TestHelpListsSettings(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"-h"}, func(string) string { return "" }, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	help := stderr.String()
	for _, want := range []string{"SAASCONNECT_API_KEY", "-okta_domain", "-base_url", "SAASCONNECT_OKTA_DOMAIN"} {
		if !strings.Contains(help, want) {
			t.Errorf("-h output lacks %q:\n%s", want, help)
		}
	}
	if strings.Contains(help, "-api_key") {
		t.Errorf("-h offers the secret api_key as a flag:\n%s", help)
	}
}
