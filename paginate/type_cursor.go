package paginate

import (
	"context"
	"fmt"
	"net/http"
)

// CursorLimit: CursorField carries the cursor read from CursorPath of the
// previous response (or of its last record, with "$last.<path>"), and
// LimitField the page size (default 100).
const CursorLimit Type = "cursor_limit"

// cursorLimit is [CursorLimit]: the position is the cursor read from
// cursor_path of the previous response, or of its last record ("$last").
type cursorLimit struct{}

func (cursorLimit) step(*plan) int { return 0 }

// shortPageEnds: a short page ends a last-id walk; a body cursor is
// trusted instead.
func (cursorLimit) shortPageEnds(p *plan) bool { return p.fromLast }

func (cursorLimit) prepare(p *plan, c Config) {
	if p.size == 0 && c.LimitField != "" {
		p.size = DefaultCursorPageSize
	}
}

func (cursorLimit) build(p *plan, pos position, set func(field string, v any)) {
	set(p.limit, p.size)
	if pos.cursor != "" {
		set(p.cursor, pos.cursor)
	}
}

func (cursorLimit) advance(ctx context.Context, w *walk, _ *http.Request, pos position, resp *Response) (position, bool, error) {
	p := w.p
	var v any
	if p.fromLast {
		// A last record without the cursor field is a mapping mistake,
		// not the end of the listing: stopping would lose records.
		last := resp.Records[len(resp.Records)-1]
		got, ok, err := p.cursorPath.Eval(ctx, last)
		if err != nil {
			return position{}, true, fmt.Errorf("cursor_path: %w", err)
		}
		if !ok || got == nil {
			return position{}, true, fmt.Errorf("cursor_path: no %s in the last record", p.cursorPath)
		}
		v = got
	} else {
		var err error
		if v, _, err = p.cursorSrc.get(ctx, resp); err != nil {
			return position{}, true, fmt.Errorf("cursor_path: %w", err)
		}
	}
	cursor, err := toCursor(v)
	if err != nil {
		return position{}, true, fmt.Errorf("cursor_path: %w", err)
	}
	if cursor == "" {
		return position{}, true, nil
	}
	if err := p.checkCursorLen("cursor_path", len(cursor)); err != nil {
		return position{}, true, err
	}
	return position{n: pos.n + 1, cursor: cursor}, false, nil
}
