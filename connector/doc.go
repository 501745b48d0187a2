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
// [New] binds a Template to [Settings] and compiles everything once. The
// Connector then lists users:
//
//   - [Connector.Users] streams them as an iterator (memory stays flat);
//   - [Connector.Run] calls a function per user and returns a [Report], the
//     run's execution log, with a [RunStatus] of succeeded, partial, failed
//     or cancelled;
//   - [Connector.Test] makes one authenticated request and explains what is
//     wrong (credentials, URL, records_path, mapping, TLS) as a [*TestError].
//
// # HTTP behaviour
//
// Every request goes through retry( rate limit( auth( base ) ) ): each attempt
// waits on the template's rate_limit and carries a fresh token; a 401 forces
// one token refresh. 429, 502, 503, 504, the template's retry_on statuses,
// connection resets and timeouts are retried with exponential backoff and
// full jitter, honouring Retry-After up to [RetryPolicy.MaxWait]; a server
// asking for longer ends the run with an [*HTTPError] whose RetryAfter says
// when to come back. A 403 that carries Retry-After, or
// X-RateLimit-Remaining: 0 with X-RateLimit-Reset (epoch seconds; GitHub's
// primary and secondary rate limits), is throttling too: it is waited out the
// same way (until the reset, capped by MaxWait) and, when the retries end,
// matches [ErrRateLimited] rather than [ErrForbidden]; any other 403 fails at
// once. A 429 with those headers also waits until the reset. Plain http is refused except to loopback hosts, next
// links and redirects to another origin are refused, TLS verification is
// never disabled (a ca_file setting adds a private CA). Bodies are streamed
// and capped ([WithMaxBodyBytes]); truncated or invalid JSON fails the run
// with the redacted URL and the byte offset, it never ends the listing
// early. Secrets never appear in errors, logs or reports.
//
// # Concurrency
//
// A Connector is safe for concurrent use by multiple goroutines; cached
// tokens are shared between its runs, and fetched once for many waiters.
// Every blocking call takes a context; cancelling it stops the run promptly,
// including during backoff and rate-limit waits.
package connector
