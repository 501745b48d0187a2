// Package fakevendor is an in-process fake SaaS vendor: a [Server] serves
// generated users with a chosen pagination style, auth check, latency and
// injected faults, and hands out the template and settings that make a real
// connector read it.
//
// It is the implementation behind connectortest.Server and the CLI's demo
// command. It imports neither testing nor any test helper, so programs can
// embed it without pulling test machinery into their binaries, and not the
// connector package either, so connector's own tests can use it: package
// fvtemplate builds the matching connector.Template.
package fakevendor

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/saasconnect/saasconnect"
)

// Pagination is the paging style a [Server] speaks. The values other than
// PaginateLastID are the template's pagination.type values.
type Pagination string

// The pagination styles. Each serves the records under "data".
const (
	// PaginateNone: every user in one response.
	PaginateNone Pagination = "none"
	// PaginateOffset: ?offset=O&limit=L.
	PaginateOffset Pagination = "offset_limit"
	// PaginatePage: ?page=P&per_page=L, pages from 1.
	PaginatePage Pagination = "page_number"
	// PaginateCursor: ?cursor=C&limit=L; the next cursor is in
	// meta.next_cursor, absent on the last page.
	PaginateCursor Pagination = "cursor_limit"
	// PaginateLastID: ?after=ID&limit=L, the cursor is the last record's id
	// (template cursor_path "$last.id"); a short page ends the walk.
	PaginateLastID Pagination = "last_id"
	// PaginateLinkHeader: Link: <absolute URL>; rel="next".
	PaginateLinkHeader Pagination = "link_header"
	// PaginateNextURL: the absolute next URL is in "@odata.nextLink".
	PaginateNextURL Pagination = "next_url"
)

// Paginations lists every Pagination.
func Paginations() []Pagination {
	return []Pagination{PaginateNone, PaginateOffset, PaginatePage, PaginateCursor, PaginateLastID, PaginateLinkHeader, PaginateNextURL}
}

// Auth is the credential check a [Server] applies to the users listing.
type Auth string

// The auth styles, with the fixed fake credentials Settings hands out.
const (
	// AuthNone: no check.
	AuthNone Auth = "none"
	// AuthAPIKey: "Authorization: Bearer " + APIKey.
	AuthAPIKey Auth = "api_key"
	// AuthBasic: HTTP Basic with Username and Password.
	AuthBasic Auth = "basic"
	// AuthOAuth2: a Bearer token from POST /oauth/token (client
	// credentials grant, client authenticated with HTTP Basic ClientID and
	// ClientSecret).
	AuthOAuth2 Auth = "oauth2"
	// AuthSession: "X-Session-Token: <token>" from POST /auth/login with the
	// JSON body {"username": Username, "password": Password}; the token is at
	// session.token in the reply.
	AuthSession Auth = "session"
)

// The fake credentials a Server accepts (see Settings).
const (
	APIKey       = "test-api-key"
	Username     = "admin"
	Password     = "test-password"
	ClientID     = "test-client"
	ClientSecret = "test-client-secret"
)

// FaultKind names a failure a [Server] can inject.
type FaultKind string

// The faults a Server can inject.
const (
	// FaultRateLimit answers 429, with "Retry-After: <seconds>" when
	// Fault.RetryAfter > 0.
	FaultRateLimit FaultKind = "rate_limit"
	// FaultServerError answers Fault.Status (default 503).
	FaultServerError FaultKind = "server_error"
	// FaultUnauthorized answers 401 as if the token had expired.
	FaultUnauthorized FaultKind = "unauthorized"
	// FaultReset sends the headers and half the body, then resets the
	// connection (a TCP RST on a real server; an aborted body in memory).
	FaultReset FaultKind = "reset"
	// FaultTruncated sends a complete HTTP response whose JSON body is cut
	// in half (Content-Length matches what is sent).
	FaultTruncated FaultKind = "truncated"
	// FaultSlowBody sends the body in 10 chunks, Fault.Delay apart.
	FaultSlowBody FaultKind = "slow_body"
	// FaultCursorLoop makes the next cursor, link or URL point back at the
	// page just served (for last-id paging: serves the previous page
	// again). No effect on offset and page paging.
	FaultCursorLoop FaultKind = "cursor_loop"
	// FaultCrossOrigin makes the next link or URL point at another origin
	// (link_header and next_url only).
	FaultCrossOrigin FaultKind = "cross_origin"
	// FaultHugeBody pads the page to Fault.Size bytes (default
	// DefaultHugeBodySize), streamed without holding it in memory.
	FaultHugeBody FaultKind = "huge_body"
	// FaultResponse answers Fault.Status (default 200) with Fault.Header
	// and Fault.Body (default {"error":"injected fault"}) instead of the
	// page; no Content-Type is added.
	FaultResponse FaultKind = "response"
)

// DefaultHugeBodySize is the FaultHugeBody size: just over the connector's
// default 64 MiB page cap.
const DefaultHugeBodySize = 64<<20 + 1024

// Fault is one injected failure.
type Fault struct {
	Kind FaultKind
	// Page is the 1-based page the fault hits; 0 means every page.
	Page int
	// Times is how many matching requests fail; 0 means all of them.
	// With Times 1 a retrying connector recovers.
	Times int
	// Status is the FaultServerError status (default 503).
	Status int
	// RetryAfter is the FaultRateLimit Retry-After (rounded up to seconds).
	RetryAfter time.Duration
	// Delay is the FaultSlowBody pause between chunks.
	Delay time.Duration
	// Size is the FaultHugeBody size in bytes.
	Size int64
	// Header and Body are the FaultResponse headers and body.
	Header map[string]string
	Body   string
}

// ServerConfig configures a [Server]. The zero value serves no users, one
// offset page at a time, with no auth.
type ServerConfig struct {
	// Users is the number of generated users (records). Every 17th is a
	// bot (dropped by the template's filter), every 7th never signed in.
	Users int
	// Pagination is the paging style (default PaginateOffset).
	Pagination Pagination
	// PageSize is the page size the template asks for (default 100). The
	// server honours the requested limit, capped at 10000.
	PageSize int
	// ReportTotal adds "total": Users to every page (template total_path).
	ReportTotal bool
	// Auth is the credential check (default AuthNone).
	Auth Auth
	// Latency is waited before answering each users page (honouring the
	// request's context).
	Latency time.Duration
	// Faults are the injected failures, checked in order; the first that
	// matches a request applies.
	Faults []Fault
	// Now is the reference time of generated activity (default
	// 2026-01-01T00:00:00Z): give the connector the same clock
	// (connector.WithClock) to get the activity Users reports.
	Now time.Time
	// TokenTTL is the OAuth2 token lifetime (default 1h).
	TokenTTL time.Duration

	// Records, when not nil, are served (each encoded with encoding/json)
	// instead of generated users, and Users is ignored. Paging by last id
	// needs generated ids. User, Users and Kept describe generated users
	// only. The server reads the maps while it serves: change them only
	// while no request is in flight.
	Records []map[string]any
	// BasePath is the path the API lives under (default "/api/v1"; "/" is
	// the root): the users listing is BasePath + "/users".
	BasePath string
	// APIKeyParam, when set, is a query parameter that may carry APIKey
	// instead of the Authorization header (AuthAPIKey).
	APIKeyParam string
}

// DefaultNow is the default reference time of generated activity and of
// Replay's clock.
var DefaultNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Server is an in-process fake vendor: it serves cfg.Users generated users
// with the configured paging, auth check, latency and faults. Pages are
// generated on the fly into reused buffers, so a Server of a million users
// holds none of them. fvtemplate.Template and Settings make a real
// connector read it.
//
// A Server is safe for concurrent use. Start one with NewServer (a loopback
// httptest.Server) or NewInMemoryServer (no listener: use Client, inside
// testing/synctest bubbles too). Close it when done.
type Server struct {
	cfg      ServerConfig
	ts       *httptest.Server // nil in memory
	url      string
	handler  http.Handler
	requests atomic.Int64
	pages    atomic.Int64   // users requests
	logins   atomic.Int64   // token and login requests
	usersAt  string         // BasePath + "/users"
	fired    []atomic.Int64 // per fault
	tokens   sync.Map       // issued OAuth2 and session tokens
	tokenSeq atomic.Int64
	bufs     sync.Pool
}

// NewServer starts a Server on a loopback httptest.Server.
func NewServer(cfg ServerConfig) *Server {
	s := newServer(cfg)
	s.ts = httptest.NewServer(s.handler)
	s.url = s.ts.URL
	return s
}

// NewInMemoryServer returns a Server with no listener: requests reach it
// only through Client (or Transport), which call the handler in memory.
// Its URL is a loopback address nothing listens on. Use it inside a
// testing/synctest bubble, where a real listener would keep the bubble
// from ever being idle.
func NewInMemoryServer(cfg ServerConfig) *Server {
	s := newServer(cfg)
	s.url = "http://127.0.0.1:9"
	return s
}

func newServer(cfg ServerConfig) *Server {
	if cfg.Pagination == "" {
		cfg.Pagination = PaginateOffset
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.Auth == "" {
		cfg.Auth = AuthNone
	}
	if cfg.Now.IsZero() {
		cfg.Now = DefaultNow
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if cfg.BasePath == "" {
		cfg.BasePath = basePath
	}
	if cfg.Records != nil {
		cfg.Users = len(cfg.Records)
	}
	s := &Server{cfg: cfg, fired: make([]atomic.Int64, len(cfg.Faults))}
	s.usersAt = strings.TrimSuffix(cfg.BasePath, "/") + "/users"
	s.bufs.New = func() any { b := make([]byte, 0, 64<<10); return &b }
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+s.usersAt, s.serveUsers)
	mux.HandleFunc("POST /oauth/token", s.serveToken)
	mux.HandleFunc("POST /auth/login", s.serveLogin)
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		mux.ServeHTTP(w, r)
	})
	return s
}

const (
	basePath = "/api/v1"
	maxLimit = 10000
)

// Close shuts the listener down (blocking until outstanding requests end).
// It is a no-op for an in-memory Server.
func (s *Server) Close() {
	if s.ts != nil {
		s.ts.Close()
	}
}

// URL is the server's base URL, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.url }

// Handler returns the server's handler, for use with a custom transport.
func (s *Server) Handler() http.Handler { return s.handler }

// Client returns an HTTP client that reaches the server: the httptest
// client, or for an in-memory server one whose Transport is Transport().
func (s *Server) Client() *http.Client {
	if s.ts != nil {
		return s.ts.Client()
	}
	return &http.Client{Transport: s.Transport()}
}

// Transport returns a RoundTripper that serves every request with the
// server's handler in memory, whatever its host, streaming the body.
func (s *Server) Transport() http.RoundTripper { return handlerTransport{s.handler} }

// HandlerTransport returns a RoundTripper that serves every request with h
// in memory, whatever its host, the way Server.Transport does: the body
// streams, a handler panic with http.ErrAbortHandler resets it, and the
// request's context cancels it. It is safe for concurrent use.
func HandlerTransport(h http.Handler) http.RoundTripper { return handlerTransport{h} }

// Requests returns how many requests the server has received (token and
// login requests, and failed ones, included).
func (s *Server) Requests() int { return int(s.requests.Load()) }

// UsersRequests returns how many users-listing requests the server has
// received, failed ones included.
func (s *Server) UsersRequests() int { return int(s.pages.Load()) }

// AuthRequests returns how many token and login requests the server has
// received, refused ones included.
func (s *Server) AuthRequests() int { return int(s.logins.Load()) }

// RevokeTokens forgets every OAuth2 and session token issued so far: a
// request that carries one is answered 401, as if it had expired.
func (s *Server) RevokeTokens() { s.tokens.Clear() }

// Config returns the configuration with defaults applied.
func (s *Server) Config() ServerConfig { return s.cfg }

// Settings returns the settings that make the fake's template (package
// fvtemplate) read this server: base_url, the credentials its Auth needs, and token_url or
// login_url.
func (s *Server) Settings() map[string]string {
	set := map[string]string{"base_url": s.url + strings.TrimSuffix(s.cfg.BasePath, "/")}
	switch s.cfg.Auth {
	case AuthAPIKey:
		set["api_key"] = APIKey
	case AuthBasic:
		set["username"], set["password"] = Username, Password
	case AuthOAuth2:
		set["client_id"], set["client_secret"] = ClientID, ClientSecret
		set["token_url"] = s.url + "/oauth/token"
	case AuthSession:
		set["username"], set["password"] = Username, Password
		set["login_url"] = s.url + "/auth/login"
	}
	return set
}

// User returns the user a connector made from fvtemplate.Template maps
// record i (0-based) onto, and whether the template's filter keeps it. Activity is
// classified against Config().Now with the default 30 days; Connector is
// left empty.
func (s *Server) User(i int) (u saasconnect.User, kept bool) {
	r := s.record(i)
	u = saasconnect.User{
		ID: r.id(), Email: r.email(), Name: r.first() + " " + r.last(), FirstName: r.first(), LastName: r.last(),
		Status: r.status(), Role: r.role(), Department: r.department(), Title: r.title(),
		Application: "Fake App", Extra: map[string]any{"seat": r.seat()},
	}
	if last, ok := r.lastActivity(); ok {
		u.LastActivity = last
		u.Activity = saasconnect.ActivityActive
		if s.cfg.Now.Sub(last) > 30*24*time.Hour {
			u.Activity = saasconnect.ActivityInactive
		}
	} else {
		u.Activity = saasconnect.ActivityNever
	}
	return u, !r.bot()
}

// Users returns the users a connector made from fvtemplate.Template delivers, in
// order (see User). It holds them all: for big servers use User and Kept.
func (s *Server) Users() []saasconnect.User {
	var out []saasconnect.User
	for i := range s.cfg.Users {
		if u, ok := s.User(i); ok {
			out = append(out, u)
		}
	}
	return out
}

// Kept returns how many of the generated users the template's filter keeps.
func (s *Server) Kept() int {
	return s.cfg.Users - s.cfg.Users/17 // record i is a bot when i%17 == 16
}

// ---- generated records ----

type record struct {
	i   int
	h   uint64
	now time.Time
}

func (s *Server) record(i int) record {
	x := uint64(i) + 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return record{i: i, h: x ^ (x >> 31), now: s.cfg.Now}
}

var (
	firstNames  = []string{"Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Dennis", "Radia", "Linus", "Margaret", "Donald", "Frances"}
	lastNames   = []string{"Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Ritchie", "Perlman", "Torvalds", "Hamilton", "Knuth", "Allen"}
	departments = []string{"Engineering", "Sales", "Finance", "Support", "Marketing", "Legal"}
	titles      = []string{"Engineer", "Manager", "Analyst", "Director", "Specialist"}
	seats       = []string{"basic", "pro", "enterprise"}
)

func (r record) id() string    { return fmt.Sprintf("u%08d", r.i) }
func (r record) bot() bool     { return r.i%17 == 16 }
func (r record) first() string { return firstNames[r.h%uint64(len(firstNames))] }
func (r record) last() string  { return lastNames[(r.h>>8)%uint64(len(lastNames))] }
func (r record) department() string {
	return departments[(r.h>>16)%uint64(len(departments))]
}
func (r record) title() string { return titles[(r.h>>24)%uint64(len(titles))] }
func (r record) seat() string  { return seats[(r.h>>32)%uint64(len(seats))] }
func (r record) role() string {
	if r.i%50 == 0 {
		return "admin"
	}
	return "member"
}
func (r record) email() string {
	if r.i%11 == 3 {
		return fmt.Sprintf("User%08d@Example.com", r.i)
	}
	return fmt.Sprintf("user%08d@example.com", r.i)
}
func (r record) vendorStatus() string {
	switch {
	case r.i%29 == 7:
		return "DEPROVISIONED"
	case r.i%13 == 5:
		return "SUSPENDED"
	}
	return "ACTIVE"
}
func (r record) status() saasconnect.Status {
	switch r.vendorStatus() {
	case "DEPROVISIONED":
		return saasconnect.StatusDeprovisioned
	case "SUSPENDED":
		return saasconnect.StatusSuspended
	}
	return saasconnect.StatusActive
}

// lastActivity is up to 90 days before now, never exactly on a day
// boundary (so classification has no ties); false for never-active users.
func (r record) lastActivity() (time.Time, bool) {
	if r.i%7 == 3 {
		return time.Time{}, false
	}
	ago := time.Duration((r.h>>40)%(90*24*60))*time.Minute + 17*time.Second
	return r.now.Add(-ago).UTC(), true
}

// appendJSON appends the vendor record: about 15 fields, some nested.
func (r record) appendJSON(b []byte) []byte {
	str := func(b []byte, key, val string) []byte {
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, `":"`...)
		b = append(b, val...)
		return append(b, `",`...)
	}
	b = append(b, `{"id":"u`...)
	b = appendPadded(b, r.i)
	b = append(b, `",`...)
	if r.i%11 == 3 {
		b = append(b, `"email":"User`...)
		b = appendPadded(b, r.i)
		b = append(b, `@Example.com",`...)
	} else {
		b = append(b, `"email":"user`...)
		b = appendPadded(b, r.i)
		b = append(b, `@example.com",`...)
	}
	if r.bot() {
		b = str(b, "type", "Bot")
	} else {
		b = str(b, "type", "User")
	}
	b = str(b, "status", r.vendorStatus())
	b = str(b, "role", r.role())
	first, last := r.first(), r.last()
	b = append(b, `"profile":{`...)
	b = str(b, "first_name", first)
	b = str(b, "last_name", last)
	b = append(b, `"display_name":"`...)
	b = append(b, first...)
	b = append(b, ' ')
	b = append(b, last...)
	b = append(b, `",`...)
	b = str(b, "department", r.department())
	b = str(b, "title", r.title())
	b = append(b, `"locale":"en-US"},`...)
	if t, ok := r.lastActivity(); ok {
		b = append(b, `"last_activity_at":"`...)
		b = t.AppendFormat(b, time.RFC3339)
		b = append(b, `",`...)
	} else {
		b = append(b, `"last_activity_at":null,`...)
	}
	b = append(b, `"created_at":"`...)
	b = r.now.Add(-time.Duration(400+r.h%300)*24*time.Hour).AppendFormat(b, time.RFC3339)
	b = append(b, `",`...)
	b = append(b, `"employee_number":`...)
	b = strconv.AppendInt(b, int64(100000+r.i), 10)
	b = append(b, `,"phone":"+1-555-`...)
	b = strconv.AppendUint(b, 1000+r.h%9000, 10)
	b = append(b, `","mfa_enabled":`...)
	b = strconv.AppendBool(b, r.h&1 == 1)
	b = append(b, ',')
	b = str(b, "seat", r.seat())
	b = append(b, `"tags":["`...)
	b = append(b, r.department()...)
	b = append(b, `","`...)
	b = append(b, r.seat()...)
	return append(b, `"]}`...)
}

// appendRecord appends a record given in ServerConfig.Records. Records are
// test data; one that does not encode is a bug in the test that gave it.
func appendRecord(b []byte, rec map[string]any) []byte {
	data, err := json.Marshal(rec)
	if err != nil {
		panic(fmt.Sprintf("fakevendor: ServerConfig.Records: %v", err))
	}
	return append(b, data...)
}

// appendPadded appends i as at least eight digits.
func appendPadded(b []byte, i int) []byte {
	for d := 10000000; d > 1 && i < d; d /= 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(i), 10)
}

// idIndex parses an id "u00000042" back to 42.
func idIndex(id string) (int, bool) {
	if !strings.HasPrefix(id, "u") {
		return 0, false
	}
	n, err := strconv.Atoi(id[1:])
	return n, err == nil && n >= 0
}

// ---- handlers ----

func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	s.logins.Add(1)
	id, secret, ok := r.BasicAuth()
	if s.cfg.Auth != AuthOAuth2 || !ok || id != ClientID || secret != ClientSecret {
		writeJSONError(w, http.StatusUnauthorized, `{"error":"invalid_client"}`)
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSONError(w, http.StatusBadRequest, `{"error":"unsupported_grant_type"}`)
		return
	}
	tok := fmt.Sprintf("tok-%d", s.tokenSeq.Add(1))
	s.tokens.Store(tok, true)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"Bearer","expires_in":%d}`, tok, int(s.cfg.TokenTTL/time.Second))
}

func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	s.logins.Add(1)
	var body struct{ Username, Password string }
	if s.cfg.Auth != AuthSession || json.NewDecoder(r.Body).Decode(&body) != nil || body.Username != Username || body.Password != Password {
		writeJSONError(w, http.StatusUnauthorized, `{"error":"invalid credentials"}`)
		return
	}
	tok := fmt.Sprintf("sess-%d", s.tokenSeq.Add(1))
	s.tokens.Store(tok, true)
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"session":{"token":%q}}`, tok)
}

func writeJSONError(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}

func (s *Server) authorized(r *http.Request) bool {
	switch s.cfg.Auth {
	case AuthAPIKey:
		if s.cfg.APIKeyParam != "" && r.URL.Query().Get(s.cfg.APIKeyParam) == APIKey {
			return true
		}
		return r.Header.Get("Authorization") == "Bearer "+APIKey
	case AuthBasic:
		u, p, ok := r.BasicAuth()
		return ok && u == Username && p == Password
	case AuthOAuth2:
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		_, issued := s.tokens.Load(tok)
		return ok && issued
	case AuthSession:
		_, issued := s.tokens.Load(r.Header.Get("X-Session-Token"))
		return issued
	}
	return true
}

// pageRequest is a users request, resolved to a record range.
type pageRequest struct {
	page   int // 1-based
	start  int // first record index
	limit  int
	cursor string // the request's cursor value (cursor, link, next_url)
}

func (s *Server) parsePage(r *http.Request) (pageRequest, error) {
	q := r.URL.Query()
	limit := s.cfg.PageSize
	intParam := func(name string, def int) (int, error) {
		v := q.Get(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("bad %s %q", name, v)
		}
		return n, nil
	}
	var err error
	p := pageRequest{}
	switch s.cfg.Pagination {
	case PaginateNone:
		return pageRequest{page: 1, limit: s.cfg.Users}, nil
	case PaginatePage:
		if limit, err = intParam("per_page", limit); err != nil {
			return p, err
		}
		n, err := intParam("page", 1)
		if err != nil || n < 1 {
			return p, fmt.Errorf("bad page %q", q.Get("page"))
		}
		p.page, p.start = n, (n-1)*min(limit, maxLimit)
	case PaginateOffset:
		if limit, err = intParam("limit", limit); err != nil {
			return p, err
		}
		if p.start, err = intParam("offset", 0); err != nil {
			return p, err
		}
	case PaginateLastID:
		if limit, err = intParam("limit", limit); err != nil {
			return p, err
		}
		if after := q.Get("after"); after != "" {
			n, ok := idIndex(after)
			if !ok {
				return p, fmt.Errorf("bad after %q", after)
			}
			p.start, p.cursor = n+1, after
		}
	default: // cursor, link header, next URL
		if limit, err = intParam("limit", limit); err != nil {
			return p, err
		}
		if c := q.Get("cursor"); c != "" {
			raw, err := base64.RawURLEncoding.DecodeString(c)
			if err != nil {
				return p, fmt.Errorf("bad cursor %q", c)
			}
			if p.start, err = strconv.Atoi(string(raw)); err != nil || p.start < 0 {
				return p, fmt.Errorf("bad cursor %q", c)
			}
			p.cursor = c
		}
	}
	if limit == 0 {
		return p, fmt.Errorf("limit must be positive")
	}
	p.limit = min(limit, maxLimit)
	if p.page == 0 {
		p.page = p.start/p.limit + 1
	}
	return p, nil
}

func encodeCursor(start int) string {
	return base64.RawURLEncoding.EncodeToString(strconv.AppendInt(nil, int64(start), 10))
}

// fault returns the first fault that applies to page, counting it.
func (s *Server) fault(page int) (Fault, bool) {
	for i, f := range s.cfg.Faults {
		if f.Page != 0 && f.Page != page {
			continue
		}
		if n := s.fired[i].Add(1); f.Times > 0 && n > int64(f.Times) {
			continue
		}
		return f, true
	}
	return Fault{}, false
}

func (s *Server) serveUsers(w http.ResponseWriter, r *http.Request) {
	s.pages.Add(1)
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fake"`)
		writeJSONError(w, http.StatusUnauthorized, `{"error":"unauthorized"}`)
		return
	}
	p, err := s.parsePage(r)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, fmt.Sprintf(`{"error":%q}`, err.Error()))
		return
	}
	if s.cfg.Latency > 0 {
		t := time.NewTimer(s.cfg.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	f, faulty := s.fault(p.page)
	if faulty {
		switch f.Kind {
		case FaultRateLimit:
			if f.RetryAfter > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int((f.RetryAfter+time.Second-1)/time.Second)))
			}
			writeJSONError(w, http.StatusTooManyRequests, `{"error":"rate limited"}`)
			return
		case FaultServerError:
			st := f.Status
			if st == 0 {
				st = http.StatusServiceUnavailable
			}
			writeJSONError(w, st, `{"error":"server error"}`)
			return
		case FaultUnauthorized:
			writeJSONError(w, http.StatusUnauthorized, `{"error":"token expired"}`)
			return
		case FaultResponse:
			for k, v := range f.Header {
				w.Header().Set(k, v)
			}
			body := cmp.Or(f.Body, `{"error":"injected fault"}`)
			w.WriteHeader(cmp.Or(f.Status, http.StatusOK))
			io.WriteString(w, body)
			return
		}
	}
	if faulty && f.Kind == FaultCursorLoop && s.cfg.Pagination == PaginateLastID && p.page > 1 {
		p.start = max(0, p.start-p.limit) // serve the previous page again
	}

	bp := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(bp)
	body, next := s.appendPage((*bp)[:0], r, p, f, faulty)
	*bp = body

	h := w.Header()
	h.Set("Content-Type", "application/json")
	if next != "" && s.cfg.Pagination == PaginateLinkHeader {
		h.Set("Link", "<"+next+`>; rel="next"`)
	}
	if !faulty {
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
		return
	}
	switch f.Kind {
	case FaultReset:
		s.reset(w, body)
	case FaultTruncated:
		half := body[:len(body)/2]
		h.Set("Content-Length", strconv.Itoa(len(half)))
		w.Write(half)
	case FaultSlowBody:
		h.Set("Content-Length", strconv.Itoa(len(body)))
		fl, _ := w.(http.Flusher)
		chunk := (len(body) + 9) / 10
		for off := 0; off < len(body); off += chunk {
			if off > 0 {
				t := time.NewTimer(f.Delay)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
					return
				}
			}
			w.Write(body[off:min(off+chunk, len(body))])
			if fl != nil {
				fl.Flush()
			}
		}
	case FaultHugeBody:
		s.writeHuge(w, body, f.Size)
	default: // cursor loop, cross origin: the body already carries it
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}
}

// appendPage appends the page's JSON and returns it with the absolute next
// URL (link_header and next_url), "" on the last page.
func (s *Server) appendPage(b []byte, r *http.Request, p pageRequest, f Fault, faulty bool) ([]byte, string) {
	n := s.cfg.Users
	end := min(p.start+p.limit, n)
	b = append(b, `{"data":[`...)
	for i := p.start; i < end; i++ {
		if i > p.start {
			b = append(b, ',')
		}
		if s.cfg.Records != nil {
			b = appendRecord(b, s.cfg.Records[i])
			continue
		}
		b = s.record(i).appendJSON(b)
	}
	b = append(b, ']')
	if s.cfg.ReportTotal {
		b = append(b, `,"total":`...)
		b = strconv.AppendInt(b, int64(n), 10)
	}
	// The next cursor, when there are more records.
	nextCursor := ""
	if end < n {
		nextCursor = encodeCursor(end)
	}
	if faulty && f.Kind == FaultCursorLoop {
		nextCursor = encodeCursor(p.start) // points back at this page
	}
	next := ""
	switch s.cfg.Pagination {
	case PaginateCursor:
		b = append(b, `,"meta":{"next_cursor":`...)
		if nextCursor == "" {
			b = append(b, `null}`...)
		} else {
			b = append(b, '"')
			b = append(b, nextCursor...)
			b = append(b, `"}`...)
		}
	case PaginateLinkHeader, PaginateNextURL:
		if nextCursor != "" {
			origin := "http://" + r.Host
			if r.TLS != nil || r.URL.Scheme == "https" { // in memory, the URL keeps the scheme
				origin = "https://" + r.Host
			}
			if faulty && f.Kind == FaultCrossOrigin {
				origin = "https://other-origin.example.com"
			}
			next = origin + s.usersAt + "?cursor=" + nextCursor + "&limit=" + strconv.Itoa(p.limit)
		}
		if s.cfg.Pagination == PaginateNextURL && next != "" {
			b = append(b, `,"@odata.nextLink":"`...)
			b = append(b, next...)
			b = append(b, '"')
		}
	}
	return append(b, '}'), next
}

// reset sends the headers and half the body, then resets the connection.
func (s *Server) reset(w http.ResponseWriter, body []byte) {
	half := body[:len(body)/2]
	hj, ok := w.(http.Hijacker)
	if !ok {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(half)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler) // the in-memory transport turns this into a reset
	}
	conn, bw, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	defer conn.Close()
	fmt.Fprintf(bw, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	bw.Write(half)
	bw.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0) // close with RST, not FIN
	}
}

// writeHuge sends the page padded to size bytes with a "padding" string.
func (s *Server) writeHuge(w http.ResponseWriter, page []byte, size int64) {
	if size <= 0 {
		size = DefaultHugeBodySize
	}
	prefix := append(page[:len(page)-1:len(page)-1], `,"padding":"`...)
	const suffix = `"}`
	pad := size - int64(len(prefix)) - int64(len(suffix))
	if pad < 0 {
		pad = 0
	}
	w.Header().Set("Content-Length", strconv.FormatInt(int64(len(prefix))+pad+int64(len(suffix)), 10))
	w.Write(prefix)
	chunk := make([]byte, 32<<10)
	for i := range chunk {
		chunk[i] = 'x'
	}
	for pad > 0 {
		n := min(pad, int64(len(chunk)))
		if _, err := w.Write(chunk[:n]); err != nil {
			return
		}
		pad -= n
	}
	io.WriteString(w, suffix)
}

// ---- in-memory transport ----

// handlerTransport serves requests with a handler in memory. The response
// body streams through a pipe, so slow bodies, resets (a handler panic with
// http.ErrAbortHandler) and cancellation behave as over a connection.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		// Read the body now: handlers may not read it, and the caller
		// must be able to close it.
		data, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req = req.Clone(req.Context())
		req.Body = io.NopCloser(strings.NewReader(string(data)))
		req.ContentLength = int64(len(data))
	}
	if req.Host == "" {
		req.Host = req.URL.Host
	}
	pr, pw := io.Pipe()
	rw := &pipeWriter{header: make(http.Header), pw: pw, ready: make(chan struct{})}
	go func() {
		defer func() {
			if v := recover(); v != nil {
				rw.writeHeader(http.StatusOK)
				pw.CloseWithError(fmt.Errorf("connectortest: connection reset by fake vendor: %w", io.ErrUnexpectedEOF))
				return
			}
			rw.writeHeader(http.StatusOK)
			pw.Close()
		}()
		t.h.ServeHTTP(rw, req)
	}()
	select {
	case <-rw.ready:
	case <-req.Context().Done():
		pr.CloseWithError(req.Context().Err())
		return nil, req.Context().Err()
	}
	resp := &http.Response{
		Status:        fmt.Sprintf("%d %s", rw.status, http.StatusText(rw.status)),
		StatusCode:    rw.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        rw.sent,
		Body:          &ctxBody{pr: pr, ctx: req.Context()},
		ContentLength: -1,
		Request:       req,
	}
	if cl := rw.sent.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil {
			resp.ContentLength = n
			resp.Body = &ctxBody{pr: pr, ctx: req.Context(), limit: n, limited: true}
		}
	}
	return resp, nil
}

type pipeWriter struct {
	header http.Header
	sent   http.Header
	pw     *io.PipeWriter
	once   sync.Once
	ready  chan struct{}
	status int
}

func (w *pipeWriter) Header() http.Header  { return w.header }
func (w *pipeWriter) WriteHeader(code int) { w.writeHeader(code) }
func (w *pipeWriter) writeHeader(code int) {
	w.once.Do(func() {
		w.status = code
		w.sent = w.header.Clone()
		close(w.ready)
	})
}
func (w *pipeWriter) Write(p []byte) (int, error) {
	w.writeHeader(http.StatusOK)
	return w.pw.Write(p)
}
func (w *pipeWriter) Flush() { w.writeHeader(http.StatusOK) }

// ctxBody is a response body that fails once the request's context ends,
// and reports io.ErrUnexpectedEOF when fewer than Content-Length bytes come.
type ctxBody struct {
	pr      *io.PipeReader
	ctx     context.Context
	limit   int64
	limited bool
	read    int64
	stop    func() bool
}

func (b *ctxBody) Read(p []byte) (int, error) {
	if b.stop == nil {
		b.stop = context.AfterFunc(b.ctx, func() { b.pr.CloseWithError(b.ctx.Err()) })
	}
	n, err := b.pr.Read(p)
	b.read += int64(n)
	if err == io.EOF && b.limited && b.read < b.limit {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (b *ctxBody) Close() error {
	if b.stop != nil {
		b.stop()
	}
	return b.pr.Close()
}
