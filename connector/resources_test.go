package connector

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect"
)

// resourcesJSON declares users and the three resource listings, each with
// another pagination style, behind one OAuth2 token.
const resourcesJSON = `{
  "version": 1,
  "name": "Tenant",
  "settings": [{"name": "base_url", "default": "https://tenant.test"}],
  "auth": {"method": "oauth2", "grant_type": "client_credentials", "token_url": "{base_url}/oauth/token", "client_auth": "body"},
  "request": {"users_url": "{base_url}/users"},
  "pagination": {"type": "page_number", "page_field": "page", "page_size_field": "per_page", "page_size": 2},
  "response": {"records_path": "users", "fields": {"id": "id", "email": "mail", "licenses": "assignedLicenses[*].skuId"}},
  "licenses": {
    "request": {"url": "{base_url}/licenses"},
    "pagination": {"type": "cursor_limit", "cursor_field": "cursor", "cursor_path": "next", "limit_field": "limit", "page_size": 2},
    "response": {"records_path": "value", "fields": {"id": "skuId", "name": "skuPartNumber", "product": "product",
      "total": "prepaidUnits.enabled", "assigned": "consumedUnits", "capability": "capabilityStatus"}},
    "filters": [{"field": "capabilityStatus", "operator": "not_equal", "value": "Deleted"}]
  },
  "applications": {
    "request": {"url": "{base_url}/apps"},
    "pagination": {"type": "next_url", "next_url_path": "links.next"},
    "response": {"records_path": "apps", "fields": {"id": "id", "name": "name", "label": "label", "status": "status",
      "sign_on_mode": "signOnMode", "created": "created", "last_used": "lastUsed", "assigned_users": "assigned"},
      "status_values": {"ACTIVE": "active", "INACTIVE": "inactive"}}
  },
  "assignments": {
    "kind": "license",
    "request": {"url": "{base_url}/assignments"},
    "pagination": {"type": "offset_limit", "offset_field": "offset", "limit_field": "limit", "page_size": 2, "total_path": "total"},
    "response": {"records_path": "rows", "fields": {"target_id": "sku", "user_id": "user", "last_used": "lastUsed"}}
  }
}`

// tenant is an in-process vendor serving resourcesJSON's listings. It
// counts token requests and requests by path; every listing request must
// carry the token.
type tenant struct {
	mu       sync.Mutex
	tokens   int
	requests map[string]int
	times    []time.Time // when each listing request arrived (synctest clock)
	fail     string      // a path answered 500
}

func newTenant() *tenant { return &tenant{requests: map[string]int{}} }

func (tn *tenant) transport() http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		w := httptest.NewRecorder()
		tn.ServeHTTP(w, r)
		return w.Result(), nil
	})
}

func (tn *tenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tn.mu.Lock()
	defer tn.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/oauth/token" {
		tn.tokens++
		fmt.Fprint(w, `{"access_token": "tok-1", "token_type": "Bearer", "expires_in": 3600}`)
		return
	}
	if r.Header.Get("Authorization") != "Bearer tok-1" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	tn.requests[r.URL.Path]++
	tn.times = append(tn.times, time.Now())
	if r.URL.Path == tn.fail {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case "/users":
		switch q.Get("page") {
		case "1", "":
			fmt.Fprint(w, `{"users": [{"id": "u1", "mail": "ada@example.com", "assignedLicenses": [{"skuId": "E3"}, {"skuId": "E5"}]},
			                          {"id": "u2", "mail": "bob@example.com", "assignedLicenses": []}]}`)
		default:
			fmt.Fprint(w, `{"users": [{"id": "u3", "mail": "cy@example.com", "assignedLicenses": [{"skuId": "E3"}]}]}`)
		}
	case "/licenses":
		if q.Get("cursor") == "" {
			fmt.Fprint(w, `{"value": [{"skuId": "E3", "skuPartNumber": "ENTERPRISEPACK", "product": "Office", "prepaidUnits": {"enabled": 25}, "consumedUnits": 0, "capabilityStatus": "Enabled"},
			                          {"skuId": "OLD", "skuPartNumber": "RETIRED", "capabilityStatus": "Deleted"}], "next": "c2"}`)
		} else {
			fmt.Fprint(w, `{"value": [{"skuId": "E5", "skuPartNumber": "ENTERPRISEPREMIUM", "consumedUnits": "3"}]}`)
		}
	case "/apps":
		if q.Get("after") == "" {
			fmt.Fprintf(w, `{"apps": [{"id": "a1", "name": "salesforce", "label": "Salesforce", "status": "ACTIVE", "signOnMode": "SAML_2_0",
			                          "created": "2024-01-02T03:04:05Z", "lastUsed": "2026-11-01T00:00:00Z", "assigned": 12}],
			                 "links": {"next": "https://tenant.test/apps?after=a1"}}`)
		} else {
			fmt.Fprint(w, `{"apps": [{"id": "a2", "name": "slack", "status": "INACTIVE", "signOnMode": "OPENID_CONNECT"}], "links": {}}`)
		}
	case "/assignments":
		off, _ := strconv.Atoi(q.Get("offset"))
		rows := []string{`{"sku": "E3", "user": "u1", "lastUsed": "2026-10-01T00:00:00Z"}`, `{"sku": "E5", "user": "u1"}`, `{"sku": "E3", "user": "u3"}`}
		end := min(off+2, len(rows))
		fmt.Fprintf(w, `{"rows": [%s], "total": %d}`, strings.Join(rows[off:end], ","), len(rows))
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

var tenantSettings = Settings{"client_id": "cid", "client_secret": "tenant-secret"}

func newTenantConnector(t *testing.T, tn *tenant, opts ...Option) *Connector {
	t.Helper()
	tmpl := MustParseTemplate([]byte(resourcesJSON))
	c, err := New(tmpl, "tenant", tenantSettings, append([]Option{WithHTTPClient(&http.Client{Transport: tn.transport()})}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func intp(n int) *int { return &n }

func TestResourceIterators(t *testing.T) {
	tn := newTenant()
	c := newTenantConnector(t, tn)
	if diff := cmp.Diff([]Resource{ResourceUsers, ResourceLicenses, ResourceApplications, ResourceAssignments}, c.Resources()); diff != "" {
		t.Errorf("Resources() (-want +got):\n%s", diff)
	}

	var users []saasconnect.User
	for u, err := range c.Users(t.Context()) {
		if err != nil {
			t.Fatalf("Users: %v", err)
		}
		users = append(users, u)
	}
	wantLicenses := [][]string{{"E3", "E5"}, nil, {"E3"}}
	for i, u := range users {
		if diff := cmp.Diff(wantLicenses[i], u.Licenses); diff != "" {
			t.Errorf("user %s Licenses (-want +got):\n%s", u.ID, diff)
		}
	}

	var licenses []saasconnect.License
	for l, err := range c.Licenses(t.Context()) {
		if err != nil {
			t.Fatalf("Licenses: %v", err)
		}
		licenses = append(licenses, l)
	}
	wantL := []saasconnect.License{
		{ID: "E3", Name: "ENTERPRISEPACK", Product: "Office", Total: intp(25), Assigned: intp(0), Connector: "tenant", Extra: map[string]any{"capability": "Enabled"}},
		{ID: "E5", Name: "ENTERPRISEPREMIUM", Assigned: intp(3), Connector: "tenant"},
	}
	if diff := cmp.Diff(wantL, licenses); diff != "" {
		t.Errorf("licenses (-want +got):\n%s", diff)
	}

	var apps []saasconnect.Application
	for a, err := range c.Applications(t.Context()) {
		if err != nil {
			t.Fatalf("Applications: %v", err)
		}
		apps = append(apps, a)
	}
	wantA := []saasconnect.Application{
		{ID: "a1", Name: "salesforce", Label: "Salesforce", Status: "active", SignOnMode: "SAML_2_0",
			Created: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), LastUsed: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC),
			AssignedUsers: intp(12), Connector: "tenant"},
		{ID: "a2", Name: "slack", Status: "inactive", SignOnMode: "OPENID_CONNECT", Connector: "tenant"},
	}
	if diff := cmp.Diff(wantA, apps); diff != "" {
		t.Errorf("applications (-want +got):\n%s", diff)
	}

	var asg []saasconnect.Assignment
	for a, err := range c.Assignments(t.Context()) {
		if err != nil {
			t.Fatalf("Assignments: %v", err)
		}
		asg = append(asg, a)
	}
	wantG := []saasconnect.Assignment{
		{Kind: "license", TargetID: "E3", UserID: "u1", LastUsed: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Connector: "tenant"},
		{Kind: "license", TargetID: "E5", UserID: "u1", Connector: "tenant"},
		{Kind: "license", TargetID: "E3", UserID: "u3", Connector: "tenant"},
	}
	if diff := cmp.Diff(wantG, asg); diff != "" {
		t.Errorf("assignments (-want +got):\n%s", diff)
	}

	// One token for every listing; each listing paged in its own style.
	tn.mu.Lock()
	defer tn.mu.Unlock()
	if diff := cmp.Diff(1, tn.tokens); diff != "" {
		t.Errorf("token requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]int{"/users": 2, "/licenses": 2, "/apps": 2, "/assignments": 2}, tn.requests); diff != "" {
		t.Errorf("requests by path (-want +got):\n%s", diff)
	}
}

func TestRunAll(t *testing.T) {
	tests := []struct {
		name       string
		fail       string // a path the tenant answers 500
		wantStatus map[Resource]RunStatus
		wantKept   map[Resource]int
	}{
		{name: "all succeed",
			wantStatus: map[Resource]RunStatus{ResourceUsers: Succeeded, ResourceLicenses: Succeeded, ResourceApplications: Succeeded, ResourceAssignments: Succeeded},
			wantKept:   map[Resource]int{ResourceUsers: 3, ResourceLicenses: 2, ResourceApplications: 2, ResourceAssignments: 3}},
		{name: "one listing fails, the others run", fail: "/licenses",
			wantStatus: map[Resource]RunStatus{ResourceUsers: Succeeded, ResourceLicenses: Failed, ResourceApplications: Succeeded, ResourceAssignments: Succeeded},
			wantKept:   map[Resource]int{ResourceUsers: 3, ResourceLicenses: 0, ResourceApplications: 2, ResourceAssignments: 3}},
		{name: "users fail, the others run", fail: "/users",
			wantStatus: map[Resource]RunStatus{ResourceUsers: Failed, ResourceLicenses: Succeeded, ResourceApplications: Succeeded, ResourceAssignments: Succeeded},
			wantKept:   map[Resource]int{ResourceUsers: 0, ResourceLicenses: 2, ResourceApplications: 2, ResourceAssignments: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) { // the 500s are retried: fake time
				tn := newTenant()
				tn.fail = tt.fail
				var progress []Progress
				c := newTenantConnector(t, tn, WithProgress(func(p Progress) { progress = append(progress, p) }))
				got := map[Resource]int{}
				reps, err := c.RunAll(t.Context(), Sinks{
					Users:        func(saasconnect.User) error { got[ResourceUsers]++; return nil },
					Licenses:     func(saasconnect.License) error { got[ResourceLicenses]++; return nil },
					Applications: func(saasconnect.Application) error { got[ResourceApplications]++; return nil },
					Assignments:  func(saasconnect.Assignment) error { got[ResourceAssignments]++; return nil },
				})
				if (err != nil) != (tt.fail != "") {
					t.Errorf("RunAll error = %v, want an error: %v", err, tt.fail != "")
				}
				status, kept := map[Resource]RunStatus{}, map[Resource]int{}
				for r, rep := range reps {
					if rep.Resource != r {
						t.Errorf("reps[%s].Resource = %q", r, rep.Resource)
					}
					status[r], kept[r] = rep.Status, rep.Kept
				}
				if diff := cmp.Diff(tt.wantStatus, status); diff != "" {
					t.Errorf("statuses (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tt.wantKept, kept); diff != "" {
					t.Errorf("kept (-want +got):\n%s", diff)
				}
				delivered := map[Resource]int{}
				for r, n := range tt.wantKept {
					if n > 0 {
						delivered[r] = n
					}
				}
				if diff := cmp.Diff(delivered, got); diff != "" {
					t.Errorf("records delivered to the sinks (-want +got):\n%s", diff)
				}
				if tt.fail == "/licenses" && (err == nil || !strings.Contains(err.Error(), `connector "tenant": licenses: page 1:`)) {
					t.Errorf("error %v does not name the licenses listing", err)
				}
				if diff := cmp.Diff(1, reps[ResourceLicenses].Filtered); tt.fail == "" && diff != "" {
					t.Errorf("licenses filtered by the listing's filters (-want +got):\n%s", diff)
				}
				var seen []Resource
				for _, p := range progress {
					if !slices.Contains(seen, p.Resource) {
						seen = append(seen, p.Resource)
					}
					if p.Resource != ResourceUsers && p.Users != 0 {
						t.Errorf("progress of %s counts users: %+v", p.Resource, p)
					}
				}
				var want []Resource
				for _, r := range c.Resources() {
					if tt.wantStatus[r] != Failed {
						want = append(want, r)
					}
				}
				if diff := cmp.Diff(want, seen); diff != "" {
					t.Errorf("progress resources (-want +got):\n%s", diff)
				}
			})
		})
	}
}

// One rate limiter for the tenant: requests of every listing together keep
// to the template's rate_limit.
func TestResourcesShareRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tn := newTenant()
		tmpl := MustParseTemplate([]byte(resourcesJSON))
		tmpl.RateLimit = RateLimit{Requests: 2, Per: "1s"}
		c, err := New(tmpl, "tenant", tenantSettings, WithHTTPClient(&http.Client{Transport: tn.transport()}))
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		start := time.Now()
		if _, err := c.RunAll(t.Context(), Sinks{}); err != nil {
			t.Fatalf("RunAll: %v", err)
		}
		tn.mu.Lock()
		defer tn.mu.Unlock()
		// 8 listing requests and 1 token request at 2 per second, burst 1:
		// request k goes at (k-1)/2 seconds at the earliest.
		if diff := cmp.Diff(8, len(tn.times)); diff != "" {
			t.Fatalf("listing requests (-want +got):\n%s", diff)
		}
		for i, at := range tn.times {
			k := i + 1 // the token request went first
			if earliest := time.Duration(k) * 500 * time.Millisecond; at.Sub(start) < earliest {
				t.Errorf("listing request %d at %v, before %v: the listings do not share the limiter", i, at.Sub(start), earliest)
			}
		}
		for i := 1; i < len(tn.times); i++ {
			if gap := tn.times[i].Sub(tn.times[i-1]); gap < 500*time.Millisecond {
				t.Errorf("requests %d and %d %v apart, under the 500ms the limit allows", i-1, i, gap)
			}
		}
	})
}

func TestResourceNotDeclared(t *testing.T) {
	f := newFakeVendor(t, 2, "", AuthAPIKey)
	c, err := New(f.template("https://vendor.test"), "plain", f.settings(), WithHTTPClient(&http.Client{Transport: f.transport()}))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if diff := cmp.Diff([]Resource{ResourceUsers}, c.Resources()); diff != "" {
		t.Errorf("Resources() (-want +got):\n%s", diff)
	}
	n := 0
	for _, err := range c.Licenses(t.Context()) {
		n++
		if !errors.Is(err, ErrNotDeclared) {
			t.Errorf("Licenses error %v is not ErrNotDeclared", err)
		}
	}
	if n != 1 {
		t.Errorf("Licenses yielded %d values, want the one error", n)
	}
	reps, err := c.RunAll(t.Context(), Sinks{})
	if err != nil {
		t.Fatalf("RunAll: %v", err)
	}
	if diff := cmp.Diff([]Resource{ResourceUsers}, slices.Sorted(maps.Keys(reps))); diff != "" {
		t.Errorf("RunAll reports (-want +got):\n%s", diff)
	}
}

// Records of a resource that cannot be mapped are skipped and reported
// last, located, as for users.
func TestResourceRecordErrors(t *testing.T) {
	tmpl := MustParseTemplate([]byte(resourcesJSON))
	tmpl.Licenses.Response.Fields["total"] = "capabilityStatus" // "Enabled": not an integer
	tn := newTenant()
	c, err := New(tmpl, "tenant", tenantSettings, WithHTTPClient(&http.Client{Transport: tn.transport()}))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	var ids []string
	var last error
	for l, err := range c.Licenses(t.Context()) {
		if err != nil {
			last = err
			continue
		}
		ids = append(ids, l.ID)
	}
	if diff := cmp.Diff([]string{"E5"}, ids); diff != "" {
		t.Errorf("licenses mapped (-want +got):\n%s", diff)
	}
	if last == nil || !strings.Contains(last.Error(), `page 1, record 0: mapping: field "total" path "capabilityStatus": want an integer, got "Enabled"`) {
		t.Errorf("last error = %v, want the located record error", last)
	}
}

func TestResourceTest(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Template)
		wantErr string
	}{
		{name: "every listing maps", edit: func(*Template) {}},
		{name: "applications records do not map",
			edit: func(t *Template) {
				t.Applications.Response.Fields = map[string]string{"id": "appId"}
				t.Applications.Response.StatusValues = nil
			},
			wantErr: "applications listing: test failed (mapping)"},
		{name: "assignments wrong records path",
			edit:    func(t *Template) { t.Assignments.Response.RecordsPath = "data" },
			wantErr: "assignments listing: test failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := MustParseTemplate([]byte(resourcesJSON))
			tt.edit(&tmpl)
			tn := newTenant()
			c, err := New(tmpl, "tenant", tenantSettings, WithHTTPClient(&http.Client{Transport: tn.transport()}))
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			err = c.Test(t.Context())
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Test: %v", err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Test error = %v, want %q", err, tt.wantErr)
			} else if te := (*TestError)(nil); !errors.As(err, &te) {
				t.Errorf("Test error %v holds no *TestError", err)
			}
			tn.mu.Lock()
			defer tn.mu.Unlock()
			if diff := cmp.Diff(map[string]int{"/users": 1, "/licenses": 1, "/apps": 1, "/assignments": 1}, tn.requests); diff != "" {
				t.Errorf("Test requests: one first page per listing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResourceValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(string) string // on resourcesJSON
		want []string            // the error paths
	}{
		{name: "valid", edit: func(s string) string { return s }},
		{name: "bad integer field path",
			edit: func(s string) string {
				return strings.Replace(s, `"total": "prepaidUnits.enabled"`, `"total": "prepaidUnits[enabled"`, 1)
			},
			want: []string{"licenses.response.fields.total"}},
		{name: "unknown assignments field, no extras",
			edit: func(s string) string {
				return strings.Replace(s, `"user_id": "user"`, `"user_id": "user", "team": "t"`, 1)
			},
			want: []string{"assignments.response.fields.team"}},
		{name: "users_url in a listing, url missing",
			edit: func(s string) string {
				return strings.Replace(s, `"request": {"url": "{base_url}/apps"}`, `"request": {"users_url": "{base_url}/apps"}`, 1)
			},
			want: []string{"applications.request.url", "applications.request.users_url"}},
		{name: "url in the users listing",
			edit: func(s string) string {
				return strings.Replace(s, `"request": {"users_url": "{base_url}/users"}`, `"request": {"users_url": "{base_url}/users", "url": "{base_url}/x"}`, 1)
			},
			want: []string{"request.url"}},
		{name: "placeholder and pagination of a listing",
			edit: func(s string) string {
				s = strings.Replace(s, `{base_url}/licenses`, `{base_url}/{tenant}/licenses`, 1)
				return strings.Replace(s, `"cursor_path": "next", `, ``, 1)
			},
			want: []string{"licenses.request.url", "licenses.pagination.cursor_path"}},
		{name: "kind",
			edit: func(s string) string { return strings.Replace(s, `"kind": "license"`, `"kind": "seat"`, 1) },
			want: []string{"assignments.kind"}},
		{name: "assignments without kind or target",
			edit: func(s string) string {
				s = strings.Replace(s, `"kind": "license",`, ``, 1)
				return strings.Replace(s, `"target_id": "sku", `, ``, 1)
			},
			want: []string{"assignments.response.fields.target_id", "assignments.kind"}},
		{name: "licenses with status_values and no identity",
			edit: func(s string) string {
				return strings.Replace(s, `"fields": {"id": "skuId", "name": "skuPartNumber",`, `"status_values": {"A": "active"}, "fields": {`, 1)
			},
			want: []string{"licenses.response.fields.id", "licenses.response.status_values"}},
		{name: "filters of a listing",
			edit: func(s string) string { return strings.Replace(s, `"operator": "not_equal"`, `"operator": "unlike"`, 1) },
			want: []string{"licenses.filters[0].operator"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := ParseTemplate([]byte(tt.edit(resourcesJSON)))
			if err != nil {
				t.Fatalf("ParseTemplate: %v", err)
			}
			var got []string
			for _, e := range unjoin(tmpl.Validate()) {
				var te *TemplateError
				if !errors.As(e, &te) {
					t.Fatalf("%v is not a *TemplateError", e)
				}
				got = append(got, te.Path)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("error paths (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResourceParseTemplate(t *testing.T) {
	for _, tt := range []struct{ doc, want string }{
		{`{"version": 1, "groups": {"request": {"url": "https://x.test/g"}}}`, `template: groups: unknown key "groups"`},
		{`{"version": 1, "licenses": {"request": {"url": "https://x.test/l"}, "activity": {}}}`, `template: licenses.activity: unknown key "activity"`},
		{`{"version": 1, "licenses": {"response": {"feilds": {}}}}`, `template: licenses.response.feilds: unknown key "feilds"`},
	} {
		_, err := ParseTemplate([]byte(tt.doc))
		if err == nil || err.Error() != tt.want {
			t.Errorf("ParseTemplate(%s) = %v, want %q", tt.doc, err, tt.want)
		}
	}
}

// A resource listing on another origin than the users listing is refused
// at New: the credentials would go there.
func TestResourceOtherOrigin(t *testing.T) {
	tmpl := MustParseTemplate([]byte(resourcesJSON))
	tmpl.Licenses.Request.URL = "https://elsewhere.test/licenses"
	_, err := New(tmpl, "tenant", tenantSettings)
	if err == nil || !strings.Contains(err.Error(), "licenses.request.url: on https://elsewhere.test, not on the users listing's origin https://tenant.test") {
		t.Errorf("New error = %v", err)
	}
}

// An ldap source lists users only: each resource block is an error.
func TestResourceLDAPSource(t *testing.T) {
	tmpl := MustParseTemplate([]byte(resourcesJSON))
	tmpl.Source = SourceLDAP
	var got []string
	for _, e := range unjoin(tmpl.Validate()) {
		var te *TemplateError
		if errors.As(e, &te) && slices.Contains([]string{"licenses", "applications", "assignments"}, te.Path) {
			got = append(got, te.Path+": "+te.Err.Error())
		}
	}
	want := []string{"licenses: an ldap source lists users only", "applications: an ldap source lists users only", "assignments: an ldap source lists users only"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("resource errors (-want +got):\n%s", diff)
	}
}

// A listing's success_path is checked on that listing's pages only.
func TestResourceSuccessPath(t *testing.T) {
	tmpl := MustParseTemplate([]byte(resourcesJSON))
	tmpl.Licenses.Response.SuccessPath = "ok" // the tenant's license pages have none: failed
	tn := newTenant()
	c, err := New(tmpl, "tenant", tenantSettings, WithHTTPClient(&http.Client{Transport: tn.transport()}))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	reps, err := c.RunAll(t.Context(), Sinks{})
	var re *ResponseError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), `connector "tenant": licenses: page 1:`) {
		t.Errorf("RunAll error = %v, want a *ResponseError on the licenses listing", err)
	}
	status := map[Resource]RunStatus{}
	for r, rep := range reps {
		status[r] = rep.Status
		assertNoSecrets(t, rep.Err)
		if strings.Contains(rep.Err, "tenant-secret") || strings.Contains(rep.Err, "tok-1") {
			t.Errorf("report of %s leaks a credential: %s", r, rep.Err)
		}
	}
	want := map[Resource]RunStatus{ResourceUsers: Succeeded, ResourceLicenses: Failed, ResourceApplications: Succeeded, ResourceAssignments: Succeeded}
	if diff := cmp.Diff(want, status); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
}
