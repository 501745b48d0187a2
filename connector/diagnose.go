package connector

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/internal/jsonscan"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/paginate"
)

// Problem classifies why Connector.Test failed.
type Problem string

// The problems Test tells apart.
const (
	// ProblemCredentials: the vendor or its token endpoint refused the
	// credentials (401, or a failed token/login request), or they lack a
	// permission (403).
	ProblemCredentials Problem = "credentials"
	// ProblemURL: the URL is wrong (404, unknown host, connection refused,
	// refused scheme or origin).
	ProblemURL Problem = "url"
	// ProblemTLS: the server's certificate is not trusted (see ca_file).
	ProblemTLS Problem = "tls"
	// ProblemRecordsPath: the response does not hold records at
	// response.records_path.
	ProblemRecordsPath Problem = "records_path"
	// ProblemMapping: records came back but none could be mapped.
	ProblemMapping Problem = "mapping"
	// ProblemRateLimited: the vendor throttled the request.
	ProblemRateLimited Problem = "rate_limited"
	// ProblemOther: anything else (server errors, invalid JSON, timeouts).
	ProblemOther Problem = "other"
)

// TestError is the error Connector.Test returns: what kind of problem it is,
// a sentence saying what to check, and the underlying error (errors.Is and
// errors.As see through it). Its message holds no secret.
type TestError struct {
	Problem Problem
	Hint    string
	Err     error
}

// Error returns "test failed (<problem>): <hint>: <cause>"; it holds no secret.
func (e *TestError) Error() string {
	return fmt.Sprintf("test failed (%s): %s: %v", e.Problem, e.Hint, e.Err)
}

// Unwrap returns the underlying error.
func (e *TestError) Unwrap() error { return e.Err }

// Test makes one authenticated request, the first page of the listing (plus
// a token or login request when the auth method needs one), and checks that
// records come back at response.records_path and can be mapped. It returns
// nil when they do, or when the listing is empty, and otherwise a *TestError
// that tells bad credentials (401/403, token endpoint failure) from a wrong
// URL (404, DNS, connection refused), a wrong records_path ("response has no
// `seats` key; top-level keys are …") and records that cannot be mapped
// (naming the missing field of the first record). No user is returned.
//
// It then checks each declared resource listing (licenses, applications,
// assignments) the same way, on its first page; the error joins the
// problems of every listing, each naming its listing ("licenses listing:
// test failed ..."), and errors.As finds their *TestError.
func (c *Connector) Test(ctx context.Context) error {
	err := c.testUsers(ctx)
	if len(c.resources) == 0 {
		return err
	}
	if err != nil {
		err = &listingError{resource: ResourceUsers, err: err}
	}
	return errors.Join(err, c.testResources(ctx))
}

// testUsers is Test for the users listing.
func (c *Connector) testUsers(ctx context.Context) error {
	if c.ldap != nil {
		return c.testLDAP(ctx)
	}
	var st walkState
	ctx, cancel := context.WithCancel(transport.WithStats(ctx, &st.stats))
	defer cancel()
	w := paginate.Walker{Config: c.pagination, Fetch: c.fetchFull} // no prefetch: one request
	first, err := c.start(ctx)
	if err != nil {
		return c.explain(err)
	}
	for resp, err := range w.Walk(ctx, first) {
		if err != nil {
			return redactChain(c.redact, c.explain(err))
		}
		return redactChain(c.redact, c.checkRecords(resp.Records))
	}
	return nil
}

// checkRecords maps the first page's records; it fails only when there are
// records and none maps.
func (c *Connector) checkRecords(records []any) error {
	if len(records) == 0 {
		return nil
	}
	var first error
	for i, rec := range records {
		if _, err := c.mapper.Map(rec); err == nil {
			return nil
		} else if first == nil {
			first = fmt.Errorf("page 1, record %d: %w", i, err)
		}
	}
	hint := fmt.Sprintf("the first page has %d records but none could be mapped with response.fields", len(records))
	if m, ok := records[0].(map[string]any); ok {
		hint += "; the first record's keys are " + strings.Join(sortedKeys(m), ", ")
	}
	return &TestError{Problem: ProblemMapping, Hint: hint, Err: c.wrap(first)}
}

// explain classifies a failed first request.
func (c *Connector) explain(err error) error {
	werr := c.wrap(err)
	var he *HTTPError
	var rpe *RecordsPathError
	var respErr *ResponseError
	var dns *net.DNSError
	var uae x509.UnknownAuthorityError
	var hne x509.HostnameError
	var cie x509.CertificateInvalidError
	var te *auth.TokenError
	var refused *transport.RefusedError
	var syntax *jsonscan.SyntaxError
	switch {
	case errors.As(err, &te):
		switch {
		case errors.Is(err, auth.ErrInvalidCredentials):
			return &TestError{Problem: ProblemCredentials, Hint: "bad credentials: the " + te.Op + " was refused; check the client ID and secret (or login values)", Err: werr}
		case te.StatusCode == http.StatusNotFound:
			return &TestError{Problem: ProblemURL, Hint: "wrong token or login URL: it answered 404 Not Found", Err: werr}
		case te.StatusCode == http.StatusTooManyRequests:
			return &TestError{Problem: ProblemRateLimited, Hint: "the " + te.Op + " was throttled; try again later", Err: werr}
		case te.StatusCode >= 500:
			return &TestError{Problem: ProblemOther, Hint: fmt.Sprintf("the %s failed on the server's side (%d)", te.Op, te.StatusCode), Err: werr}
		case te.StatusCode == 0 && (errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)):
			return &TestError{Problem: ProblemURL, Hint: "wrong token or login URL: the host cannot be reached", Err: werr}
		case te.StatusCode == 0:
			return &TestError{Problem: ProblemOther, Hint: "the " + te.Op + " failed", Err: werr}
		}
		return &TestError{Problem: ProblemCredentials, Hint: fmt.Sprintf("the %s was refused (%d %s); check the credentials and scope", te.Op, te.StatusCode, http.StatusText(te.StatusCode)), Err: werr}
	case errors.As(err, &he):
		if he.RateLimited {
			return &TestError{Problem: ProblemRateLimited, Hint: "the vendor is rate limiting requests (403 with rate-limit headers); try again later", Err: werr}
		}
		switch he.StatusCode {
		case http.StatusUnauthorized:
			return &TestError{Problem: ProblemCredentials, Hint: "bad credentials: the vendor answered 401 Unauthorized; check the API key, token or password", Err: werr}
		case http.StatusForbidden:
			return &TestError{Problem: ProblemCredentials, Hint: "credentials accepted but not allowed: the vendor answered 403 Forbidden; the account or token lacks the scope or admin role to list users", Err: werr}
		case http.StatusNotFound:
			return &TestError{Problem: ProblemURL, Hint: "wrong URL: the vendor answered 404 Not Found; check request.users_url and the settings in it (base_url, org, tenant)", Err: werr}
		case http.StatusTooManyRequests:
			return &TestError{Problem: ProblemRateLimited, Hint: "the vendor is throttling requests; try again later", Err: werr}
		}
		return &TestError{Problem: ProblemOther, Hint: fmt.Sprintf("the vendor answered %d %s", he.StatusCode, http.StatusText(he.StatusCode)), Err: werr}
	case errors.As(err, &respErr):
		return &TestError{Problem: ProblemOther, Hint: "the vendor reported a failure in the response body (response.success_path); its message says why", Err: werr}
	case errors.As(err, &rpe):
		return &TestError{Problem: ProblemRecordsPath, Hint: "wrong response.records_path: " + rpe.Error(), Err: werr}
	case errors.As(err, &dns):
		return &TestError{Problem: ProblemURL, Hint: fmt.Sprintf("wrong URL: host %q not found (DNS)", dns.Name), Err: werr}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &TestError{Problem: ProblemURL, Hint: "wrong URL: the connection was refused (nothing listens at that host and port)", Err: werr}
	case errors.As(err, &uae), errors.As(err, &hne), errors.As(err, &cie):
		return &TestError{Problem: ProblemTLS, Hint: "the server's TLS certificate is not trusted; for a private CA set the ca_file setting", Err: werr}
	case errors.As(err, &syntax):
		return &TestError{Problem: ProblemOther, Hint: "the response is not valid JSON (an HTML login or error page? check users_url and the credentials)", Err: werr}
	case errors.As(err, &refused):
		return &TestError{Problem: ProblemURL, Hint: "the URL was refused before sending", Err: werr}
	case errors.Is(err, paginate.ErrCrossOrigin):
		return &TestError{Problem: ProblemURL, Hint: "the vendor pointed to another origin", Err: werr}
	}
	return &TestError{Problem: ProblemOther, Hint: "the first page could not be fetched", Err: werr}
}
