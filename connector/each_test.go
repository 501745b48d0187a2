package connector

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/internal/transport"
)

// eachVendor serves listings by path (and status query value, as
// "/users?status=active"), paged with page_number (?page_number=&page_size=,
// "items", "page_count"), and logs the requests it answered. A route
// in fail is answered 500.
type eachVendor struct {
	routes map[string][]map[string]any
	fail   map[string]bool
	mu     sync.Mutex
	log    []string
}

func (v *eachVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	route := r.URL.Path
	if s := q.Get("status"); s != "" {
		route += "?status=" + s
	}
	v.mu.Lock()
	v.log = append(v.log, route+"#"+q.Get("page_number"))
	v.mu.Unlock()
	if v.fail[route] {
		http.Error(w, `{"message":"boom"}`, http.StatusInternalServerError)
		return
	}
	recs, ok := v.routes[route]
	if !ok {
		http.NotFound(w, r)
		return
	}
	page, _ := strconv.Atoi(q.Get("page_number"))
	n, _ := strconv.Atoi(q.Get("page_size"))
	from := min((page-1)*n, len(recs))
	to := min(from+n, len(recs))
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"items": recs[from:to], "page_count": max(1, (len(recs)+n-1)/n)})
}

func (v *eachVendor) requests() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	return slices.Clone(v.log)
}

const eachPaging = `{"type": "page_number", "page_field": "page_number", "page_size_field": "page_size", "page_size": 2, "total_pages_path": "page_count"}`

// eachConnector serves v and builds tmplJSON's connector with settings
// (base_url added).
func eachConnector(t *testing.T, v *eachVendor, tmplJSON string, settings Settings) *Connector {
	t.Helper()
	srv := httptest.NewServer(v)
	t.Cleanup(srv.Close)
	tmpl, err := ParseTemplate([]byte(tmplJSON))
	if err != nil {
		t.Fatalf("ParseTemplate: %v", err)
	}
	s := Settings{"base_url": srv.URL}
	for k, val := range settings {
		s[k] = val
	}
	c, err := New(tmpl, "each", s)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func user(id, email string) map[string]any { return map[string]any{"id": id, "email": email} }

// A Zoom-shaped /users?status={each} over three statuses: b is listed as
// active and inactive and delivered once; the walks' pages and requests
// add up in the report; each record's walk value is at _each.
func TestEachZoomStatuses(t *testing.T) {
	v := &eachVendor{routes: map[string][]map[string]any{
		"/users?status=active":   {user("a", "a@x"), user("b", "b@x"), user("c", "c@x")},
		"/users?status=inactive": {user("b", "b@x"), user("d", "d@x")},
		"/users?status=pending":  {},
	}}
	c := eachConnector(t, v, `{"version": 1, "name": "Zoom", "auth": {"method": "none"},
  "settings": [{"name": "base_url"}],
  "request": {"users_url": "{base_url}/users", "query": {"status": "{each}"}},
  "each": {"name": "status", "values": ["active", "inactive", "pending"]},
  "pagination": `+eachPaging+`,
  "response": {"records_path": "items", "fields": {"id": "id", "email": "email", "zoom_status": "_each"}}}`, nil)
	users, rep, err := runUsers(t, c)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.ID+"/"+u.Extra["zoom_status"].(string))
	}
	if diff := cmp.Diff([]string{"a/active", "b/active", "c/active", "d/inactive"}, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	wantReq := []string{"/users?status=active#1", "/users?status=active#2", "/users?status=inactive#1", "/users?status=pending#1"}
	if diff := cmp.Diff(wantReq, v.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if rep.Pages != 4 || rep.Requests != 4 || rep.Seen != 5 || rep.Kept != 4 || rep.Status != Succeeded {
		t.Errorf("report pages %d requests %d seen %d kept %d status %s, want 4 4 5 4 succeeded", rep.Pages, rep.Requests, rep.Seen, rep.Kept, rep.Status)
	}
}

// An Okta-shaped assignments listing, /api/v1/apps/{each}/users walked for
// each application of the applications listing, target_id read from
// _each: u1, in both applications, is two assignments.
func TestEachOktaAppUsers(t *testing.T) {
	v := &eachVendor{routes: map[string][]map[string]any{
		"/api/v1/apps":            {{"id": "app1", "label": "One"}, {"id": "app2", "label": "Two"}, {"id": "app1", "label": "One again"}},
		"/api/v1/apps/app1/users": {{"id": "u1"}},
		"/api/v1/apps/app2/users": {{"id": "u1"}, {"id": "u2"}, {"id": "u3"}},
	}}
	c := eachConnector(t, v, `{"version": 1, "name": "Okta", "auth": {"method": "none"},
  "settings": [{"name": "base_url"}],
  "request": {"users_url": "{base_url}/api/v1/apps"},
  "response": {"records_path": "items", "fields": {"id": "id"}},
  "applications": {"request": {"url": "{base_url}/api/v1/apps"}, "pagination": `+eachPaging+`,
    "response": {"records_path": "items", "fields": {"name": "label"}}},
  "assignments": {"request": {"url": "{base_url}/api/v1/apps/{each}/users"}, "pagination": `+eachPaging+`,
    "kind": "application", "each": {"name": "app", "parent": "applications", "path": "id"},
    "response": {"records_path": "items", "fields": {"user_id": "id", "target_id": "_each"}}}}`, nil)
	var got []string
	for a, err := range c.Assignments(t.Context()) {
		if err != nil {
			t.Fatalf("Assignments: %v", err)
		}
		got = append(got, a.TargetID+"/"+a.UserID)
	}
	if diff := cmp.Diff([]string{"app1/u1", "app2/u1", "app2/u2", "app2/u3"}, got); diff != "" {
		t.Errorf("assignments (-want +got):\n%s", diff)
	}
	// The applications listing is walked once (two pages), app1 once though
	// listed twice.
	want := []string{"/api/v1/apps#1", "/api/v1/apps#2", "/api/v1/apps/app1/users#1", "/api/v1/apps/app2/users#1", "/api/v1/apps/app2/users#2"}
	if diff := cmp.Diff(want, v.requests()); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
}

// A list setting: several Atlassian organisations, one walk each, in the
// setting's order; a user in both is delivered once.
func TestEachSettingOrgs(t *testing.T) {
	v := &eachVendor{routes: map[string][]map[string]any{
		"/admin/v1/orgs/o1/users": {user("a", "a@x"), user("b", "b@x")},
		"/admin/v1/orgs/o2/users": {user("b", "b@x"), user("c", "c@x")},
	}}
	c := eachConnector(t, v, `{"version": 1, "name": "Atlassian", "auth": {"method": "none"},
  "settings": [{"name": "base_url"}, {"name": "org_ids"}],
  "request": {"users_url": "{base_url}/admin/v1/orgs/{each}/users"},
  "each": {"name": "org", "setting": "org_ids"},
  "pagination": `+eachPaging+`,
  "response": {"records_path": "items", "fields": {"id": "id", "email": "email"}}}`, Settings{"org_ids": " o2, o1 ,"})
	users, rep, err := runUsers(t, c)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var got []string
	for _, u := range users {
		got = append(got, u.ID)
	}
	if diff := cmp.Diff([]string{"b", "c", "a"}, got); diff != "" {
		t.Errorf("users (-want +got):\n%s", diff)
	}
	if rep.Pages != 2 || rep.Requests != 2 {
		t.Errorf("report pages %d requests %d, want 2 2", rep.Pages, rep.Requests)
	}
}

// A failed walk fails the run, naming the fan-out and its value; the
// earlier walks' users were delivered (Partial). A failed parent walk
// fails the child listing.
func TestEachFailedWalk(t *testing.T) {
	v := &eachVendor{
		routes: map[string][]map[string]any{"/admin/v1/orgs/o1/users": {user("a", "a@x")}},
		fail:   map[string]bool{"/admin/v1/orgs/o2/users": true, "/api/v1/apps": true},
	}
	c := eachConnector(t, v, `{"version": 1, "name": "Atlassian", "auth": {"method": "none"},
  "settings": [{"name": "base_url"}, {"name": "org_ids"}],
  "request": {"users_url": "{base_url}/admin/v1/orgs/{each}/users"},
  "each": {"name": "org", "setting": "org_ids"},
  "pagination": `+eachPaging+`,
  "response": {"records_path": "items", "fields": {"id": "id", "email": "email"}},
  "applications": {"request": {"url": "{base_url}/api/v1/apps"}, "response": {"records_path": "items", "fields": {"id": "id"}}},
  "assignments": {"request": {"url": "{base_url}/api/v1/apps/{each}/users"}, "kind": "application",
    "each": {"name": "app", "parent": "applications", "path": "id"},
    "response": {"records_path": "items", "fields": {"user_id": "id", "target_id": "_each"}}}}`, Settings{"org_ids": "o1,o2,o3"})
	users, rep, err := runUsers(t, c)
	var he *HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusInternalServerError {
		t.Fatalf("Run error = %v, want an *HTTPError 500", err)
	}
	if !strings.Contains(err.Error(), `each "org" = "o2"`) {
		t.Errorf("Run error %q does not name the walk", err)
	}
	if len(users) != 1 || rep.Status != Partial || rep.Walked {
		t.Errorf("users %d status %s walked %v, want 1 partial false", len(users), rep.Status, rep.Walked)
	}
	if slices.Contains(v.requests(), "/admin/v1/orgs/o3/users#1") {
		t.Error("the walk went on after the failed one")
	}
	var n int
	for _, err := range c.Assignments(t.Context()) {
		n++
		if !errors.As(err, &he) || !strings.Contains(err.Error(), `each "app"`) {
			t.Errorf("Assignments error = %v, want the parent's 500 naming each \"app\"", err)
		}
	}
	if n != 1 {
		t.Errorf("Assignments yielded %d values, want one error", n)
	}
}

// A fanned-out users listing is not resumable from a checkpoint taken
// before its end.
func TestEachNotResumable(t *testing.T) {
	v := &eachVendor{routes: map[string][]map[string]any{
		"/users?status=active": {user("a", "a@x"), user("b", "b@x"), user("c", "c@x")},
		"/users?status=gone":   {user("d", "d@x")},
	}}
	c := eachConnector(t, v, `{"version": 1, "name": "Zoom", "auth": {"method": "none"},
  "settings": [{"name": "base_url"}],
  "request": {"users_url": "{base_url}/users", "query": {"status": "{each}"}},
  "each": {"name": "status", "values": ["active", "gone"]},
  "pagination": `+eachPaging+`,
  "response": {"records_path": "items", "fields": {"id": "id", "email": "email"}}}`, nil)
	var cps []Checkpoint
	for p, err := range c.Pages(t.Context(), Checkpoint{}) {
		if err != nil {
			t.Fatalf("Pages: %v", err)
		}
		cps = append(cps, p.Checkpoint)
	}
	if len(cps) != 3 {
		t.Fatalf("%d pages, want 3", len(cps))
	}
	for i, cp := range cps[:2] {
		_, err := c.RunFrom(t.Context(), cp, func(saasconnect.User) error { return nil })
		if !errors.Is(err, ErrNotResumable) || cp.Done() {
			t.Errorf("RunFrom(checkpoint %d, done %v) = %v, want ErrNotResumable", i, cp.Done(), err)
		}
	}
	// The last page's checkpoint is the run's end: nothing is left.
	if !cps[2].Done() {
		t.Error("the last page's checkpoint is not Done")
	}
	rep, err := c.RunFrom(t.Context(), cps[2], func(saasconnect.User) error { return nil })
	if err != nil || rep.Kept != 0 {
		t.Errorf("RunFrom(done) = kept %d, %v; want 0, nil", rep.Kept, err)
	}
}

// Validate locates each's problems under the listing's "each".
func TestEachValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Template)
		want []string
	}{
		{"valid users", func(t *Template) {
			t.Request.Query = QueryValues{"status": {"{each}"}}
			t.Each = &EachSpec{Name: "status", Values: []string{"a", "b"}}
		}, nil},
		{"valid parent", func(t *Template) {
			t.Assignments.Request.URL = "{base_url}/apps/{each}/users"
			t.Assignments.Each = &EachSpec{Name: "app", Parent: ResourceApplications, Path: "id"}
		}, nil},
		{"each without each", func(t *Template) { t.Request.UsersURL = "{base_url}/orgs/{each}/users" }, []string{"request.users_url"}},
		{"resource each without each", func(t *Template) { t.Licenses.Request.URL = "{base_url}/orgs/{each}" }, []string{"licenses.request.url"}},
		{"empty values", func(t *Template) {
			t.Request.Query = QueryValues{"status": {"{each}"}}
			t.Each = &EachSpec{Name: "status", Values: []string{}}
		}, []string{"each.values"}},
		{"blank value", func(t *Template) {
			t.Request.Query = QueryValues{"status": {"{each}"}}
			t.Each = &EachSpec{Name: "status", Values: []string{"a", " "}}
		}, []string{"each.values[1]"}},
		{"no name, two sources", func(t *Template) {
			t.Request.Query = QueryValues{"status": {"{each}"}}
			t.Each = &EachSpec{Values: []string{"a"}, Setting: "base_url"}
		}, []string{"each", "each.name"}},
		{"undeclared setting", func(t *Template) {
			t.Request.UsersURL = "{base_url}/orgs/{each}/users"
			t.Each = &EachSpec{Name: "org", Setting: "org_ids"}
		}, []string{"each.setting"}},
		{"unused", func(t *Template) { t.Each = &EachSpec{Name: "status", Values: []string{"a"}} }, []string{"each"}},
		{"parent undeclared", func(t *Template) {
			t.Licenses.Request.URL = "{base_url}/x/{each}"
			t.Assignments = nil
			t.Licenses.Each = &EachSpec{Name: "a", Parent: ResourceAssignments, Path: "id"}
		}, []string{"licenses.each.parent"}},
		{"parent itself", func(t *Template) {
			t.Licenses.Request.URL = "{base_url}/x/{each}"
			t.Licenses.Each = &EachSpec{Name: "a", Parent: ResourceLicenses, Path: "id"}
		}, []string{"licenses.each.parent"}},
		{"parent users", func(t *Template) {
			t.Licenses.Request.URL = "{base_url}/x/{each}"
			t.Licenses.Each = &EachSpec{Name: "a", Parent: ResourceUsers, Path: "id"}
		}, []string{"licenses.each.parent"}},
		{"parent fans out", func(t *Template) {
			t.Licenses.Request.URL = "{base_url}/x/{each}"
			t.Licenses.Each = &EachSpec{Name: "a", Parent: ResourceApplications, Path: "id"}
			t.Applications.Request.URL = "{base_url}/y/{each}"
			t.Applications.Each = &EachSpec{Name: "b", Values: []string{"1"}}
		}, []string{"licenses.each.parent"}},
		{"parent path", func(t *Template) {
			t.Licenses.Request.URL = "{base_url}/x/{each}"
			t.Licenses.Each = &EachSpec{Name: "a", Parent: ResourceApplications, Path: "[["}
		}, []string{"licenses.each.path"}},
		{"path without parent", func(t *Template) {
			t.Licenses.Request.URL = "{base_url}/x/{each}"
			t.Licenses.Each = &EachSpec{Name: "a", Values: []string{"1"}, Path: "id"}
		}, []string{"licenses.each.path"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tmpl := MustParseTemplate([]byte(resourcesJSON))
			tc.edit(&tmpl)
			err := tmpl.Validate()
			var got []string
			for _, e := range unjoin(err) {
				var te *TemplateError
				if !errors.As(e, &te) {
					t.Fatalf("error %v is no *TemplateError", e)
				}
				got = append(got, te.Path)
			}
			slices.Sort(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error paths (-want +got):\n%s\nerror: %v", diff, err)
			}
		})
	}
}

// Test probes the first page of the first value's walk.
func TestEachConnectorTestProbesFirstValue(t *testing.T) {
	v := &eachVendor{routes: map[string][]map[string]any{
		"/admin/v1/orgs/o1/users": {user("a", "a@x")},
	}}
	c := eachConnector(t, v, `{"version": 1, "name": "Atlassian", "auth": {"method": "none"},
  "settings": [{"name": "base_url"}, {"name": "org_ids"}],
  "request": {"users_url": "{base_url}/admin/v1/orgs/{each}/users"},
  "each": {"name": "org", "setting": "org_ids"},
  "pagination": `+eachPaging+`,
  "response": {"records_path": "items", "fields": {"id": "id", "email": "email"}}}`, Settings{"org_ids": "o1,o2"})
	if err := c.Test(t.Context()); err != nil {
		t.Fatalf("Test: %v", err)
	}
	if got := v.requests(); len(got) != 1 || got[0] != "/admin/v1/orgs/o1/users#1" {
		t.Errorf("Test requested %v, want the first page of org o1", got)
	}
}

// {each} is escaped for its position, as a setting's value: in the path,
// a '/' is %2F; in the query, URL-encoded; in the body, a JSON string.
func TestEachFirstEscaping(t *testing.T) {
	c := eachConnector(t, &eachVendor{}, `{"version": 1, "name": "Esc", "auth": {"method": "none"},
  "settings": [{"name": "base_url"}],
  "request": {"users_url": "{base_url}/orgs/{each}/users", "method": "POST", "query": {"q": "{each}"}, "body": {"filter": "{each}"}},
  "each": {"name": "org", "values": ["a/b c&d"]},
  "response": {"records_path": "items", "fields": {"id": "id"}}}`, nil)
	req, err := c.eachFirst(t.Context(), c.each, "a/b c&d", transport.Origin(c.first.URL))
	if err != nil {
		t.Fatalf("eachFirst: %v", err)
	}
	if got, want := req.URL.EscapedPath(), "/orgs/a%2Fb%20c&d/users"; got != want {
		t.Errorf("path %q, want %q", got, want)
	}
	if got := req.URL.Query().Get("q"); got != "a/b c&d" {
		t.Errorf("query q = %q, want the value", got)
	}
	if got := req.Body["filter"]; got != "a/b c&d" {
		t.Errorf("body filter = %v, want the value", got)
	}
	// A value cannot move the request off the listing's origin.
	if _, err := c.eachFirst(t.Context(), c.each, "x", "https://elsewhere.test"); err == nil {
		t.Error("eachFirst on another origin: no error")
	}
}
