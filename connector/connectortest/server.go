package connectortest

import (
	"cmp"
	"net/http"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/fakevendor"
	"github.com/saasconnect/saasconnect/internal/fakevendor/fvtemplate"
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
}

// fake converts c to the fake vendor's configuration, applying DefaultNow
// as it reads when the server starts.
func (c ServerConfig) fake() fakevendor.ServerConfig {
	fc := fakevendor.ServerConfig{
		Users: c.Users, Pagination: fakevendor.Pagination(c.Pagination), PageSize: c.PageSize, ReportTotal: c.ReportTotal,
		Auth: fakevendor.Auth(c.Auth), Latency: c.Latency, Now: cmp.Or(c.Now, DefaultNow), TokenTTL: c.TokenTTL,
	}
	for _, f := range c.Faults {
		fc.Faults = append(fc.Faults, fakevendor.Fault{
			Kind: fakevendor.FaultKind(f.Kind), Page: f.Page, Times: f.Times, Status: f.Status,
			RetryAfter: f.RetryAfter, Delay: f.Delay, Size: f.Size,
		})
	}
	return fc
}

// DefaultNow is the default reference time of generated activity and of
// Replay's clock.
var DefaultNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Server is an in-process fake vendor: it serves cfg.Users generated users
// with the configured paging, auth check, latency and faults. Pages are
// generated on the fly into reused buffers, so a Server of a million users
// holds none of them. Template and Settings make a real connector read it.
//
// A Server is safe for concurrent use. Start one with NewServer (a loopback
// httptest.Server) or NewInMemoryServer (no listener: use Client, inside
// testing/synctest bubbles too). Close it when done.
type Server struct {
	s   *fakevendor.Server
	cfg ServerConfig // with defaults applied
}

func newServer(fs *fakevendor.Server, cfg ServerConfig) *Server {
	fc := fs.Config()
	cfg.Pagination, cfg.PageSize, cfg.Auth = Pagination(fc.Pagination), fc.PageSize, Auth(fc.Auth)
	cfg.Now, cfg.TokenTTL = fc.Now, fc.TokenTTL
	return &Server{s: fs, cfg: cfg}
}

// NewServer starts a Server on a loopback httptest.Server.
func NewServer(cfg ServerConfig) *Server {
	return newServer(fakevendor.NewServer(cfg.fake()), cfg)
}

// NewInMemoryServer returns a Server with no listener: requests reach it
// only through Client (or Transport), which call the handler in memory.
// Its URL is a loopback address nothing listens on. Use it inside a
// testing/synctest bubble, where a real listener would keep the bubble
// from ever being idle.
func NewInMemoryServer(cfg ServerConfig) *Server {
	return newServer(fakevendor.NewInMemoryServer(cfg.fake()), cfg)
}

// Close shuts the listener down (blocking until outstanding requests end).
// It is a no-op for an in-memory Server.
func (s *Server) Close() { s.s.Close() }

// URL is the server's base URL, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return s.s.URL() }

// Handler returns the server's handler, for use with a custom transport.
func (s *Server) Handler() http.Handler { return s.s.Handler() }

// Client returns an HTTP client that reaches the server: the httptest
// client, or for an in-memory server one whose Transport is Transport().
func (s *Server) Client() *http.Client { return s.s.Client() }

// Transport returns a RoundTripper that serves every request with the
// server's handler in memory, whatever its host, streaming the body.
func (s *Server) Transport() http.RoundTripper { return s.s.Transport() }

// Requests returns how many requests the server has received (token and
// login requests, and failed ones, included).
func (s *Server) Requests() int { return s.s.Requests() }

// Config returns the configuration with defaults applied.
func (s *Server) Config() ServerConfig { return s.cfg }

// Settings returns the settings that make Template's connector read this
// server: base_url, the credentials its Auth needs, and token_url or
// login_url.
func (s *Server) Settings() connector.Settings { return s.s.Settings() }

// TemplateJSON returns the template Template parses, as JSON.
func (s *Server) TemplateJSON() []byte { return fvtemplate.JSON(s.s) }

// Template returns a template that reads this server (see TemplateJSON):
// fields id, email, name, first_name, last_name, status, role, department,
// title and the extra "seat"; the filter type == "User"; activity from
// last_activity_at, application "Fake App". Each call returns a new
// template the caller may change.
func (s *Server) Template() connector.Template { return fvtemplate.Template(s.s) }

// User returns the user a connector made from Template maps record i
// (0-based) onto, and whether the template's filter keeps it. Activity is
// classified against Config().Now with the default 30 days; Connector is
// left empty.
func (s *Server) User(i int) (u saasconnect.User, kept bool) { return s.s.User(i) }

// Users returns the users a connector made from Template delivers, in
// order (see User). It holds them all: for big servers use User and Kept.
func (s *Server) Users() []saasconnect.User { return s.s.Users() }

// Kept returns how many of the generated users the template's filter keeps.
func (s *Server) Kept() int { return s.s.Kept() }
