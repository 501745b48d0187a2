package paginate

import (
	"context"
	"net/http"
)

// LinkHeader: the next page is the RFC 8288 Link header's rel="next"
// target, followed as is.
const LinkHeader Type = "link_header"

// linkHeader is [LinkHeader]: the position is the RFC 8288 Link header's
// rel="next" target.
type linkHeader struct{}

func (linkHeader) prepare(*plan, Config)    {}
func (linkHeader) shortPageEnds(*plan) bool { return false }
func (linkHeader) step(*plan) int           { return 0 }
func (linkHeader) build(p *plan, pos position, set func(field string, v any)) {
	buildFromURL(p, pos, set)
}

func (linkHeader) advance(_ context.Context, w *walk, req *http.Request, pos position, resp *Response) (position, bool, error) {
	raw, err := nextLink(resp.Header)
	if err != nil {
		return position{}, true, err
	}
	return w.followURL("Link header", raw, req, pos)
}
