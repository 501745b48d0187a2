package paginate

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"iter"
)

// Errors a walk can end with. They are always wrapped (see [PageError]), so
// test for them with [errors.Is].
var (
	// ErrCursorLoop means the API returned a cursor or next URL that the
	// walk had already used: following it would loop forever.
	ErrCursorLoop = errors.New("paginate: API returned a cursor or next URL it had already returned")

	// ErrTooManyPages means the walk would have needed more than
	// Config.MaxPages requests.
	ErrTooManyPages = errors.New("paginate: more pages than max_pages allows")

	// ErrCrossOrigin means the API sent a next link on another scheme or
	// host than the first request. The link is not followed, so credentials
	// are never sent to another origin.
	ErrCrossOrigin = errors.New("paginate: next link is on another origin than the first request")
)

// A Page is one response's worth of items and the cursor that fetches the
// following page. Next is "" on the last page.
type Page[T any] struct {
	Items []T
	Next  string
}

// FetchFunc retrieves the page that starts at cursor ("" means the first
// page). It returns the page's items and the cursor of the page after it, or
// "" when there is none.
type FetchFunc[T any] func(ctx context.Context, cursor string) (Page[T], error)

// Pages returns an iterator over the pages of a listing, starting with the
// page at cursor ("" for the first page) and following each page's Next until
// it is "".
//
// The iterator is reusable: each range over it starts again from cursor. It
// calls fetch once per page, sequentially, and checks ctx before each call.
// Iteration stops after the first error, which is yielded with a zero Page
// and wraps the page number (1 for the page at cursor): a fetch error, ctx's
// error, or [ErrCursorLoop] when a page's Next is a cursor the walk has
// already fetched (that page is yielded first, then the error). Pages keeps
// every cursor it has fetched, to detect loops; it sets no page limit, so
// fetch must end listings of unbounded length itself.
func Pages[T any](ctx context.Context, fetch FetchFunc[T], cursor string) iter.Seq2[Page[T], error] {
	return func(yield func(Page[T], error) bool) {
		seen := map[[sha256.Size]byte]struct{}{sha256.Sum256([]byte(cursor)): {}}
		cur := cursor
		for n := 1; ; n++ {
			if err := ctx.Err(); err != nil {
				yield(Page[T]{}, fmt.Errorf("paginate: page %d: %w", n, err))
				return
			}
			p, err := fetch(ctx, cur)
			if err != nil {
				yield(Page[T]{}, fmt.Errorf("paginate: page %d: %w", n, err))
				return
			}
			if !yield(p, nil) || p.Next == "" {
				return
			}
			key := sha256.Sum256([]byte(p.Next))
			if _, dup := seen[key]; dup {
				yield(Page[T]{}, fmt.Errorf("paginate: page %d: %w", n, ErrCursorLoop))
				return
			}
			seen[key] = struct{}{}
			cur = p.Next
		}
	}
}

// All returns an iterator over every item of every page, in order, with the
// same fetching, error and reuse semantics as [Pages]: at most one error,
// yielded last with a zero item, and each range starts again from cursor.
func All[T any](ctx context.Context, fetch FetchFunc[T], cursor string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p, err := range Pages(ctx, fetch, cursor) {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range p.Items {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// Collect drains seq and returns the items it yielded before the first
// error, together with that error (nil when seq ended cleanly). The item
// yielded beside the error is not included.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}
