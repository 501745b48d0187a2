package flexera

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect/internal/redact"
)

// Sentinel errors. Test with errors.Is; the typed errors below match them.
var (
	// ErrNoCredentials: the Config names neither a refresh token nor a
	// client credential pair, and an API call was attempted.
	ErrNoCredentials = errors.New("flexera: no credentials (set " + EnvRefreshToken + ", or " + EnvClientID + " and " + EnvClientSecret + ")")
	ErrUnauthorized  = errors.New("flexera: unauthorized") // 401, after one token refresh
	ErrForbidden     = errors.New("flexera: forbidden")    // 403
	ErrNotFound      = errors.New("flexera: not found")    // 404
	ErrRateLimited   = errors.New("flexera: rate limited") // 429 after every attempt
	// ErrAlreadyUploaded: 423 saasdata_locked. The SaaSData already holds a
	// file; Flexera accepts one upload per SaaSData.
	ErrAlreadyUploaded = errors.New("flexera: SaaSData already uploaded (423 saasdata_locked)")
	// ErrJobFailed: an import job ended in status "failed" (see *JobFailedError).
	ErrJobFailed = errors.New("flexera: import job failed")
	// ErrRecordTooLarge: one roster record does not fit in MaxFileSize.
	ErrRecordTooLarge = errors.New("flexera: record larger than the file size limit")
	// ErrTooManyFiles: a full load needs more than MaxSaaSDataPerJob files;
	// it cannot be split over several jobs (each full job would deactivate
	// the users of the others). Deliver finds out before sending anything.
	ErrTooManyFiles = errors.New("flexera: full load needs more files than one import job accepts")
	// ErrEmptyFullLoad: a full load of zero users would deactivate every
	// user of the application; Deliver refuses it unless AllowEmptyFull.
	ErrEmptyFullLoad = errors.New("flexera: refusing a full load with no users")
	// ErrStateMismatch: the state file belongs to another org, app or sync key.
	ErrStateMismatch = errors.New("flexera: state file belongs to another delivery")
)

// APIError is a non-success response from the Flexera API. Name, ID,
// Message, Temporary, Timeout and Fault come from the goa error body
// (application/vnd.goa.error) when there is one; otherwise Body holds the
// start of the response body. Is maps the status code to the sentinels
// (401 ErrUnauthorized, 403 ErrForbidden, 404 ErrNotFound,
// 423 ErrAlreadyUploaded, 429 ErrRateLimited).
type APIError struct {
	Method     string
	URL        string // redacted
	StatusCode int

	Name      string // goa error code, e.g. "saasdata_locked"
	ID        string
	Message   string
	Temporary bool
	Timeout   bool
	Fault     bool

	Body       string        // capped; set when the body is not a goa error
	RetryAfter time.Duration // from a 429's retry-after header
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "flexera: %s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.Name != "" {
		fmt.Fprintf(&b, " %s", e.Name)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.ID != "" {
		fmt.Fprintf(&b, " (error id %s)", e.ID)
	}
	if e.Name == "" && e.Message == "" && e.Body != "" {
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	return b.String()
}

// Is matches the sentinel that corresponds to e.StatusCode.
func (e *APIError) Is(target error) bool {
	switch e.StatusCode {
	case 401:
		return target == ErrUnauthorized
	case 403:
		return target == ErrForbidden
	case 404:
		return target == ErrNotFound
	case 423:
		return target == ErrAlreadyUploaded
	case 429:
		return target == ErrRateLimited
	}
	return false
}

// TokenError is a failed token request. URL is the token endpoint; Body is
// capped and never contains the credentials sent.
type TokenError struct {
	URL        string
	StatusCode int    // 0 when no response arrived
	Name       string // goa error code, when the body is a goa error
	Message    string
	Body       string
	Err        error // transport or decoding error, if any
}

func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "flexera: token request to %s failed", e.URL)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d", e.StatusCode)
	}
	if e.Name != "" {
		fmt.Fprintf(&b, " %s", e.Name)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	} else if e.Body != "" {
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

func (e *TokenError) Unwrap() error { return e.Err }

// Is matches ErrUnauthorized for 400/401/403 answers (bad or revoked
// credentials) and ErrRateLimited for 429.
func (e *TokenError) Is(target error) bool {
	switch e.StatusCode {
	case 400, 401, 403:
		return target == ErrUnauthorized
	case 429:
		return target == ErrRateLimited
	}
	return false
}

// JobFailedError is an import job that ended in status "failed". Job holds
// its last state, Job.Errors the reasons Flexera gave.
type JobFailedError struct {
	Org string
	Job ImportJob
}

func (e *JobFailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "flexera: import job %s (org %s) failed", e.Job.ID, e.Org)
	for i, je := range e.Job.Errors {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(e.Job.Errors)-i)
			break
		}
		b.WriteString("; ")
		b.WriteString(je.String())
	}
	return b.String()
}

// Is matches ErrJobFailed.
func (e *JobFailedError) Is(target error) bool { return target == ErrJobFailed }

// scrub hides every secret value from s, in every encoding it travels in
// (raw, URL-escaped, base64, JSON-escaped; values shorter than
// redact.MinSecretLen bytes are ignored), hides the secret parameters of
// any URL in it, trims it and caps it at redact.MaxBody bytes (the SDK-wide
// cap) on a UTF-8 boundary.
func scrub(s string, secrets ...Secret) string {
	set := redact.New()
	for _, sec := range secrets {
		set.Add(sec.Reveal())
	}
	return set.Body([]byte(s))
}

// requestSecrets returns the credentials the request behind resp carried
// (the bearer token of its Authorization header) and those of cfg, for
// scrubbing its error.
func requestSecrets(cfg Config, resp *http.Response) []Secret {
	secrets := []Secret{cfg.RefreshToken, cfg.ClientSecret}
	if resp != nil && resp.Request != nil {
		h := resp.Request.Header.Get("Authorization")
		if _, tok, ok := strings.Cut(h, " "); ok {
			secrets = append(secrets, Secret(tok))
		}
	}
	return secrets
}
