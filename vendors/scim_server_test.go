package vendors

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

// This file runs the scim template against a real SCIM 2.0 server, the
// github.com/elimity-com/scim implementation, serving an in-memory user
// store on loopback: the template must walk every page the library's
// ListResponse describes and map every user exactly once.

const (
	scimServerUsers = 257 // not a multiple of any page size below
	scimServerToken = "scim-server-test-token"
	enterpriseURN   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
)

// memUsers is an in-memory scim.ResourceHandler holding users in a fixed
// order. Only the reads are served; the listing never writes.
type memUsers struct {
	users []scim.Resource
}

func (m *memUsers) GetAll(_ *http.Request, p scim.ListRequestParams) (scim.Page, error) {
	// The library has already capped Count at the server's MaxResults and
	// raised StartIndex to at least 1.
	start := min(p.StartIndex-1, len(m.users))
	end := min(start+p.Count, len(m.users))
	return scim.Page{TotalResults: len(m.users), Resources: m.users[start:end]}, nil
}

func (m *memUsers) Get(_ *http.Request, id string) (scim.Resource, error) {
	for _, u := range m.users {
		if u.ID == id {
			return u, nil
		}
	}
	return scim.Resource{}, scimerrors.ScimErrorResourceNotFound(id)
}

func (m *memUsers) Create(*http.Request, scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{}, scimerrors.ScimErrorMutability
}

func (m *memUsers) Replace(*http.Request, string, scim.ResourceAttributes) (scim.Resource, error) {
	return scim.Resource{}, scimerrors.ScimErrorMutability
}

func (m *memUsers) Delete(*http.Request, string) error { return scimerrors.ScimErrorMutability }

func (m *memUsers) Patch(*http.Request, string, []scim.PatchOperation) (scim.Resource, error) {
	return scim.Resource{}, scimerrors.ScimErrorMutability
}

// scimServerUser builds generated user i (1-based) and the user the scim
// template must map it to. Every tenth user is inactive; user 7 has no
// emails and an e-mail userName; user 11 has three emails, the second one
// primary; every user carries the enterprise extension.
func scimServerUser(i int) (scim.Resource, saasconnect.User) {
	id := fmt.Sprintf("u-%04d", i)
	userName := fmt.Sprintf("user%04d@corp.example", i)
	first, last := "Given"+strconv.Itoa(i), "Family"+strconv.Itoa(i)
	dept := []string{"Engineering", "Sales", "Finance R&D", "Support"}[i%4]
	active := i%10 != 0
	modified := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)

	email := userName
	attrs := scim.ResourceAttributes{
		"userName":    userName,
		"displayName": first + " " + last,
		"name":        map[string]any{"givenName": first, "familyName": last},
		"active":      active,
		"emails":      []any{map[string]any{"value": userName, "type": "work", "primary": true}},
		enterpriseURN: map[string]any{
			"employeeNumber": strconv.Itoa(100000 + i),
			"department":     dept,
			"manager":        map[string]any{"value": "u-0001", "displayName": "Given1 Family1"},
		},
	}
	switch i {
	case 7:
		delete(attrs, "emails")
	case 11:
		email = "primary11@corp.example"
		attrs["emails"] = []any{
			map[string]any{"value": "home11@home.example", "type": "home"},
			map[string]any{"value": email, "type": "work", "primary": true},
			map[string]any{"value": "other11@other.example", "type": "other", "primary": false},
		}
	}
	status := saasconnect.StatusActive
	if !active {
		status = saasconnect.StatusInactive
	}
	want := saasconnect.User{
		ID:         id,
		Email:      email,
		Name:       first + " " + last,
		FirstName:  first,
		LastName:   last,
		Status:     status,
		Department: dept,
		Extra: map[string]any{
			"user_name":       userName,
			"external_id":     fmt.Sprintf("ext-%d", i),
			"employee_number": strconv.Itoa(100000 + i),
			"manager_id":      "u-0001",
			"last_modified":   modified.Format(time.RFC3339),
		},
	}
	res := scim.Resource{
		ID:         id,
		ExternalID: optional.NewString(fmt.Sprintf("ext-%d", i)),
		Attributes: attrs,
		Meta:       scim.Meta{Created: &modified, LastModified: &modified, Version: "W/\"" + strconv.Itoa(i) + "\""},
	}
	return res, want
}

// scimRequest is what the server saw of one list request.
type scimRequest struct {
	startIndex, count string
	accept, auth      string
}

// startSCIMServer serves n generated users with the library, capping pages
// at maxResults, behind a bearer-token check, on loopback. It returns the
// SCIM base URL, the users the template must produce, and a function that
// reports the requests the server received.
func startSCIMServer(t *testing.T, n, maxResults int) (baseURL string, want []saasconnect.User, seen func() []scimRequest) {
	t.Helper()
	store := &memUsers{}
	for i := 1; i <= n; i++ {
		res, u := scimServerUser(i)
		store.users = append(store.users, res)
		want = append(want, u)
	}
	srv, err := scim.NewServer(&scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{MaxResults: maxResults},
		ResourceTypes: []scim.ResourceType{{
			ID:               optional.NewString("User"),
			Name:             "User",
			Endpoint:         "/Users",
			Schema:           schema.CoreUserSchema(),
			SchemaExtensions: []scim.SchemaExtension{{Schema: schema.ExtensionEnterpriseUser()}},
			Handler:          store,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu   sync.Mutex
		reqs []scimRequest
	)
	mux := http.NewServeMux()
	mux.Handle("/scim/", http.StripPrefix("/scim", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		mu.Lock()
		reqs = append(reqs, scimRequest{q.Get("startIndex"), q.Get("count"), r.Header.Get("Accept"), r.Header.Get("Authorization")})
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+scimServerToken {
			w.Header().Set("Content-Type", "application/scim+json")
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"401","detail":"bad token"}`)
			return
		}
		srv.ServeHTTP(w, r)
	})))
	hs := httptest.NewServer(mux) // 127.0.0.1
	t.Cleanup(hs.Close)
	return hs.URL + "/scim/v2", want, func() []scimRequest {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(reqs)
	}
}

// TestSCIMServer walks a real SCIM server with the scim template, with the
// server capping pages below, at and (not) above the 100 the template asks
// for: every user arrives exactly once with the right fields, and each
// request's startIndex advances by the records the previous page held.
func TestSCIMServer(t *testing.T) {
	tmpl, err := Get("scim")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		maxResults int // the server's cap on count
		pages      int
		prefetch   int // connector.WithPrefetch; 0 for none
	}{
		{"server caps at 7", 7, 37, 0},
		{"server caps at 40", 40, 7, 0},
		{"server returns the 100 asked", 100, 3, 0},
		{"server allows more than asked", 500, 3, 0},
		// Prefetching predicts full pages of 100: with a capping server its
		// guesses miss and are dropped, the walk still follows what arrived.
		{"server caps at 40, prefetch 4", 40, 7, 4},
		{"server returns the 100 asked, prefetch 4", 100, 3, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, want, seen := startSCIMServer(t, scimServerUsers, tc.maxResults)
			var opts []connector.Option
			if tc.prefetch > 0 {
				opts = append(opts, connector.WithPrefetch(tc.prefetch))
			}
			c, err := connector.New(tmpl, "scim-server", connector.Settings{"base_url": base, "api_key": scimServerToken}, opts...)
			if err != nil {
				t.Fatal(err)
			}
			var got []saasconnect.User
			rep, err := c.Run(t.Context(), func(u saasconnect.User) error {
				got = append(got, u)
				return nil
			})
			if err != nil {
				t.Fatalf("Run: %v (report %+v)", err, rep)
			}
			if rep.Status != connector.Succeeded || rep.Pages != tc.pages || rep.Seen != scimServerUsers || rep.Kept != scimServerUsers {
				t.Errorf("report: status %s, %d pages, %d seen, %d kept; want succeeded, %d pages, %d seen and kept",
					rep.Status, rep.Pages, rep.Seen, rep.Kept, tc.pages, scimServerUsers)
			}
			t.Logf("%d users, %d pages, %d requests (server cap %d, prefetch %d)", len(got), rep.Pages, rep.Requests, tc.maxResults, tc.prefetch)

			// Every user exactly once, in the server's order, mapped right.
			count := map[string]int{}
			for _, u := range got {
				count[u.ID]++
			}
			for _, w := range want {
				if count[w.ID] != 1 {
					t.Errorf("user %s arrived %d times, want once", w.ID, count[w.ID])
				}
			}
			if len(got) != len(want) {
				t.Fatalf("got %d users, want %d", len(got), len(want))
			}
			for i := range want {
				if d := diffSCIMUser(got[i], want[i]); d != "" {
					t.Errorf("user %d (%s): %s", i+1, want[i].ID, d)
				}
			}

			// The requests: startIndex 1, then advanced by what arrived
			// (the server's cap), count always the template's 100, the
			// SCIM media type and the bearer token on each.
			reqs := seen()
			if tc.prefetch > 0 {
				// Prefetched guesses may have reached the server too; the
				// pages walked are checked above through the users.
				return
			}
			if len(reqs) != tc.pages || rep.Requests != tc.pages {
				t.Fatalf("server saw %d requests, the report %d, want %d", len(reqs), rep.Requests, tc.pages)
			}
			step := min(tc.maxResults, 100)
			for i, r := range reqs {
				if want := strconv.Itoa(1 + i*step); r.startIndex != want || r.count != "100" {
					t.Errorf("request %d: startIndex=%s count=%s, want startIndex=%s count=100", i+1, r.startIndex, r.count, want)
				}
				if r.accept != "application/scim+json, application/json" || r.auth != "Bearer "+scimServerToken {
					t.Errorf("request %d: Accept %q, Authorization %q", i+1, r.accept, r.auth)
				}
			}
		})
	}
}

func diffSCIMUser(got, want saasconnect.User) string {
	if got.Email != want.Email || got.Name != want.Name || got.FirstName != want.FirstName || got.LastName != want.LastName ||
		got.Status != want.Status || got.Department != want.Department || got.Activity != saasconnect.ActivityUnknown {
		return fmt.Sprintf("got email %q name %q (%q %q) status %s department %q activity %s; want %q %q (%q %q) %s %q unknown",
			got.Email, got.Name, got.FirstName, got.LastName, got.Status, got.Department, got.Activity,
			want.Email, want.Name, want.FirstName, want.LastName, want.Status, want.Department)
	}
	for k, v := range want.Extra {
		if got.Extra[k] != v {
			return fmt.Sprintf("extra[%s] = %#v, want %#v", k, got.Extra[k], v)
		}
	}
	if len(got.Extra) != len(want.Extra) {
		return fmt.Sprintf("extra %v, want %v", got.Extra, want.Extra)
	}
	return ""
}

// TestSCIMServerCappedPage records what the library answers when it caps a
// page: the ListResponse's itemsPerPage is the capped count (40, not the
// 100 asked), and on the last page it still says 40 while only the
// remaining 17 resources come. The template therefore never reads
// itemsPerPage: it advances startIndex by the resources received and
// stops on totalResults.
func TestSCIMServerCappedPage(t *testing.T) {
	base, _, _ := startSCIMServer(t, scimServerUsers, 40)
	for _, tc := range []struct {
		startIndex                             int
		wantItems, wantResources, wantStartIdx int
	}{
		{1, 40, 40, 1},
		{241, 40, 17, 241}, // the last page: 257 - 240 resources
		{300, 40, 0, 300},  // past the end
	} {
		t.Run(strconv.Itoa(tc.startIndex), func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/Users?count=100&startIndex="+strconv.Itoa(tc.startIndex), nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+scimServerToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var lr struct {
				TotalResults int               `json:"totalResults"`
				ItemsPerPage int               `json:"itemsPerPage"`
				StartIndex   int               `json:"startIndex"`
				Resources    []json.RawMessage `json:"Resources"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&lr); err != nil {
				t.Fatal(err)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/scim+json" {
				t.Errorf("Content-Type %q, want application/scim+json", ct)
			}
			if lr.TotalResults != scimServerUsers || lr.ItemsPerPage != tc.wantItems || len(lr.Resources) != tc.wantResources || lr.StartIndex != tc.wantStartIdx {
				t.Errorf("totalResults %d, itemsPerPage %d, %d resources, startIndex %d; want %d, %d, %d, %d",
					lr.TotalResults, lr.ItemsPerPage, len(lr.Resources), lr.StartIndex, scimServerUsers, tc.wantItems, tc.wantResources, tc.wantStartIdx)
			}
		})
	}
}
