// Package auth adds credentials to outgoing HTTP requests.
//
// An [Authenticator] adds credentials to one request. The strategies are:
//
//   - [None]: nothing, for public APIs.
//   - [APIKey]: a static key in a header (Authorization by default) with an
//     optional token type ("Bearer", "SSWS", "token"), or in a query
//     parameter.
//   - [Basic]: HTTP Basic credentials.
//   - [OAuth2] (from [NewOAuth2]): an access token from an OAuth2 token
//     endpoint through golang.org/x/oauth2: client credentials, resource
//     owner password or refresh token grant, with the client credentials in
//     the Basic header or the form body as configured (never guessed).
//   - [Session] (from [NewSession]): a token from a login request (JSON or
//     form body with {placeholders}), read from the response body or a
//     header, sent in a named header.
//   - [AuthenticatorFunc]: anything else.
//
// [Transport] is the [net/http.RoundTripper] that applies an Authenticator to
// every request: it authenticates a clone of the request, and on a 401 from
// an [Invalidator] (OAuth2, Session) it refreshes the credential and resends
// the request once.
//
// # Concurrency
//
// Every Authenticator in this package, and [Transport], is safe for
// concurrent use by multiple goroutines (APIKey and Basic as long as the
// value is not modified). OAuth2 and Session cache their token and obtain a
// new one single-flight: however many goroutines need a token at the same
// moment, one token or login request is sent and they all use its result.
// Token requests use the ctx of the calls that need the token (for values
// and cancellation; the request is cancelled only when every waiting caller
// has given up); no ctx is stored.
//
// # Secrets and errors
//
// Credentials are held as [Secret], which prints, logs and JSON-encodes as
// "[REDACTED]"; configs can be printed with %v, %+v or %#v safely. A failed
// token or login request is a [*TokenError] carrying the redacted URL (user
// info and the values of secret parameters such as client_secret or
// api_key hidden; account_id, grant_type or scope stay readable), the HTTP
// status and the start of the response body with every configured secret
// and every token obtained so far hidden, in every encoding. OnToken in
// [OAuth2Config] and [SessionConfig] hands each new token to the caller, so
// it can hide it from its own errors and logs. It matches [ErrTokenRequest] with [errors.Is], and
// [ErrInvalidCredentials] when the endpoint rejected the credentials (401, or
// OAuth2 error invalid_client, invalid_grant or unauthorized_client). Invalid
// configurations are reported by NewOAuth2, NewSession and the Validate
// methods as [*ConfigError]s naming the field. No error message of this
// package contains a secret.
package auth
