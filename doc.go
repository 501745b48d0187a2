// Package saasconnect builds SaaS user-discovery connectors: programs that log
// in to a SaaS vendor's admin API, page through its users, map each vendor
// record onto one common [User], keep the ones that match filters, classify
// how recently each user was active, and hand the result to the caller (a Go
// service, a JSON Lines file, or the Flexera One import API).
//
// This root package holds the model: [User], [Status] and [ActivityState]. It
// imports none of the other packages of the module; they all import it.
//
// # Getting started
//
// Pick a prebuilt vendor, give it its settings, and range over its users:
//
//	tmpl, err := vendors.Get("okta")
//	if err != nil { ... }
//	c, err := connector.New(tmpl, "okta-prod", connector.Settings{
//		"okta_domain": "acme.okta.com",
//		"api_key":     os.Getenv("OKTA_TOKEN"),
//	})
//	if err != nil { ... }
//	report, err := c.Run(ctx, func(u saasconnect.User) error {
//		fmt.Println(u.Email, u.Activity, u.LastActivity)
//		return nil
//	})
//
// [connector.Connector.Users] gives the same users as an iterator
// (iter.Seq2[User, error]) for callers that want to break early. Memory stays
// flat in the number of users: nothing holds them all unless the caller does.
//
// From the shell, the same run is
//
//	saasconnect run --vendor okta --setting okta_domain=acme.okta.com --format table
//
// with the secret taken from the SAASCONNECT_API_KEY environment variable.
// `go run ./cmd/saasconnect demo` runs a real connector against an embedded
// fake vendor with no network and no credentials.
//
// # Templates
//
// A connector is declared by a JSON template, one file per vendor, with the
// steps of a custom connector: general (slug, name, vendor, settings),
// authentication ("auth"), request, pagination, response mapping, filters
// and activity. [connector.ParseTemplate] rejects unknown keys with their
// path; [connector.Template.Validate] reports every problem at once, each a
// *connector.TemplateError with a JSON path such as "pagination.cursor_path"
// or "filters[1].operator". [connector.Template.Settings] lists what a user
// must supply, secrets marked. `saasconnect validate FILE` and
// `saasconnect settings FILE` do the same from the shell.
//
// Settings fill {placeholders} in URLs, headers, query values and login
// bodies. A placeholder that starts a URL ({base_url}) is inserted verbatim,
// one in the path is path-escaped, one in a query value query-escaped. Every
// URL comes from a setting with a default, so tests and self-hosted tenants
// can point it elsewhere.
//
// # Authentication
//
// Package auth adds credentials to requests through one small interface,
// auth.Authenticator, composed as an http.RoundTripper (auth.Transport).
// Templates choose a method: none, api_key (Bearer, SSWS, token or a raw key,
// in any header or a query parameter), basic, oauth2 (client credentials,
// password or refresh token grants; client credentials in the Basic header or
// the form body, as the template says: nothing is auto-detected; the token in
// Authorization or any header, with or without a prefix) and session
// (POST a login body, read the token from the response body or a header).
// Tokens are cached, refreshed before they expire, fetched once for many
// concurrent callers, and refreshed once more after a 401. Secret values are
// auth.Secret, which prints as [REDACTED] in fmt and slog.
//
// # Pagination
//
// Package paginate walks a listing page by page: offset_limit, page_number,
// cursor_limit (a cursor from the body, or the last record's id),
// link_header (RFC 8288 rel="next") and next_url (a URL in the body, such as
// Graph's @odata.nextLink). A walk stops on an empty page, a short page, a
// reached total, has_more false or a missing cursor, and fails loudly on a
// repeated cursor, on max_pages, and on a next link to another origin.
// With connector.WithPrefetch, offset and page walks whose total is known
// fetch several pages at once and still deliver them in order.
//
// # Mapping
//
// Package mapping turns one decoded vendor record into a [User]. The
// template's response.fields maps system fields (id, email, name,
// first_name, last_name, status, role, department, title) to paths; other
// keys land in [User.Extra]. Paths are dot paths ("profile.email",
// "emails[0].value", `["@odata.nextLink"]`), evaluated directly, or JSONPath
// expressions, compiled once. Timestamps are auto-detected (RFC 3339 with or
// without zone, date only, Workfront's layout, epoch seconds and
// milliseconds) unless time_format declares one (unix, unix_ms, dotnet,
// rfc3339 or a Go layout), and returned in UTC. A
// record with neither email nor id is an error on that record, never an empty
// user. response.fallback_fields gives a field alternative paths for records
// that lack the first (Graph's email: mail, else userPrincipalName), and
// response.value_maps a table from vendor values to text (Zoom's license
// type 1, 2, 3 as basic, licensed, on_prem).
// mapping.Suggest proposes a mapping from a sample record
// (`saasconnect suggest --sample FILE`).
//
// # Filters
//
// Package filter keeps the records that match every condition
// {field, operator, value} of the template: equal, not_equal, in, not_in,
// contains, not_contains, starts_with, ends_with, matches (RE2), exists and
// not_exists, compared type-aware on the vendor record, including fields the
// template does not map. {"any": [...]} and {"not": {...}} group conditions.
//
// # Activity
//
// Package activity classifies each user as active, inactive (no activity in
// inactive_after, 30 days by default), never (the vendor reports activity
// and this user has none) or unknown (the vendor reports no activity), and
// sums a run up in an activity.Summary.
//
// # Running, reports and schedules
//
// [connector.Connector.Run] returns a connector.Report, the execution log:
// status (succeeded, partial, failed, cancelled), requests, retries, pages,
// records seen, kept and filtered, per-record mapping errors, the kept
// users by account status (pending invitations included) and the activity
// summary. A run that stopped early is never succeeded, and a page
// that fails after its retries fails the run: nothing is truncated quietly.
// Every connector retries 429, 502, 503 and 504 (and the template's retry_on
// statuses, and a 403 carrying Retry-After or X-RateLimit-Remaining: 0, as
// GitHub sends) with backoff, Retry-After or X-RateLimit-Reset; a page whose
// body says it failed (response.success_path) fails the run with the
// vendor's message. Every connector waits on the template's rate_limit,
// refuses plain http except to loopback and never sends credentials to
// another origin. connector.Schedule and connector.Scheduler run connectors
// daily (23:00 local by default), correctly across daylight-saving changes.
// connector.Consolidate merges the users of several instances of one vendor.
//
// # Testing a connector
//
// Package connector/connectortest runs a connector offline. Replay serves
// recorded request/response pairs from txtar files, fails on an unexpected or
// a missing request, and compares the users with a golden want.json
// (-update rewrites it). Server is an in-process fake vendor with any
// pagination style, an auth check, latency and injected faults.
//
// # Delivery
//
// Package flexera delivers users to the Flexera One SaaS Management Import
// Jobs API, with incremental loads computed from the previous run's
// snapshot.
//
// # Security
//
// Trusted: the template (its URLs, auth method and mapping are what a
// connector does), the settings the operator supplies, and the files the
// operator names. Not trusted: everything a vendor sends back (status
// lines, headers, bodies, next links, records) and everything Flexera sends
// back. The SDK keeps to these rules:
//
//   - Credentials go only to the template's own origins: the API base URL
//     and the token or login URL the template declares. A next link, cursor
//     URL or redirect to another origin is refused rather than followed
//     with credentials, and token, login and Flexera requests never follow
//     redirects at all.
//   - Secrets (settings whose names say so, such as api_key, client_secret
//     and password, the tokens obtained at run time, and Flexera's refresh
//     token) are redacted in every output: errors, logs at every level,
//     Report, %v of any value, and URLs in any encoding. A supplied setting
//     that is not secret may refer to other settings ({region}), never to a
//     secret one: {api_key} in org would put the key in URLs and access
//     logs, so it is a validation error naming the setting. A path
//     placeholder may not be . or .., which would change the path.
//   - Everything read from the network is bounded: response bodies have a
//     size cap, pagination stops on a repeated cursor and on max_pages with
//     bounded memory for cursor tracking, and JSONPath queries such as $..
//     are evaluated with bounded work.
//   - Files: templates, *.connector.json, Flexera state files and the
//     ca_file are read only when they are regular files, up to a fixed size
//     (16 MiB; 4 MiB for ca_file), so /dev/zero or a FIFO is an error, not
//     a hang. The command line tool's reads and runs stop on SIGINT and
//     SIGTERM. The schedule command reads only regular *.connector.json
//     files (no symbolic links) and quotes at most a short, escaped excerpt
//     of a file in its errors. A state file is validated before anything
//     in it is sent to Flexera, and an exclusive lock beside it
//     (flexera.LockState) keeps two deliveries from using it at once.
//   - Output: --output replaces a regular file atomically, keeping its mode
//     and owner, and only after a run that walked the whole listing; it
//     writes through a symbolic link to the file it names, streams to a
//     device, FIFO or - (stdout), and refuses a directory before any
//     request. Vendor text written to a terminal (--format table, error
//     lines, the run report) has control characters escaped, so it cannot
//     retitle the window, clear the screen or forge rows; --format csv
//     prefixes cells that start with = + - @ tab or CR with ' so that
//     spreadsheets show them as text (--csv-raw writes them verbatim).
//
// TLS verification is never disabled; trust a private CA with ca_file.
//
// # Flow of execution
//
// connector.New validates the template, checks the settings, and compiles the
// mapping, the filters and the pagination once. Each run then, page by page:
// builds the request from the template and the pagination state; sends it
// through retry(rate limit(auth(base transport))), where every attempt waits
// on the limiter and carries a fresh token; streams the body under a size cap
// and decodes it; extracts the records at response.records_path; for each
// record applies the filters, the mapping and the activity classification
// and hands the user to the caller; and asks the pagination for the next
// page, until a stop rule holds. The runnable programs in examples/ show each
// step from Go.
package saasconnect
