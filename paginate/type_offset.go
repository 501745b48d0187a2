package paginate

import (
	"context"
	"net/http"
)

// OffsetLimit: OffsetField carries the index of the first record (Start,
// default 0, then advanced by the records received) and LimitField the page
// size.
const OffsetLimit Type = "offset_limit"

// offsetLimit is [OffsetLimit]: the position index is the offset of the
// page's first record, advanced by the records received.
type offsetLimit struct{}

func (offsetLimit) prepare(*plan, Config)    {}
func (offsetLimit) shortPageEnds(*plan) bool { return true }
func (offsetLimit) step(p *plan) int         { return p.size }

func (offsetLimit) build(p *plan, pos position, set func(field string, v any)) {
	set(p.offset, pos.index)
	set(p.limit, p.size)
}

func (offsetLimit) advance(_ context.Context, _ *walk, _ *http.Request, pos position, resp *Response) (position, bool, error) {
	return position{n: pos.n + 1, index: pos.index + len(resp.Records)}, false, nil
}
