// Package connector turns a declarative vendor description, a [Template],
// into a working user-discovery [Connector].
//
// A Template is JSON (see [ParseTemplate]) or Go data that says how to
// authenticate (none, api_key, basic, oauth2, session), which URL lists the
// users, how the listing is paged (package paginate), where the records are
// and how each maps onto a saasconnect.User (package mapping), which records
// to keep (package filter) and how to classify activity (package activity).
// [Template.Validate] reports every problem at once, each located by its
// JSON path; [Template.Settings] lists what a user must supply.
//
// # Template format
//
// Every key of the template format, the keys each auth method and
// pagination type accepts, the pagination stop rules, the time formats, the
// placeholder escaping and the HTTP behaviour are documented in
// docs/templates.md at the root of the repository.
//
// # Paths
//
// Keys that locate a value in JSON take a path: a dot path with indexes and
// bracket keys (profile.email, emails[0].value, ["@odata.nextLink"]), or a
// general JSONPath expression (emails[?(@.primary==true)].value).
// Every key that reads a response (pagination cursor_path, next_url_path,
// total_path, total_pages_path, has_more_path; response success_path and
// error_message_path; auth.token_path) may instead read a response header
// as "header:<Name>"; pagination.cursor_path may read the page's last
// record as "$last.<path>". Durations (auth.expires_in, rate_limit.per,
// activity.inactive_after) are Go durations or days ("720h", "90d",
// "1d12h"). The "Paths" section of docs/templates.md has the details.
//
// # Running
//
// [New] binds a Template to [Settings] and compiles everything once. The
// Connector then lists users:
//
//   - [Connector.Users] streams them as an iterator (memory stays flat);
//   - [Connector.Run] calls a function per user and returns a [Report], the
//     run's execution log, with a [RunStatus] of succeeded, partial, failed
//     or cancelled;
//   - [Connector.Pages] yields them page by page with a resumable
//     [Checkpoint] (see "Resuming a walk");
//   - [Connector.Test] makes one authenticated request and explains what is
//     wrong (credentials, URL, records_path, mapping, TLS) as a [*TestError].
//
// A template may also declare licenses, applications and assignments
// listings ([ListingSpec]): [Connector.Licenses], [Connector.Applications]
// and [Connector.Assignments] iterate over them as Users does, and
// [Connector.RunAll] runs every declared listing with one [Report] per
// [Resource]. The listings share one token, one rate limiter and the retry
// policy.
//
// # Resuming a walk
//
// [Connector.Pages] yields the listing page by page, each [Page] with its
// users, the [Checkpoint] after it and an idempotency Key (connector name,
// run id, page number and position). A Checkpoint marshals to a few dozen
// bytes plus the cursor or next URL, holds no secret, and is bound to the
// connector's name, template and non-secret settings. A new Connector built
// from the same three continues the run from a saved Checkpoint with Pages,
// [Connector.UsersFrom] or [Connector.RunFrom] (whose [Report.Checkpoint]
// is where the segment stopped, and whose Reports add up with
// [Report.Merge]), without repeating a request; a checkpoint from anything
// else is refused with [ErrCheckpointMismatch] before any request. A page
// whose checkpoint was lost in a crash is delivered again under the same
// Key: sinks skip a Key they have stored and upsert users by
// saasconnect.User.Key. An LDAP search cannot resume ([ErrNotResumable]).
//
// Every request goes through retry( rate limit( auth( base ) ) ): throttling
// (429, 502, 503, 504, retry_on) and transient failures are retried with
// backoff, honouring Retry-After up to [RetryPolicy.MaxWait]; a 401 forces
// one token refresh. Plain http is refused except to loopback hosts, page
// requests never leave the origin of users_url, TLS verification is never
// disabled (a ca_file setting adds a private CA), bodies are capped
// ([WithMaxBodyBytes]) and secrets never appear in errors, logs or reports.
//
// The examples of [ParseTemplate], [Template.Validate], [New], [Connector.Run]
// and [Connector.Test] show each step; examples/customtemplate in the
// repository is a runnable program with its own template.
//
// # Concurrency
//
// A Connector is safe for concurrent use by multiple goroutines; cached
// tokens are shared between its runs, and fetched once for many waiters.
// Every blocking call takes a context; cancelling it stops the run promptly,
// including during backoff and rate-limit waits.
package connector
