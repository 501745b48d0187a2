package paginate

import (
	"context"
	"net/http"
)

// None: one request, no paging. The zero Type means None.
const None Type = "none"

// none is [None]: one request, no paging.
type none struct{}

func (none) prepare(*plan, Config)                            {}
func (none) build(*plan, position, func(field string, v any)) {}
func (none) shortPageEnds(*plan) bool                         { return false }
func (none) step(*plan) int                                   { return 0 }

func (none) advance(context.Context, *walk, *http.Request, position, *Response) (position, bool, error) {
	return position{}, true, nil
}
