// Package connectortest tests connectors without a network: [Replay] runs a
// connector against recorded HTTP exchanges, and [Server] is a fake vendor
// that serves generated users for tests and benchmarks.
//
// # Replay fixtures
//
// Replay(t, dir) runs every *.txtar file in dir as one scenario (a subtest
// named after the file). A scenario is a txtar archive: free text first (say
// where the recorded shapes come from), then sections, each introduced by a
// line "-- NAME --":
//
//	Two pages via a Link header. Shapes from https://developer.example.com/users.
//	-- 1.request --
//	GET /api/v1/users?limit=200 HTTP/1.1
//	Authorization: SSWS {{api_key}}
//	Accept: application/json
//
//	-- 1.response --
//	HTTP/1.1 200 OK
//	Content-Type: application/json
//	Link: <{{base_url}}/api/v1/users?after=00u2&limit=200>; rel="next"
//
//	[{"id": "00u1", "profile": {"email": "a@example.com"}}]
//	-- 2.request --
//	GET /api/v1/users?after=00u2&limit=200 HTTP/1.1
//
//	-- 2.response --
//	HTTP/1.1 200 OK
//	Content-Type: application/json
//
//	[{"id": "00u2", "profile": {"email": "b@example.com"}}]
//	-- want.json --
//	[
//	  {"id": "00u1", "email": "a@example.com"},
//	  {"id": "00u2", "email": "b@example.com"}
//	]
//
// The sections:
//
//   - "N.request" (N = 1, 2, ...): the Nth request the connector must send,
//     in HTTP/1.1 wire form: a request line "METHOD TARGET [HTTP/1.1]"
//     (TARGET is path?query, or an absolute URL whose path and query are
//     used), then header lines, then a blank line and an optional body.
//     The method and path must match exactly; the query is compared as
//     parsed values (order does not matter, every parameter must match,
//     none may be missing or extra). Only the headers listed are checked
//     (each must have exactly the listed value; Host and Content-Length are
//     ignored). A non-empty body is compared as JSON when it parses as JSON,
//     as form values when the request is form-encoded, else as text
//     (surrounding space ignored); an empty body is not checked.
//   - "N.response": the answer to request N in HTTP/1.1 wire form: a status
//     line "HTTP/1.1 200 OK", headers, a blank line, the body. Any
//     Content-Length is replaced by the body's real length.
//   - "want.json": the users the run must deliver, a JSON array of
//     saasconnect.User in its JSON form (snake_case, empty fields omitted).
//     It is compared after normalising both sides through saasconnect.User
//     (so unknown keys are errors and times compare as instants); Raw is
//     never compared. Run the test with -update to rewrite this section
//     from what the connector produced, then read the diff before
//     committing it.
//   - "want.licenses.json", "want.applications.json", "want.assignments.json"
//     (optional): after the users run, the same connector lists each of
//     these resources the scenario names, in this order (its requests follow
//     the users listing's in the numbering), and the listing must end
//     without error and yield exactly this JSON array of
//     saasconnect.License, Application or Assignment values (their JSON
//     form; [] for none). -update rewrites these sections too.
//   - "want.status" (optional): the Report's Status, one of succeeded
//     (default), partial, failed, cancelled.
//   - "want.err" (optional): the error Run must return: a sentinel name
//     (ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited,
//     ErrCursorLoop, ErrTooManyPages), matched with errors.Is, or else a
//     substring of the error's text.
//   - "settings.json" (optional): a JSON object of strings merged over the
//     directory's settings for this scenario only.
//   - "now" (optional): the RFC 3339 time the connector's clock reads
//     (activity classification, Report times) and, in simulated time, the
//     time the run starts at; default is WithClock's time or
//     2026-01-01T00:00:00Z.
//
// Any other section name is an error. Requests and responses may hold
// {{name}} placeholders, replaced before matching or serving by the value of
// the setting name, so fixtures never hold credentials: write
// "Authorization: Bearer {{api_key}}" and put a fake key in settings.json.
// {{basic:username:password}} is an HTTP Basic credential, "Basic " and the
// base64 of the two named settings' values joined by a colon, for
// "Authorization: {{basic:client_id:client_secret}}".
// {{base_url}} (and {{token_url}}, {{login_url}}) are the replay server's
// addresses (see below); {{server_url}} is the bare server URL
// (http://replay.localhost). An unknown placeholder is an error. In a
// form-encoded request body, a field whose whole value is {{*}} matches any
// non-empty value (a signed JWT assertion, which changes every run).
//
// # Template, settings and the replay server
//
// The template comes from the WithTemplate option, else from
// dir/template.json. Settings are dir/settings.json (a JSON object of
// strings, optional), then WithSettings, then the scenario's own
// settings.json, later ones winning. Each scenario gets its own replay
// server, an http.Server reached over in-memory connections (net.Pipe): no
// socket is opened. The base_url setting (and token_url and login_url when
// the template declares them) is pointed at it: the server's scheme and
// host (http://replay.localhost) replace the configured value's (or the
// default's), and the path is kept, so a base_url default of
// "https://graph.microsoft.com/v1.0" becomes "http://replay.localhost/v1.0"
// and the fixture's requests read "GET /v1.0/users HTTP/1.1". A token_url
// or login_url written relative to base_url ("{base_url}/oauth/token")
// simply follows it.
//
// Requests must come in the order of the fixture. An unexpected request
// (one that does not match the next expected one, or one more than
// expected) fails the scenario, showing the request received and the one
// expected, and gets a 501 reply; an expected request that was never made
// fails it too. Secret setting values are shown as {{name}} in failure
// messages.
//
// The connector runs with a fixed clock (the scenario's now), no prefetch,
// and a retry policy whose backoff starts at 1ms; the template's rate_limit
// and the Retry-After (or X-RateLimit-Reset) of throttling responses are
// honoured as in production. WithConnectorOptions adds options of your own
// (an HTTP client of your own would bypass the replay server).
//
// # Simulated time
//
// When t is a *testing.T, each scenario is a parallel subtest that runs in
// a testing/synctest bubble: time is simulated. Every wait the connector
// makes (the rate limit, Retry-After, backoff, timeouts) passes on the
// bubble's fake clock as soon as nothing else can happen, so a 20/minute
// rate limit or a "Retry-After: 30" costs no wall time while the limiter
// and the retry logic run exactly as they would against the vendor. The
// bubble's clock is set to the scenario's now before the run, so a
// Retry-After HTTP date or an X-RateLimit-Reset instant is read against
// now. A scenario must not wait for anything outside the bubble (a real
// network connection, a goroutine started before Replay).
//
// With another testing.TB (a *testing.B, say) the scenarios run one after
// another in t itself, in real time, each failure prefixed with the
// scenario's name: fixtures meant for that should keep waits short.
//
// # The -update flag
//
// Importing this package defines the test flag -update (unless a flag of
// that name is already defined, whose value is then used): go test
// ./vendors/ -update rewrites every want.json section. Do not define an
// -update flag of your own in a test package that imports connectortest
// (read Updating instead); WithUpdate sets it per call, and the environment
// variable CONNECTORTEST_UPDATE=1 turns it on too.
package connectortest
