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
//     owner password, refresh token or any vendor grant (Zoom's
//     account_credentials) with extra form fields, the client credentials in
//     the Basic header or the form body as configured (never guessed), or a
//     private_key_jwt client assertion signed with
//     github.com/golang-jwt/jwt/v5 instead of a secret.
//   - [OAuth2] from [NewJWTBearer]: the JWT bearer grant of RFC 7523 for
//     service accounts (Google domain-wide delegation, Salesforce), signed
//     by golang.org/x/oauth2/jwt.
//   - [Session] (from [NewSession]): a token from a login request (JSON or
//     form body with {placeholders}, optionally HTTP Basic credentials),
//     read from the response body or a header, sent in a named header.
//
// OAuth2 token responses may carry settings ([OAuth2.TokenSettings]:
// Salesforce's instance_url), checked to be https URLs.
//   - [AuthenticatorFunc]: anything else.
//
// [Transport] is the [net/http.RoundTripper] that applies an Authenticator to
// every request: it authenticates a clone of the request, and on a 401 from
// an [Invalidator] (OAuth2, Session) it refreshes the credential and resends
// the request once (counted as a retry in the run's statistics).
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
// "[REDACTED]" (an empty one as ""); configs can be printed with %v, %+v or
// %#v safely. Token and login requests follow no redirect: a token or
// login endpoint has no business redirecting, and a 307 or 308 would
// resend the credentials in the body (a 301 or 302 to the same host on
// another port the HTTP Basic ones), so a redirect answer fails the request
// with an error naming both redacted URLs. A failed token or login request
// is a [*TokenError] carrying the redacted URL (user info and the values of
// secret parameters such as client_secret or api_key hidden; account_id,
// grant_type or scope stay readable), the HTTP status and the start of the
// response body with every configured secret and every token obtained so
// far hidden, in every encoding. OnToken in [OAuth2Config] and
// [SessionConfig] hands each new token to the caller, so it can hide it
// from its own errors and logs. It matches [ErrTokenRequest] with [errors.Is], and
// [ErrInvalidCredentials] when the endpoint rejected the credentials (401, or
// OAuth2 error invalid_client, invalid_grant or unauthorized_client). Invalid
// configurations are reported by NewOAuth2, NewSession and the Validate
// methods as [*ConfigError]s naming the field. No error message of this
// package contains a secret.
//
// # Templates and the method table
//
// A connector template's auth block is a [Spec]: a method name and the keys
// that method uses, as JSON. [Methods] is the table of methods (none,
// api_key, basic, oauth2, session, jwt_bearer); each row ([MethodInfo]) lists every key
// its method uses ([Key]: JSON name, [KeyKind], required, allowed values),
// the settings it implies ([Setting]), its rules across keys, its
// constructor and its label. [Spec.Validate], [Spec.Settings], [Spec.Build]
// and [Spec.Label] only read the table, and so do the connector package
// and the saasconnect command.
//
// # Adding an auth method
//
// A new method is one file plus one table row:
//
//  1. Write auth/method_<name>.go holding the Authenticator (unless an
//     existing one fits) and its row, var <name>Method = MethodInfo{...}:
//     Name (the template's auth.method), Doc, Keys (every Spec key the
//     method reads, with Required and Missing, or Enum and Invalid), Settings
//     (the secrets it reads through Env.Setting), Check (rules involving
//     several keys, if any), Build (from Spec and [Env] to an Authenticator)
//     and Label (if the name alone says too little).
//  2. Add <name>Method to the methods table in auth/methods.go.
//
// Only a method that needs a key no method has yet also adds that field,
// with its JSON tag, to [Spec] in auth/spec.go. Nothing else changes:
// template validation, the settings a template asks for, connector
// construction and the command's listings all follow the table. (Template
// authors learn of the method from the repository's template reference,
// which documents each method's keys.) methods_test.go registers a toy
// method this way.
package auth
