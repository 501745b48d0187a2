package paginate

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// NextURL: the next page is the URL at NextURLPath in the response body
// (for example Microsoft Graph's ["@odata.nextLink"]).
const NextURL Type = "next_url"

// nextURL is [NextURL]: the position is the URL at next_url_path in the
// response body.
type nextURL struct{}

func (nextURL) prepare(*plan, Config)    {}
func (nextURL) shortPageEnds(*plan) bool { return false }
func (nextURL) step(*plan) int           { return 0 }
func (nextURL) build(p *plan, pos position, set func(field string, v any)) {
	buildFromURL(p, pos, set)
}

func (nextURL) advance(ctx context.Context, w *walk, req *http.Request, pos position, resp *Response) (position, bool, error) {
	v, _, err := w.p.nextURL.get(ctx, resp)
	if err != nil {
		return position{}, true, fmt.Errorf("next_url_path: %w", err)
	}
	raw, isStr := v.(string)
	if !isStr && v != nil {
		return position{}, true, fmt.Errorf("next_url_path: want a string, got %s", describe(v))
	}
	return w.followURL("next_url_path", raw, req, pos)
}

// buildFromURL sets the page size on the first request of a walk that
// follows links; later pages follow the link as is.
func buildFromURL(p *plan, pos position, set func(field string, v any)) {
	if pos.url == nil {
		set(p.limit, p.size)
	}
}

// followURL returns the position of the next link raw (from key, for
// errors), resolved against req's URL: done when raw is empty, an error
// when it is too long, not a URL, or on another origin than the first
// request.
func (w *walk) followURL(key, raw string, req *http.Request, pos position) (position, bool, error) {
	if raw == "" {
		return position{}, true, nil
	}
	if err := w.p.checkCursorLen(key, len(raw)); err != nil {
		return position{}, true, err
	}
	ref, err := url.Parse(raw)
	if err != nil {
		return position{}, true, errors.New("next link is not a URL")
	}
	next := position{n: pos.n + 1, url: req.URL.ResolveReference(ref)}
	if first := w.first.URL; !sameOrigin(next.url, first) {
		return position{}, true, fmt.Errorf("%w: %s://%s (first request: %s://%s)",
			ErrCrossOrigin, clip(next.url.Scheme), clip(next.url.Host), first.Scheme, first.Host)
	}
	return next, false, nil
}
