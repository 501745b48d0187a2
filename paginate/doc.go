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
// paging parameters into the query or into a JSON request body, applies the
// stop rules, and refuses cursor loops, runaway walks and cross-origin next
// links.
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
package paginate
