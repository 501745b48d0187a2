// Package flexera delivers saasconnect users to Flexera One SaaS Management
// through its Import Jobs API, as an ApplicationRoster of one managed app.
//
// The flow, per Flexera's documentation: get an access token from
// login.flexera.<region>/oidc/token (refresh-token or client-credentials
// grant); create a SaaSData (POST /saas/v1/orgs/{org}/saas-data, the id
// comes back in Location); upload the gzip JSON Lines file into it (PATCH,
// Content-Encoding: gzip, Checksum: hex MD5 of the bytes sent); create an
// import job naming up to ten SaaSData ids (POST .../import-jobs); poll it
// until it is completed or failed.
//
// Most callers need three calls:
//
//	cfg, err := flexera.ConfigFromEnv() // FLEXERA_REFRESH_TOKEN or FLEXERA_CLIENT_ID + FLEXERA_CLIENT_SECRET
//	c, err := flexera.New(cfg)
//	rep, err := c.Deliver(ctx, flexera.DeliverRequest{Org: "123", App: "4af2", Load: flexera.LoadIncremental, StatePath: path}, users)
//
// # Incremental loads and the state file
//
// Deliver keeps a snapshot of what Flexera has been told (State, a JSON
// file written atomically) and diffs each run against it by a sync key
// (the lower-cased email by default). A full load sends the whole roster and
// Flexera deactivates users missing from it; an incremental load sends only
// the created, updated and removed users (removals with deactivatedAt set),
// filtered by the sync mode. A record's activatedAt is the time its user was
// first seen, kept in the state. The state is written only after the import
// jobs completed, so a run that fails anywhere (upload, job creation, a
// failed job, a crash) leaves it unchanged and the next run sends the same
// changes again.
//
// # Licenses and SSO applications
//
// A roster record carries skus, the user's licenses (User.Licenses).
// Flexera forces a full load for a roster with skus, so Deliver sends one
// even when asked for an incremental load, and says so in the report's
// Notes and the dry-run plan (NoteSkusForceFull). DeliverApplications sends
// the SSO applications an identity-provider connector lists as an
// ApplicationDiscovery import, which Flexera accepts as a full load only
// (see NewDiscoveryRecord for the fields).
//
// # Concurrency
//
// A Client, an OIDCTokenSource and a Secret are safe for concurrent use.
// Token fetches are single-flight (package auth's OAuth2): one request in
// flight, other callers wait (or give up with their ctx). Two Deliver calls
// must not share a state file at the same time.
//
// # Errors
//
// Every method honours its ctx, including waits for retries and polls.
// Non-success API responses are *APIError (the goa error body decoded; 423
// matches ErrAlreadyUploaded, 404 ErrNotFound, 429 ErrRateLimited); token
// failures are *TokenError; a failed import job is *JobFailedError carrying
// Flexera's job errors (errors.Is ErrJobFailed). Throttled requests (429)
// are retried after retry-after, capped by Config.MaxRetryWait, up to
// Config.MaxAttempts; 502, 503, 504 and connection resets are retried for
// GET only, never for a POST or PATCH the server may have acted on. Token
// requests follow no redirect, API requests only redirects on the API's own
// origin (scheme, host and port): a redirect elsewhere is an error naming
// both redacted URLs, so no credential leaves for another host. Errors name
// the method and the redacted URL, the setting or the file path, and never
// contain a credential: credentials are Secret values, which print as
// [REDACTED].
package flexera
