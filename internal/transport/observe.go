package transport

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Observe is the innermost layer, right above the base transport. For each
// request it checks the URL (CheckURL, and Origin when set), counts the
// request in the context's Stats, and logs it at debug level (method,
// redacted URL, status, duration). It is safe for concurrent use by multiple
// goroutines.
type Observe struct {
	Base http.RoundTripper
	// Origin, when set ("https://api.example.com"), is the only scheme+host
	// requests may go to: credentials are never sent elsewhere.
	Origin string
	// Logger gets a debug record per request; nil discards.
	Logger *slog.Logger
	// Redactor redacts URLs in log records; nil uses the default rules.
	Redactor *Redactor
}

// RoundTrip checks, counts, sends and logs req.
func (t *Observe) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := CheckURL(req.URL); err != nil {
		closeBody(req)
		return nil, err
	}
	if t.Origin != "" && Origin(req.URL) != t.Origin {
		closeBody(req)
		return nil, &RefusedError{Msg: fmt.Sprintf("refusing to send a request to %s: only %s is allowed for this connector", t.Redactor.URL(req.URL), t.Origin)}
	}
	StatsFrom(req.Context()).request()
	start := time.Now()
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	resp, err := base.RoundTrip(req)
	if t.Logger != nil && t.Logger.Enabled(req.Context(), slog.LevelDebug) {
		attrs := []slog.Attr{
			slog.String("method", req.Method),
			slog.String("url", t.Redactor.URL(req.URL)),
		}
		if err != nil {
			attrs = append(attrs, slog.String("error", t.Redactor.String(err.Error())))
		} else {
			attrs = append(attrs, slog.Int("status", resp.StatusCode))
		}
		attrs = append(attrs, slog.Duration("duration", time.Since(start)))
		t.Logger.LogAttrs(req.Context(), slog.LevelDebug, "http request", attrs...)
	}
	return resp, err
}

// Origin returns u's scheme and host ("https://api.example.com:8443"),
// lower-cased, default ports removed.
func Origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host
}

// CheckURL refuses URLs a connector must not call: schemes other than https,
// and plain http except to loopback hosts (localhost, 127.0.0.0/8, ::1). The
// error names the redacted URL.
func CheckURL(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		if u.Host == "" {
			return &RefusedError{Msg: fmt.Sprintf("URL %s has no host", RedactURL(u))}
		}
		return nil
	case "http":
		if Loopback(u.Hostname()) {
			return nil
		}
		return &RefusedError{Msg: fmt.Sprintf("refusing plain http URL %s: use https (http is allowed for loopback hosts only)", RedactURL(u))}
	case "":
		return &RefusedError{Msg: fmt.Sprintf("URL %q is not absolute (no scheme)", RedactURL(u))}
	}
	return &RefusedError{Msg: fmt.Sprintf("URL %s: unsupported scheme %q", RedactURL(u), u.Scheme)}
}

// RefusedError is a request the stack refused to send: a scheme other than
// https (or http to loopback), or another origin than the connector's. Msg
// names the redacted URL.
type RefusedError struct{ Msg string }

// Error returns Msg.
func (e *RefusedError) Error() string { return e.Msg }

// Loopback reports whether host is localhost or a loopback IP.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
