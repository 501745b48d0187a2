package paginate

import (
	"context"
	"net/http"
)

// PageNumber: PageField carries the page number (Start, default 1) and
// PageSizeField the page size. With In "path" there is no PageField: the
// page number replaces {page} in the request URL's path.
const PageNumber Type = "page_number"

// pageNumber is [PageNumber]: the position index is the page number,
// starting at 1 unless Config.Start says otherwise.
type pageNumber struct{}

func (pageNumber) shortPageEnds(*plan) bool { return true }
func (pageNumber) step(*plan) int           { return 1 }

func (pageNumber) prepare(p *plan, c Config) {
	if c.Start == nil {
		p.start = 1
	}
	if p.inPath {
		p.page = PagePlaceholder // set puts it in the path
	}
}

func (pageNumber) build(p *plan, pos position, set func(field string, v any)) {
	set(p.page, pos.index)
	set(p.pageSize, p.size)
}

func (pageNumber) advance(_ context.Context, _ *walk, _ *http.Request, pos position, _ *Response) (position, bool, error) {
	return position{n: pos.n + 1, index: pos.index + 1}, false, nil
}
