package connector

import (
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/saasconnect/saasconnect/internal/fakevendor"
	"github.com/saasconnect/saasconnect/paginate"
)

// The credentials the fake vendor accepts; tests assert none of them leaks.
const (
	testAPIKey       = fakevendor.APIKey
	testPassword     = fakevendor.Password
	testClientSecret = fakevendor.ClientSecret
	testLoginSecret  = fakevendor.Password // sessions log in with the same password
)

var testSecrets = []string{testAPIKey, testPassword, testClientSecret, testLoginSecret}

// fault is an answer the fake gives instead of a page, once.
type fault struct {
	status     int
	retryAfter string
	header     map[string]string // more response headers
	body       string            // raw body; "" = {"error":"fault <status>"}
}

// fakeVendor sets up the shared fake vendor (internal/fakevendor) for this
// package's tests: the records it serves, one pagination style, one auth
// method, faults by page, and the template and settings that read it. Set
// the fields before the first request: the server is built then, from
// their values at that moment. Safe for concurrent use once serving.
type fakeVendor struct {
	t        testing.TB
	records  []map[string]any
	pageType paginate.Type
	pageSize int
	auth     AuthMethod // or "refuse-all": every users request gets 401

	faults      map[int][]fault // page number (1-based) -> faults served, in order, before the page
	truncate    map[int]bool    // page number -> serve a truncated body
	crossOrigin bool            // next links point at another origin
	base        string          // the URL the template reads (set by server)

	once sync.Once
	srv  *fakevendor.Server
}

func newFakeVendor(t testing.TB, n int, pt paginate.Type, am AuthMethod) *fakeVendor {
	f := &fakeVendor{t: t, pageType: pt, pageSize: 3, auth: am, faults: map[int][]fault{}, truncate: map[int]bool{}}
	for i := 1; i <= n; i++ {
		f.records = append(f.records, map[string]any{
			"id":         strconv.Itoa(i),
			"email":      fmt.Sprintf("user%d@example.com", i),
			"name":       fmt.Sprintf("User %d", i),
			"state":      "ACTIVE",
			"last_login": "2026-11-01T10:00:00Z",
			"type":       "User",
		})
	}
	return f
}

var fakePagination = map[paginate.Type]fakevendor.Pagination{
	paginate.None:        fakevendor.PaginateNone,
	"":                   fakevendor.PaginateNone,
	paginate.OffsetLimit: fakevendor.PaginateOffset,
	paginate.PageNumber:  fakevendor.PaginatePage,
	paginate.CursorLimit: fakevendor.PaginateCursor,
	paginate.LinkHeader:  fakevendor.PaginateLinkHeader,
	paginate.NextURL:     fakevendor.PaginateNextURL,
}

var fakeAuth = map[AuthMethod]fakevendor.Auth{
	AuthNone:     fakevendor.AuthNone,
	"":           fakevendor.AuthNone,
	AuthAPIKey:   fakevendor.AuthAPIKey,
	AuthBasic:    fakevendor.AuthBasic,
	AuthOAuth2:   fakevendor.AuthOAuth2,
	AuthSession:  fakevendor.AuthSession,
	"refuse-all": fakevendor.AuthOAuth2,
}

// fake returns the shared fake server, building it from f's fields on the
// first call.
func (f *fakeVendor) fake() *fakevendor.Server {
	f.once.Do(func() {
		cfg := fakevendor.ServerConfig{
			Records:     append([]map[string]any{}, f.records...),
			Pagination:  fakePagination[f.pageType],
			PageSize:    f.pageSize,
			ReportTotal: true,
			Auth:        fakeAuth[f.auth],
			BasePath:    "/",
			APIKeyParam: "token",
		}
		for _, page := range slices.Sorted(maps.Keys(f.faults)) {
			for _, ft := range f.faults[page] {
				header := map[string]string{}
				maps.Copy(header, ft.header)
				if ft.retryAfter != "" {
					header["Retry-After"] = ft.retryAfter
				}
				body := ft.body
				if body == "" {
					body = fmt.Sprintf(`{"error":"fault %d"}`, ft.status)
				}
				cfg.Faults = append(cfg.Faults, fakevendor.Fault{Kind: fakevendor.FaultResponse, Page: page, Times: 1, Status: ft.status, Header: header, Body: body})
			}
		}
		for _, page := range slices.Sorted(maps.Keys(f.truncate)) {
			if f.truncate[page] {
				cfg.Faults = append(cfg.Faults, fakevendor.Fault{Kind: fakevendor.FaultTruncated, Page: page})
			}
		}
		if f.crossOrigin {
			cfg.Faults = append(cfg.Faults, fakevendor.Fault{Kind: fakevendor.FaultCrossOrigin})
		}
		if f.auth == "refuse-all" {
			cfg.Faults = append(cfg.Faults, fakevendor.Fault{Kind: fakevendor.FaultUnauthorized})
		}
		f.srv = fakevendor.NewInMemoryServer(cfg)
	})
	return f.srv
}

// ServeHTTP serves a request with the shared fake.
func (f *fakeVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.fake().Handler().ServeHTTP(w, r)
}

// server starts the fake on a loopback httptest server.
func (f *fakeVendor) server() *httptest.Server {
	srv := httptest.NewServer(f)
	f.t.Cleanup(srv.Close)
	f.base = srv.URL
	return srv
}

// transport serves requests in memory, whatever their host: no sockets, so
// it works inside synctest bubbles.
func (f *fakeVendor) transport() http.RoundTripper {
	return roundTripFunc(func(r *http.Request) (*http.Response, error) { return f.fake().Transport().RoundTrip(r) })
}

// template returns a template for the fake vendor at base.
func (f *fakeVendor) template(base string) Template {
	t := Template{
		Version: 1,
		Slug:    "fake",
		Name:    "Fake App",
		Declared: []Setting{
			{Name: "base_url", Default: base},
		},
		Request: RequestSpec{UsersURL: "{base_url}/users"},
		Response: ResponseSpec{
			RecordsPath:  "data",
			Fields:       map[string]string{"id": "id", "email": "email", "name": "name", "status": "state"},
			StatusValues: map[string]string{"ACTIVE": "active", "SUSPENDED": "suspended"},
		},
		Activity: ActivitySpec{Type: "user", LastActivityField: "last_login"},
	}
	switch f.pageType {
	case paginate.None, "":
		t.Pagination = paginate.Config{Type: paginate.None}
	case paginate.OffsetLimit:
		t.Pagination = paginate.Config{Type: paginate.OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: f.pageSize, TotalPath: "total"}
	case paginate.PageNumber:
		t.Pagination = paginate.Config{Type: paginate.PageNumber, PageField: "page", PageSizeField: "per_page", PageSize: f.pageSize}
	case paginate.CursorLimit:
		t.Pagination = paginate.Config{Type: paginate.CursorLimit, CursorField: "cursor", CursorPath: "meta.next_cursor", LimitField: "limit", PageSize: f.pageSize}
	case paginate.LinkHeader:
		t.Pagination = paginate.Config{Type: paginate.LinkHeader}
	case paginate.NextURL:
		t.Pagination = paginate.Config{Type: paginate.NextURL, NextURLPath: `["@odata.nextLink"]`}
	}
	switch f.auth {
	case AuthAPIKey:
		t.Auth = AuthSpec{Method: AuthAPIKey, TokenType: "Bearer"}
	case AuthBasic:
		t.Auth = AuthSpec{Method: AuthBasic}
	case AuthOAuth2, "refuse-all":
		t.Declared = append(t.Declared, Setting{Name: "token_url", Default: "{base_url}/oauth/token"})
		t.Auth = AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials", TokenURL: "{token_url}", ClientAuth: "header", Scope: "users:read"}
	case AuthSession:
		t.Auth = AuthSpec{Method: AuthSession, LoginURL: "{base_url}/auth/login", LoginBody: map[string]any{"username": "{login_user}", "password": "{login_pass}"}, TokenPath: "session.token", Header: "X-Session-Token"}
	default:
		t.Auth = AuthSpec{Method: AuthNone}
	}
	return t
}

// settings returns the credentials the fake accepts for its auth method.
func (f *fakeVendor) settings() Settings {
	switch f.auth {
	case AuthAPIKey:
		return Settings{"api_key": fakevendor.APIKey}
	case AuthBasic:
		return Settings{"username": fakevendor.Username, "password": fakevendor.Password}
	case AuthOAuth2, "refuse-all":
		return Settings{"client_id": fakevendor.ClientID, "client_secret": fakevendor.ClientSecret}
	case AuthSession:
		return Settings{"login_user": fakevendor.Username, "login_pass": fakevendor.Password}
	}
	return Settings{}
}

// hits returns the users requests and the token and login requests served.
func (f *fakeVendor) hits() (pages, tokens int) {
	s := f.fake()
	return s.UsersRequests(), s.AuthRequests()
}
