package paginate

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/url"
	"slices"
	"strings"

	"github.com/saasconnect/saasconnect/internal/redact"
)

// ErrCheckpointMismatch is wrapped by the error of a walk resumed from a
// [Checkpoint] taken on another listing (another Config or first request),
// and by [Checkpoint.UnmarshalBinary] for bytes that are not a checkpoint of
// a version this package reads.
var ErrCheckpointMismatch = errors.New("paginate: checkpoint does not belong to this listing")

// checkpointVersion is the first byte of a marshalled Checkpoint.
const checkpointVersion = 1

// A Checkpoint is the position of a walk between two pages: what the next
// request needs (the offset or page number, the cursor, or the next URL),
// so that [Walker.WalkFrom] continues the walk without repeating a request
// the earlier walk sent. The zero Checkpoint is "before the first page".
//
// It also holds the number of pages and records so far, so max_pages and
// total_path keep their meaning across a resume, and a SHA-256 fingerprint
// of the listing (the Config and the first request's method, URL and body,
// with the values of credential-like query parameters and body keys left
// out, and without the headers), so it cannot be applied to another
// listing. Loop detection starts afresh at the resumed page: a loop that
// spans the resume is still ended by max_pages.
//
// A next URL (always on the first request's origin) is stored without its
// scheme, host and user info, without the part of its path it shares with
// the first request's path (a secret setting in users_url's path stays
// out), and without its credential-like query parameters: the names
// [redact.IsSecretName] recognises (token, key, secret, signature, sid,
// ...) and [Walker.SecretParams] (an API key the HTTP client adds as a
// query parameter). WalkFrom takes the origin, the shared path and the
// values of those parameters back from the first request; a parameter the
// first request does not carry is left to the HTTP client (the auth layer
// adds its own again). So a marshalled Checkpoint holds none of the
// caller's credentials and is safe in a database row, a workflow heartbeat
// or a log. Names that say they are a position (containing page, skip,
// next, cursor, continuation or offset: Graph's $skiptoken, pageToken) are
// kept, as a cursor_limit cursor is: they are the vendor's position, not a
// credential, and cannot be derived again.
//
// A Checkpoint is a value: copies are independent and safe to share.
type Checkpoint struct {
	set        bool // false: the zero Checkpoint
	done       bool
	pages      int // pages fetched before the position
	count      int // records received before the position
	total      int // the latest total (total_path); -1 unknown
	totalPages int // the latest page total; -1 unknown
	index      int
	cursor     string
	prefix     int      // the next URL's path starts with this many bytes of the first's
	url        string   // the rest of the next URL's path and its query, without secret parameters
	dropped    []string // the names of the query parameters taken out of url
	bind       [sha256.Size]byte
}

// IsZero reports whether c is the zero Checkpoint: the walk's start.
func (c Checkpoint) IsZero() bool { return !c.set }

// Done reports whether the walk had reached its end at c: resuming from it
// yields nothing and sends no request.
func (c Checkpoint) Done() bool { return c.done }

// Pages returns the number of pages the walk had fetched before c.
func (c Checkpoint) Pages() int { return c.pages }

// Position returns a digest of c's position (the listing, the page count
// and the next request's offset, page, cursor or URL, not the record
// counts): the same for two checkpoints taken at the same place of the
// same listing, whatever walk took them. It is all zeros for the zero
// Checkpoint.
func (c Checkpoint) Position() [sha256.Size]byte {
	if !c.set {
		return [sha256.Size]byte{}
	}
	pos := c
	pos.count, pos.total, pos.totalPages = 0, 0, 0
	b, _ := pos.MarshalBinary()
	return sha256.Sum256(b)
}

// MarshalBinary encodes c: a version byte, then the position. The zero
// Checkpoint encodes as no bytes.
func (c Checkpoint) MarshalBinary() ([]byte, error) {
	if !c.set {
		return []byte{}, nil
	}
	b := make([]byte, 0, 64+len(c.cursor)+len(c.url))
	var flags byte
	if c.done {
		flags |= 1
	}
	b = append(b, checkpointVersion, flags)
	b = append(b, c.bind[:]...)
	for _, n := range []int{c.pages, c.count, c.total, c.totalPages, c.index, c.prefix} {
		b = binary.AppendVarint(b, int64(n))
	}
	b = appendString(b, c.cursor)
	b = appendString(b, c.url)
	b = binary.AppendVarint(b, int64(len(c.dropped)))
	for _, d := range c.dropped {
		b = appendString(b, d)
	}
	return b, nil
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// UnmarshalBinary decodes what MarshalBinary encoded. Bytes of another
// version, or damaged ones, are an error wrapping [ErrCheckpointMismatch]
// that names the byte offset.
func (c *Checkpoint) UnmarshalBinary(b []byte) error {
	if len(b) == 0 {
		*c = Checkpoint{}
		return nil
	}
	d := decoder{b: b}
	if v := d.byte(); v != checkpointVersion {
		return fmt.Errorf("%w: version %d at byte 0 (want %d)", ErrCheckpointMismatch, v, checkpointVersion)
	}
	out := Checkpoint{set: true}
	out.done = d.byte()&1 != 0
	copy(out.bind[:], d.bytes(sha256.Size))
	for _, p := range []*int{&out.pages, &out.count, &out.total, &out.totalPages, &out.index, &out.prefix} {
		*p = d.varint()
	}
	out.cursor = d.string()
	out.url = d.string()
	n := d.varint()
	for i := 0; i < n && d.err == nil; i++ {
		out.dropped = append(out.dropped, d.string())
	}
	if d.err == nil && d.off != len(b) {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return d.err
	}
	*c = out
	return nil
}

// MarshalText encodes c as unpadded base64url of MarshalBinary: a string
// for JSON, a header or a database column.
func (c Checkpoint) MarshalText() ([]byte, error) {
	b, _ := c.MarshalBinary()
	return base64.RawURLEncoding.AppendEncode(nil, b), nil
}

// UnmarshalText decodes what MarshalText encoded.
func (c *Checkpoint) UnmarshalText(text []byte) error {
	b, err := base64.RawURLEncoding.AppendDecode(nil, text)
	if err != nil {
		return fmt.Errorf("%w: not base64url: %v", ErrCheckpointMismatch, err)
	}
	return c.UnmarshalBinary(b)
}

// decoder reads a marshalled Checkpoint, remembering the first error.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s at byte %d", ErrCheckpointMismatch, what, d.off)
	}
}

func (d *decoder) byte() byte {
	if d.err != nil || d.off >= len(d.b) {
		d.fail("truncated")
		return 0
	}
	d.off++
	return d.b[d.off-1]
}

func (d *decoder) bytes(n int) []byte {
	if d.err != nil || n < 0 || len(d.b)-d.off < n {
		d.fail("truncated")
		return nil
	}
	d.off += n
	return d.b[d.off-n : d.off]
}

func (d *decoder) varint() int {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b[d.off:])
	if n <= 0 || v != int64(int(v)) {
		d.fail("bad number")
		return 0
	}
	d.off += n
	return int(v)
}

func (d *decoder) string() string {
	if d.err != nil {
		return ""
	}
	n, k := binary.Uvarint(d.b[d.off:])
	if k <= 0 || n > uint64(len(d.b)) {
		d.fail("bad length")
		return ""
	}
	d.off += k
	return string(d.bytes(int(n)))
}

// WalkFrom is [Walker.Walk] continuing after the page at which from was
// taken (a [Response.Next]); the zero from starts at the first page, like
// Walk. The first request must be the one the earlier walk started with
// (the same listing): a checkpoint of another Config or first request
// yields an error wrapping [ErrCheckpointMismatch] before any request. A
// from that is Done yields nothing. Page numbers (in errors and for
// max_pages) continue from from.Pages(). With Prefetch, pages that were in
// flight when the earlier walk stopped are requested again.
//
// The iterator has Walk's contract otherwise: each range starts again at
// from.
func (w *Walker) WalkFrom(ctx context.Context, first Request, from Checkpoint) iter.Seq2[Response, error] {
	return w.walkFrom(ctx, first, from)
}

// bindListing returns the fingerprint of the listing that p and first
// walk: the Config and the first request's method, URL and body, without
// the headers and without the values of secret query parameters and body
// keys (a rotated credential keeps a checkpoint valid).
func bindListing(c Config, first *Request, secret func(string) bool) [sha256.Size]byte {
	h := sha256.New()
	cj, _ := json.Marshal(c)
	field := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	field(string(cj))
	field(first.Method)
	u := first.URL
	field(strings.ToLower(u.Scheme))
	field(strings.ToLower(hostPort(u)))
	field(u.EscapedPath())
	for _, kv := range sortedQuery(u.RawQuery) {
		field(kv[0])
		if !secret(kv[0]) {
			field(kv[1])
		}
	}
	if first.Body != nil {
		bj, _ := json.Marshal(stripSecretKeys(first.Body, secret))
		io.WriteString(h, "body:")
		h.Write(bj)
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// stripSecretKeys returns v with the values of secret-named object keys
// replaced by a marker.
func stripSecretKeys(v any, secret func(string) bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if secret(k) {
				out[k] = "(secret)"
				continue
			}
			out[k] = stripSecretKeys(e, secret)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = stripSecretKeys(e, secret)
		}
		return out
	}
	return v
}

// secretParam returns the walker's test for secret query parameter names.
func (w *Walker) secretParam() func(string) bool {
	extra := slices.Clone(w.SecretParams)
	return func(name string) bool {
		return redact.IsSecretName(name) || slices.ContainsFunc(extra, func(e string) bool { return strings.EqualFold(e, name) })
	}
}

// credentialParam returns the test for the query parameters a Checkpoint
// leaves out of a next URL: the Walker's SecretParams, and the
// credential-like names that first's URL carries (see [Checkpoint]).
func (w *Walker) credentialParam(first *Request) func(string) bool {
	extra := slices.Clone(w.SecretParams)
	return func(name string) bool {
		if slices.ContainsFunc(extra, func(e string) bool { return strings.EqualFold(e, name) }) {
			return true
		}
		if !redact.IsSecretName(name) {
			return false
		}
		lower := strings.ToLower(name)
		return !slices.ContainsFunc(positionWords, func(w string) bool { return strings.Contains(lower, w) })
	}
}

// positionWords mark a credential-like query parameter name as a paging
// position ($skiptoken, pageToken, next_token, continuationToken).
var positionWords = []string{"page", "skip", "next", "cursor", "continuation", "offset"}

// checkpoint returns the checkpoint of the walk s at pos, the position of
// the next request.
func (s *walk) checkpoint(pos position) Checkpoint {
	c := Checkpoint{
		set: true, pages: pos.n - 1, count: s.count, total: s.total, totalPages: s.totalPages,
		index: pos.index, cursor: pos.cursor, bind: s.bind,
	}
	if pos.url != nil {
		c.prefix, c.url, c.dropped = stripURL(pos.url, s.first.URL, s.credential)
	}
	return c
}

// doneCheckpoint is the checkpoint after the last page, pos.
func (s *walk) doneCheckpoint(pos position) Checkpoint {
	return Checkpoint{set: true, done: true, pages: pos.n, count: s.count, total: s.total, totalPages: s.totalPages, bind: s.bind}
}

// stripURL returns how many bytes of first's path u's path starts with
// (up to a "/"), the rest of u's path and its query without the pairs
// whose name is secret, and those names.
func stripURL(u, first *url.URL, secret func(string) bool) (int, string, []string) {
	path, firstPath := u.EscapedPath(), first.EscapedPath()
	prefix := 0
	for i := 0; i < len(path) && i < len(firstPath) && path[i] == firstPath[i]; i++ {
		if path[i] == '/' {
			prefix = i + 1
		}
	}
	if path == firstPath {
		prefix = len(path)
	}
	var keep []string
	var dropped []string
	for part := range strings.SplitSeq(u.RawQuery, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if name := unescape(k); secret(name) {
			if !slices.Contains(dropped, name) {
				dropped = append(dropped, name)
			}
			continue
		}
		keep = append(keep, part)
	}
	rest := path[prefix:]
	if len(keep) > 0 || u.ForceQuery {
		rest += "?" + strings.Join(keep, "&")
	}
	return prefix, rest, dropped
}

// resume returns the position that from describes, for the walk s whose
// first request is s.first: the stored next URL gets back the first
// request's values of the parameters taken out of it.
func (s *walk) resume(from Checkpoint) (position, error) {
	if from.bind != s.bind {
		return position{}, fmt.Errorf("%w (another Config or first request)", ErrCheckpointMismatch)
	}
	pos := position{n: from.pages + 1, index: from.index, cursor: from.cursor}
	s.count, s.total, s.totalPages = from.count, from.total, from.totalPages
	if from.url == "" {
		return pos, nil
	}
	first := s.first.URL
	firstPath := first.EscapedPath()
	if from.prefix < 0 || from.prefix > len(firstPath) {
		return position{}, fmt.Errorf("%w (its next URL's path)", ErrCheckpointMismatch)
	}
	ref, err := url.Parse(firstPath[:from.prefix] + from.url)
	if err != nil || ref.IsAbs() || ref.Host != "" {
		return position{}, fmt.Errorf("%w (its next URL)", ErrCheckpointMismatch)
	}
	u := &url.URL{Scheme: first.Scheme, Host: first.Host, Path: ref.Path, RawPath: ref.RawPath, RawQuery: ref.RawQuery, ForceQuery: ref.ForceQuery}
	firstQuery := first.RawQuery
	for _, name := range from.dropped {
		for part := range strings.SplitSeq(firstQuery, "&") {
			if k, _, _ := strings.Cut(part, "="); part != "" && unescape(k) == name {
				if u.RawQuery != "" {
					u.RawQuery += "&"
				}
				u.RawQuery += part
			}
		}
	}
	pos.url = u
	return pos, nil
}

// String describes c for logs: the page count and whether the walk was
// done, never the cursor or URL.
func (c Checkpoint) String() string {
	switch {
	case !c.set:
		return "paginate.Checkpoint(start)"
	case c.done:
		return fmt.Sprintf("paginate.Checkpoint(done after %d pages)", c.pages)
	}
	return fmt.Sprintf("paginate.Checkpoint(after page %d)", c.pages)
}

// GoString is String, for %#v.
func (c Checkpoint) GoString() string { return c.String() }
