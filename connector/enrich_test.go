package connector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect"
)

// githubEnrichJSON is the GitHub org members template, whose members carry
// no e-mail, with a request per member without one to /users/{login}.
const githubEnrichJSON = `{
  "version": 1,
  "name": "GitHub",
  "settings": [{"name": "org", "required": true}, {"name": "base_url", "default": "https://api.github.com"}],
  "auth": {"method": "api_key", "token_type": "Bearer"},
  "request": {"users_url": "{base_url}/orgs/{org}/members"},
  "pagination": {"type": "link_header", "limit_field": "per_page", "page_size": 3},
  "response": {
    "fields": {"id": "id", "name": "login", "email": "email", "display_name": "_enrich.profile.name"},
    "fallback_fields": {"email": ["_enrich.profile.email"]}
  },
  "enrich": [{
    "name": "profile",
    "url": "{base_url}/users/{record.login}",
    "when": {"field": "email", "operator": "not_exists"},
    "fields": {"email": "email", "name": "name"},
    "concurrency": 2,
    "on_error": "skip"
  }]
}`

// githubOrg is an in-process GitHub: org members paged by Link headers and
// a profile per user. It counts the requests per path and the profile
// requests in flight at once; every request must carry the token.
type githubOrg struct {
	members  []map[string]any // id, login, and email for some
	profiles map[string]map[string]any
	fail     map[string]int // login -> status answered for its profile
	perPage  int

	mu       sync.Mutex
	requests map[string]int
	arrivals []time.Time    // when each request arrived
	throttle map[string]int // path -> Retry-After seconds of a 429 answered once
	inFlight int
	maxIn    int
	// gate, when set, holds each profile request until gate(inFlight,
	// started) holds (the concurrency test).
	gate    func(inFlight, started int) bool
	started int
	cond    *sync.Cond
}

func (g *githubOrg) server(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(g.handler())
	t.Cleanup(srv.Close)
	return srv
}

func (g *githubOrg) handler() http.Handler {
	g.requests = map[string]int{}
	g.cond = sync.NewCond(&g.mu)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ghp-secret" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		g.mu.Lock()
		g.requests[r.URL.Path]++
		g.arrivals = append(g.arrivals, time.Now())
		throttle := g.throttle[r.URL.Path]
		g.throttle[r.URL.Path] = 0
		g.mu.Unlock()
		if throttle > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(throttle))
			http.Error(w, `{"message":"slow down"}`, http.StatusTooManyRequests)
			return
		}
		switch {
		case r.URL.Path == "/orgs/acme/members":
			page := 1
			fmt.Sscan(r.URL.Query().Get("page"), &page)
			lo, hi := (page-1)*g.perPage, min(page*g.perPage, len(g.members))
			if hi < len(g.members) {
				w.Header().Set("Link", fmt.Sprintf(`<http://%s/orgs/acme/members?per_page=%d&page=%d>; rel="next"`, r.Host, g.perPage, page+1))
			}
			writeJSON(w, g.members[lo:hi])
		case strings.HasPrefix(r.URL.Path, "/users/"):
			login := strings.TrimPrefix(r.URL.Path, "/users/")
			g.mu.Lock()
			g.inFlight++
			g.started++
			g.maxIn = max(g.maxIn, g.inFlight)
			g.cond.Broadcast()
			for g.gate != nil && !g.gate(g.inFlight, g.started) {
				g.cond.Wait()
			}
			g.inFlight--
			g.cond.Broadcast()
			g.mu.Unlock()
			if status := g.fail[login]; status != 0 {
				http.Error(w, `{"message":"boom"}`, status)
				return
			}
			p, ok := g.profiles[login]
			if !ok {
				http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
				return
			}
			writeJSON(w, p)
		default:
			http.NotFound(w, r)
		}
	})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (g *githubOrg) profileRequests() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for p, c := range g.requests {
		if strings.HasPrefix(p, "/users/") {
			n += c
		}
	}
	return n
}

func member(id int, login, email string) map[string]any {
	m := map[string]any{"id": id, "login": login, "type": "User"}
	if email != "" {
		m["email"] = email
	}
	return m
}

func newGitHub(t *testing.T, g *githubOrg, edit func(*Template)) *Connector {
	t.Helper()
	srv := g.server(t)
	tmpl := MustParseTemplate([]byte(githubEnrichJSON))
	if edit != nil {
		edit(&tmpl)
	}
	c, err := New(tmpl, "github", Settings{"org": "acme", "base_url": srv.URL, "api_key": "ghp-secret"}, WithRetry(RetryPolicy{MaxAttempts: 1}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Members without an e-mail get exactly one profile request each; the
// others none. Records keep their order and the requests are counted.
func TestEnrichGitHubMembers(t *testing.T) {
	g := &githubOrg{throttle: map[string]int{}, perPage: 3, members: []map[string]any{
		member(1, "alice", ""), member(2, "bob", "bob@listed.test"), member(3, "carol", ""),
		member(4, "dave", ""), member(5, "erin", "erin@listed.test"), member(6, "frank", ""),
		member(7, "grace", ""),
	}, profiles: map[string]map[string]any{
		"alice": {"email": "alice@profile.test", "name": "Alice A"},
		"bob":   {"email": "bob@profile.test", "name": "Bob B"},
		"carol": {"email": nil, "name": "Carol C"}, // a private e-mail
		"dave":  {"email": "dave@profile.test", "name": "Dave D"},
		"erin":  {"email": "erin@profile.test", "name": "Erin E"},
		"frank": {"email": "frank@profile.test"},
		"grace": {"email": "grace@profile.test", "name": "Grace G"},
	}}
	c := newGitHub(t, g, nil)
	users, rep, err := runUsers(t, c)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Name, Email, Display string }
	var got []row
	for _, u := range users {
		d, _ := u.Extra["display_name"].(string)
		got = append(got, row{u.Name, u.Email, d})
	}
	want := []row{
		{"alice", "alice@profile.test", "Alice A"}, {"bob", "bob@listed.test", ""}, {"carol", "", "Carol C"},
		{"dave", "dave@profile.test", "Dave D"}, {"erin", "erin@listed.test", ""}, {"frank", "frank@profile.test", ""},
		{"grace", "grace@profile.test", "Grace G"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	for _, login := range []string{"alice", "carol", "dave", "frank", "grace"} {
		if n := g.requests["/users/"+login]; n != 1 {
			t.Errorf("%s: %d profile requests, want 1", login, n)
		}
	}
	if n := g.profileRequests(); n != 5 {
		t.Errorf("%d profile requests, want 5 (one per member without an e-mail)", n)
	}
	for _, login := range []string{"bob", "erin"} {
		if n := g.requests["/users/"+login]; n != 0 {
			t.Errorf("%s has an e-mail: %d profile requests, want 0", login, n)
		}
	}
	if rep.Requests != 3+5 || rep.Pages != 3 || rep.Enriched != 5 || rep.Kept != 7 || rep.Status != Succeeded {
		t.Errorf("report: requests %d (want 8), pages %d (want 3), enriched %d (want 5), kept %d (want 7), status %s",
			rep.Requests, rep.Pages, rep.Enriched, rep.Kept, rep.Status)
	}
	if rep.EnrichConcurrency < 1 || rep.EnrichConcurrency > 2 {
		t.Errorf("EnrichConcurrency = %d, want 1 or 2 (the bound is 2)", rep.EnrichConcurrency)
	}
}

// Requests never exceed the entry's concurrency, and reach it: the server
// holds each profile request until the bound is in flight (or every
// request of the page has started), and the Report shows the concurrency used.
func TestEnrichConcurrencyBound(t *testing.T) {
	for _, bound := range []int{1, 3, 16} {
		t.Run(fmt.Sprint(bound), func(t *testing.T) {
			const n = 40
			g := &githubOrg{throttle: map[string]int{}, perPage: 20, profiles: map[string]map[string]any{}}
			for i := range n {
				login := fmt.Sprintf("user%02d", i)
				g.members = append(g.members, member(i+1, login, ""))
				g.profiles[login] = map[string]any{"email": login + "@profile.test"}
			}
			// A page's requests all started: none other comes until the
			// page is done.
			g.gate = func(inFlight, started int) bool { return inFlight >= bound || started%g.perPage == 0 }
			c := newGitHub(t, g, func(tm *Template) { tm.Enrich[0].Concurrency = bound })
			users, rep, err := runUsers(t, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(users) != n || rep.Enriched != n {
				t.Fatalf("%d users, %d enriched, want %d", len(users), rep.Enriched, n)
			}
			if want := min(bound, 20); g.maxIn != want || rep.EnrichConcurrency != want {
				t.Errorf("max in flight: server %d, report %d, want %d", g.maxIn, rep.EnrichConcurrency, want)
			}
		})
	}
}

// Records that build the same URL share one request, on one page and
// across pages.
func TestEnrichDeduplicates(t *testing.T) {
	g := &githubOrg{throttle: map[string]int{}, perPage: 2, members: []map[string]any{
		member(1, "alice", ""), member(2, "alice", ""), member(3, "bob", ""), member(4, "alice", ""),
	}, profiles: map[string]map[string]any{
		"alice": {"email": "alice@profile.test"}, "bob": {"email": "bob@profile.test"},
	}}
	c := newGitHub(t, g, nil)
	users, rep, err := runUsers(t, c)
	if err != nil {
		t.Fatal(err)
	}
	if g.requests["/users/alice"] != 1 || g.requests["/users/bob"] != 1 {
		t.Errorf("profile requests %v, want one per login", g.requests)
	}
	for _, u := range users {
		if u.Email != u.Name+"@profile.test" {
			t.Errorf("user %s: email %q", u.Name, u.Email)
		}
	}
	if rep.Enriched != 4 || rep.Requests != 2+2 {
		t.Errorf("enriched %d (want 4), requests %d (want 4)", rep.Enriched, rep.Requests)
	}
}

// A failed sub-request: "skip" keeps the record unenriched with a record
// error naming the page, the record and the URL; "fail" fails the run.
// A record without the URL's value is not enriched and is no error.
func TestEnrichOnError(t *testing.T) {
	members := []map[string]any{
		member(1, "alice", ""), member(2, "bob", ""), {"id": 3, "type": "User"}, member(4, "dave", ""),
	}
	profiles := map[string]map[string]any{"alice": {"email": "alice@profile.test"}, "dave": {"email": "dave@profile.test"}}
	tests := []struct {
		policy     string
		wantStatus RunStatus
		wantUsers  []string
		wantErr    string
	}{
		{policy: "skip", wantStatus: Partial, wantUsers: []string{"alice@profile.test", "", "", "dave@profile.test"},
			wantErr: `page 1, record 1: enrich "profile": GET http://`},
		// A page is enriched before any of its records is delivered.
		{policy: "fail", wantStatus: Failed, wantErr: `page 1, record 1: enrich "profile": GET http://`},
		{policy: "", wantStatus: Failed, wantErr: "/users/bob: 500"},
	}
	for _, tt := range tests {
		t.Run("policy="+tt.policy, func(t *testing.T) {
			g := &githubOrg{throttle: map[string]int{}, perPage: 10, members: members, profiles: profiles, fail: map[string]int{"bob": 500}}
			c := newGitHub(t, g, func(tm *Template) { tm.Enrich[0].OnError = tt.policy })
			users, rep, err := runUsers(t, c)
			var emails []string
			for _, u := range users {
				emails = append(emails, u.Email)
			}
			if diff := cmp.Diff(tt.wantUsers, emails); diff != "" {
				t.Errorf("users' e-mails (-want +got):\n%s", diff)
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "ghp-secret") {
				t.Errorf("error %v, want it to contain %q", err, tt.wantErr)
			}
			var he *HTTPError
			if !errors.As(err, &he) || he.StatusCode != 500 {
				t.Errorf("error %v does not wrap the *HTTPError 500", err)
			}
			if rep.Status != tt.wantStatus {
				t.Errorf("status %s, want %s", rep.Status, tt.wantStatus)
			}
			if tt.policy == "skip" && (len(rep.RecordErrors) != 1 || rep.Enriched != 2) {
				t.Errorf("record errors %v, enriched %d: want one error and 2 enriched", rep.RecordErrors, rep.Enriched)
			}
			if g.requests["/users/"] != 0 {
				t.Errorf("the record without a login was enriched: %v", g.requests)
			}
		})
	}
}

// A resource listing enriches its records too, on its own origin.
func TestEnrichResourceListing(t *testing.T) {
	g := &githubOrg{throttle: map[string]int{}, perPage: 10, members: []map[string]any{member(1, "alice", "")},
		profiles: map[string]map[string]any{"alice": {"email": "alice@profile.test", "plan": map[string]any{"name": "pro"}}}}
	c := newGitHub(t, g, func(tm *Template) {
		tm.Licenses = &ListingSpec{
			Request:  RequestSpec{URL: "{base_url}/orgs/{org}/members"},
			Response: ResponseSpec{Fields: map[string]string{"id": "id", "name": "_enrich.plan.name"}},
			Enrich: []EnrichSpec{{Name: "plan", URL: "{base_url}/users/{record.login}", RecordsPath: "plan",
				Fields: map[string]string{"name": "name"}}},
		}
	})
	var got []saasconnect.License
	rep, err := c.RunResource(t.Context(), ResourceLicenses, Sinks{Licenses: func(l saasconnect.License) error { got = append(got, l); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != "pro" || rep.Enriched != 1 || rep.Requests != 2 {
		t.Errorf("licenses %+v, enriched %d, requests %d", got, rep.Enriched, rep.Requests)
	}
}

func TestValidateEnrich(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(e *EnrichSpec, t *Template)
		wantPaths []string
	}{
		{name: "valid", edit: func(*EnrichSpec, *Template) {}},
		{name: "another origin", edit: func(e *EnrichSpec, _ *Template) { e.URL = "https://evil.test/users/{record.login}" },
			wantPaths: []string{"enrich[0].url"}},
		{name: "another host placeholder", edit: func(e *EnrichSpec, _ *Template) { e.URL = "{org}/users/{record.login}" },
			wantPaths: []string{"enrich[0].url"}},
		{name: "no record placeholder", edit: func(e *EnrichSpec, _ *Template) { e.URL = "{base_url}/users/me" },
			wantPaths: []string{"enrich[0].url"}},
		{name: "unknown setting", edit: func(e *EnrichSpec, _ *Template) { e.URL = "{base_url}/{nope}/{record.login}" },
			wantPaths: []string{"enrich[0].url"}},
		{name: "bad record path", edit: func(e *EnrichSpec, _ *Template) { e.URL = "{base_url}/users/{record.a..}" },
			wantPaths: []string{"enrich[0].url"}},
		{name: "concurrency too high", edit: func(e *EnrichSpec, _ *Template) { e.Concurrency = 17 },
			wantPaths: []string{"enrich[0].concurrency"}},
		{name: "concurrency negative", edit: func(e *EnrichSpec, _ *Template) { e.Concurrency = -1 },
			wantPaths: []string{"enrich[0].concurrency"}},
		{name: "on_error", edit: func(e *EnrichSpec, _ *Template) { e.OnError = "ignore" }, wantPaths: []string{"enrich[0].on_error"}},
		{name: "when", edit: func(e *EnrichSpec, _ *Template) { e.When.Operator = "bogus" }, wantPaths: []string{"enrich[0].when"}},
		{name: "no fields", edit: func(e *EnrichSpec, _ *Template) { e.Fields = nil }, wantPaths: []string{"enrich[0].fields"}},
		{name: "bad field path", edit: func(e *EnrichSpec, _ *Template) { e.Fields["email"] = "a[" }, wantPaths: []string{"enrich[0].fields.email"}},
		{name: "no name", edit: func(e *EnrichSpec, _ *Template) { e.Name = "" }, wantPaths: []string{"enrich[0].name"}},
		{name: "dotted name", edit: func(e *EnrichSpec, _ *Template) { e.Name = "a.b" }, wantPaths: []string{"enrich[0].name"}},
		{name: "duplicate name", edit: func(e *EnrichSpec, t *Template) { t.Enrich = append(t.Enrich, *e) },
			wantPaths: []string{"enrich[1].name"}},
		{name: "listing on another origin", edit: func(e *EnrichSpec, t *Template) {
			t.Licenses = &ListingSpec{Request: RequestSpec{URL: "{base_url}/licenses"}, Response: ResponseSpec{Fields: map[string]string{"id": "id"}},
				Enrich: []EnrichSpec{{Name: "x", URL: "https://other.test/{record.id}", Fields: map[string]string{"a": "a"}, Concurrency: 99}}}
		}, wantPaths: []string{"licenses.enrich[0].concurrency", "licenses.enrich[0].url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := MustParseTemplate([]byte(githubEnrichJSON)).Clone()
			tt.edit(&tmpl.Enrich[0], &tmpl)
			err := tmpl.Validate()
			if diff := cmp.Diff(tt.wantPaths, errorPaths(err)); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\nerror: %v", diff, err)
			}
			if len(tt.wantPaths) > 0 {
				if _, err := New(tmpl, "github", Settings{"org": "acme", "api_key": "k"}); err == nil || slices.Equal(errorPaths(err), nil) && !strings.Contains(err.Error(), "enrich") {
					t.Errorf("New accepted the template: %v", err)
				}
			}
		})
	}
}

// An enrich URL led by another setting than the listing's URL may point
// anywhere: it is refused.
func TestEnrichOriginWithSettings(t *testing.T) {
	tmpl := MustParseTemplate([]byte(githubEnrichJSON))
	tmpl.Declared = append(tmpl.Declared, Setting{Name: "profiles_url", Default: "https://profiles.test"})
	tmpl.Enrich[0].URL = "{profiles_url}/users/{record.login}"
	if err := tmpl.Validate(); err == nil || !slices.Contains(errorPaths(err), "enrich[0].url") {
		t.Errorf("Validate: %v, want an error at enrich[0].url", err)
	}
}

// A run cancelled while a page is being enriched is Cancelled, with no
// record errors for the requests it cut short.
func TestEnrichCancelled(t *testing.T) {
	g := &githubOrg{throttle: map[string]int{}, perPage: 10, profiles: map[string]map[string]any{}}
	for i := range 6 {
		login := fmt.Sprintf("user%d", i)
		g.members = append(g.members, member(i+1, login, ""))
		g.profiles[login] = map[string]any{"email": login + "@profile.test"}
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	g.gate = func(_, started int) bool {
		if started == 2 {
			cancel()
		}
		return true
	}
	c := newGitHub(t, g, func(tm *Template) { tm.Enrich[0].OnError = "skip"; tm.Enrich[0].Concurrency = 1 })
	n := 0
	rep, err := c.Run(ctx, func(saasconnect.User) error { n++; return nil })
	if !errors.Is(err, context.Canceled) || rep.Status != Cancelled || len(rep.RecordErrors) != 0 || n != 0 {
		t.Errorf("err %v, status %s, record errors %v, %d users: want context.Canceled, cancelled, none, 0", err, rep.Status, rep.RecordErrors, n)
	}
}

// Enrichment requests share the template's rate limit and retries with
// the listing: under a limit of 10 a second they arrive 100ms apart, and a
// 429 is waited out and retried.
func TestEnrichSharesRateLimitAndRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := &githubOrg{throttle: map[string]int{"/users/carol": 2}, perPage: 10, members: []map[string]any{
			member(1, "alice", ""), member(2, "bob", ""), member(3, "carol", ""), member(4, "dave", ""),
		}, profiles: map[string]map[string]any{
			"alice": {"email": "a@p.test"}, "bob": {"email": "b@p.test"}, "carol": {"email": "c@p.test"}, "dave": {"email": "d@p.test"},
		}}
		h := g.handler()
		tmpl := MustParseTemplate([]byte(githubEnrichJSON))
		tmpl.RateLimit = RateLimit{Requests: 10, Per: "1s"}
		tmpl.Enrich[0].Concurrency = 4
		rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w.Result(), nil
		})
		c, err := New(tmpl, "github", Settings{"org": "acme", "base_url": "https://api.github.test", "api_key": "ghp-secret"},
			WithHTTPClient(&http.Client{Transport: rt}), WithRetry(RetryPolicy{MaxAttempts: 3, MinWait: time.Second, MaxWait: 10 * time.Second}))
		if err != nil {
			t.Fatal(err)
		}
		users, rep, err := runUsers(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(users) != 4 || rep.Enriched != 4 || rep.Requests != 6 || rep.Retries != 1 {
			t.Errorf("%d users, enriched %d, requests %d (want 6), retries %d (want 1)", len(users), rep.Enriched, rep.Requests, rep.Retries)
		}
		for i := 1; i < len(g.arrivals); i++ {
			if gap := g.arrivals[i].Sub(g.arrivals[i-1]); gap < 100*time.Millisecond {
				t.Errorf("request %d arrived %v after the previous one, under the rate limit's 100ms", i, gap)
			}
		}
		if last := g.arrivals[len(g.arrivals)-1].Sub(g.arrivals[0]); last < 2*time.Second {
			t.Errorf("the run took %v: the 429's Retry-After of 2s was not waited out", last)
		}
	})
}
