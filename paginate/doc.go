// Package paginate walks paginated listings, page by page.
//
// It has two layers.
//
// The generic layer turns any "fetch the page at this cursor" function into
// iterators: [Pages] yields whole pages (so a caller can checkpoint
// [Page.Next] after processing a page) and [All] yields the items of every
// page. [Collect] drains an item iterator into a slice.
//
// The HTTP layer, [Walker], follows one of the pagination schemes that SaaS
// admin APIs use, described declaratively by a [Config] (the `pagination`
// section of a connector template): offset and limit, page number, cursor
// (from a JSON path in the body, or from the last record), RFC 8288 Link
// header, or a next URL in the body. It builds each request, injects the
// paging parameters into the query, into a JSON request body or (a page
// number) into the URL path, continues a cursor walk at another URL with
// another body when the API asks for it (Config.NextRequestURL and
// Config.NextRequestBody), applies the stop rules (has-more and last-page
// flags, totals, short pages), and refuses cursor loops, runaway walks and
// cross-origin next links.
//
// # Iterators and errors
//
// Every iterator in this package yields at most one non-nil error, always as
// its last element, with a zero value beside it; it never yields a zero item
// with a nil error as data. Breaking out of a range loop stops the walk: no
// further request is sent. The iterators are reusable: each range over the
// same iterator starts the walk again from the beginning.
//
// The context passed when an iterator is built governs every request of every
// range over it; it is checked between pages, so a cancelled context ends the
// walk with an error that wraps [context.Canceled] (or
// [context.DeadlineExceeded]).
//
// # Resuming a walk
//
// Every [Response] of a Walk carries Next, the [Checkpoint] after it: the
// position of the next request (offset, page number, cursor or next URL,
// the same for every type) plus the page and record counts. It marshals
// (MarshalBinary, MarshalText) to a few dozen bytes plus the cursor or
// URL, without the caller's credentials, and [Walker.WalkFrom] continues a
// walk of the same listing from it, in another process, without repeating
// a request; a checkpoint of another listing is refused with
// [ErrCheckpointMismatch]. A new pagination type gets this for free: its
// position is the walk's.
//
// # Pagination types
//
// [Types] lists the pagination types, each with the [Config] keys it
// requires and accepts, by JSON name; [Config.Validate] checks a Config
// against that list, and a schema of the `pagination` section can be
// generated from it.
//
// # Adding a pagination type
//
// A pagination type is a strategy: how it sets the paging parameters of a
// request, and how it reads the position of the next page from a response.
// Everything else (stop rules on totals and has-more flags, loop detection,
// max_pages, max_cursor_bytes on the position it reports, prefetch
// scheduling, errors) is the walk's, the same for every type. Adding one
// takes one file and one row:
//
//  1. Write type_<name>.go with the Type constant and an unexported type
//     implementing the strategy interface declared in types.go: prepare
//     (defaults), build (the request's paging parameters for a position),
//     advance (the next position, or done), shortPageEnds (whether a short
//     page ends the walk) and step (the index step for prefetching, 0 for
//     none). A position is a page count n plus an index, a cursor or a URL.
//     Read the settings from the compiled plan (p.limit, p.page, p.cursor,
//     p.size, p.cursorPath, ...); a link-following type calls
//     walk.followURL, a cursor type checks its cursor with
//     plan.checkCursorLen.
//  2. Add one row to the registry table in types.go: the name, the keys the
//     type requires, the keys it accepts besides the common ones (in,
//     page_size, total_path, has_more_path, last_page_path, max_pages), and the strategy.
//
// Validate, Walk and Types then know the type; nothing else changes. A type
// that needs a setting Config lacks also needs the field in Config, with its
// JSON tag (Validate reads the keys from the tags). TestRecipeToyType
// registers a toy type this way.
package paginate
