package connector

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sync"

	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/internal/transport"
	"github.com/saasconnect/saasconnect/paginate"
)

// tokenSettings makes settings taken from token responses
// (auth.token_response_settings, Salesforce's instance_url as base_url)
// apply to a run: each walk first obtains a token, then compiles the
// listing's first request with the settings it carries, and requests to the
// resulting origin go through an API client bound to that origin. Values
// are https URLs (or loopback http), checked by the auth package; the
// origin of users_url as compiled at New stays allowed.
//
// It is safe for concurrent use.
type tokenSettings struct {
	src       auth.TokenSettingser
	request   RequestSpec
	vals      map[string]string // settings resolved at New
	newClient func(origin string) *http.Client

	mu      sync.Mutex
	clients map[string]*http.Client // by origin, besides the first one
}

// tokenResponseSettings checks that every setting the auth block's
// token_response_settings fills is a declared setting, and that the token
// and login URLs do not depend on one (they are needed to get the token).
func (v *validator) tokenResponseSettings() {
	t := v.t
	for _, name := range slices.Sorted(maps.Keys(t.Auth.TokenResponseSettings)) {
		path := joinPath("auth.token_response_settings", name)
		if !slices.ContainsFunc(t.Declared, func(s Setting) bool { return s.Name == name }) {
			v.add(path, "names no declared setting: declare %q under settings (its default or supplied value is used until the first token response)", name)
		}
		for _, k := range []string{"token_url", "login_url"} {
			if slices.Contains(placeholders(t.Auth.Value(k)), name) {
				v.add(path, "auth.%s uses {%s}, which is known only after the token request", k, name)
			}
		}
	}
}

// start returns the first request of a walk of the users listing: c.first,
// or, when the auth method reads settings from the token response, the
// first request compiled with them (fetching a token first if none is
// cached).
func (c *Connector) start(ctx context.Context) (paginate.Request, error) {
	if c.tokenSettings == nil {
		return c.first, nil
	}
	return c.startListing(ctx, c.tokenSettings.request, c.tmpl.Pagination, c.first)
}

// startListing is start for any listing: compiled is the listing's first
// request as compiled at New, req and pg its blocks.
func (c *Connector) startListing(ctx context.Context, req RequestSpec, pg paginate.Config, compiled paginate.Request) (paginate.Request, error) {
	ts := c.tokenSettings
	if ts == nil {
		return compiled, nil
	}
	got, err := ts.src.TokenSettings(ctx)
	if err != nil {
		return paginate.Request{}, err
	}
	vals := maps.Clone(ts.vals)
	maps.Copy(vals, got)
	first, err := compileRequest(req, pg, vals)
	if err != nil {
		return paginate.Request{}, fmt.Errorf("with the settings from the token response: %w", err)
	}
	if o := transport.Origin(first.URL); o != transport.Origin(c.first.URL) {
		ts.mu.Lock()
		if ts.clients[o] == nil {
			ts.clients[o] = ts.newClient(o)
		}
		ts.mu.Unlock()
	}
	return first, nil
}

// clientFor returns the API client for a request to u: the one bound to
// u's origin when a token response named it, otherwise c.client (which
// refuses any origin but users_url's).
func (c *Connector) clientFor(u *url.URL) *http.Client {
	ts := c.tokenSettings
	if ts == nil {
		return c.client
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if cl := ts.clients[transport.Origin(u)]; cl != nil {
		return cl
	}
	return c.client
}
