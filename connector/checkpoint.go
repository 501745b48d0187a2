package connector

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/paginate"
)

// ErrCheckpointMismatch is matched (errors.Is) by the error of a walk
// resumed from a [Checkpoint] that another connector, template or settings
// produced, and by [Checkpoint.UnmarshalBinary] for bytes that are not a
// checkpoint this version reads. A walk refused this way sends no request.
var ErrCheckpointMismatch = errors.New("connector: checkpoint is for another template or settings")

// ErrNotResumable is matched by the error of an LDAP walk resumed from a
// checkpoint that is not Done: the paged-results cookie that positions an
// LDAP search is valid only on the connection that received it, so a
// directory search cannot continue in another process. Walk it again from
// the zero Checkpoint (users are upserted by User.Key, so a repeated page
// is harmless).
var ErrNotResumable = errors.New("connector: an LDAP search cannot resume from a checkpoint (the paged-results cookie is valid only on its connection): start again from the zero Checkpoint")

// checkpointVersion is the first byte of a marshalled Checkpoint.
const checkpointVersion = 1

// A Checkpoint is the position of a walk between two pages: what the next
// page request needs (a [paginate.Checkpoint]: offset, page number,
// cursor or next URL), the run's id, and a fingerprint that binds it to
// one connector. [Connector.Pages] hands one out after every page, and
// [Report.Checkpoint] holds the last one a [Connector.RunFrom] reached;
// give it to Pages, [Connector.UsersFrom] or RunFrom of a Connector built
// from the same template, name and settings (in another process, days
// later) to continue with the next page, without repeating a request.
//
// The zero Checkpoint is the start of a new run with a random run id;
// [NewCheckpoint] is the start of a run whose id the caller chooses.
//
// The fingerprint is a SHA-256 of the connector name, the template's
// source, request, pagination and ldap blocks, and the values of the
// settings that are not secret. Secret settings enter it by name only, so
// rotating a credential keeps a checkpoint valid, and a Checkpoint holds no
// secret (see [paginate.Checkpoint] for next URLs). Resuming with another
// template, name or setting value is an error matching
// [ErrCheckpointMismatch].
//
// It is opaque and versioned: MarshalBinary (under 100 bytes plus the
// cursor or next URL) and MarshalText (base64url) for storage. A
// Checkpoint is a value, safe to copy and share.
type Checkpoint struct {
	run   string // the run id; "" before it is chosen
	set   bool   // false: before the first page
	done  bool
	ldap  bool
	pages int
	bind  [sha256.Size]byte
	walk  paginate.Checkpoint // HTTP sources
}

// NewCheckpoint returns the start of a run identified by runID (a workflow
// id, a job id): the Page keys of the run derive from it, so a run started
// again after a crash, before any checkpoint was saved, yields the same
// keys. An empty runID gets a random one, as the zero Checkpoint does.
func NewCheckpoint(runID string) Checkpoint { return Checkpoint{run: runID} }

// IsZero reports whether c is before the first page (a zero or
// NewCheckpoint value).
func (c Checkpoint) IsZero() bool { return !c.set }

// Done reports whether the walk had reached the end at c: resuming from it
// yields nothing and sends no request.
func (c Checkpoint) Done() bool { return c.done }

// Pages returns the number of pages delivered before c, in the whole run.
func (c Checkpoint) Pages() int { return c.pages }

// RunID returns the run's id ("" for the zero Checkpoint: the walk picks
// one).
func (c Checkpoint) RunID() string { return c.run }

// MarshalBinary encodes c: a version byte, flags, the fingerprint, the run
// id, the page count and the walk's position.
func (c Checkpoint) MarshalBinary() ([]byte, error) {
	walk, err := c.walk.MarshalBinary()
	if err != nil {
		return nil, err
	}
	var flags byte
	for i, f := range []bool{c.set, c.done, c.ldap} {
		if f {
			flags |= 1 << i
		}
	}
	b := make([]byte, 0, 48+len(c.run)+len(walk))
	b = append(b, checkpointVersion, flags)
	b = append(b, c.bind[:]...)
	b = binary.AppendUvarint(b, uint64(len(c.run)))
	b = append(b, c.run...)
	b = binary.AppendUvarint(b, uint64(c.pages))
	return append(b, walk...), nil
}

// UnmarshalBinary decodes what MarshalBinary encoded. Bytes of another
// version, or damaged ones, give an error matching
// [ErrCheckpointMismatch] that names the byte offset.
func (c *Checkpoint) UnmarshalBinary(b []byte) error {
	bad := func(off int, what string) error {
		return fmt.Errorf("%w: %s at byte %d", ErrCheckpointMismatch, what, off)
	}
	if len(b) < 2+sha256.Size {
		return bad(len(b), "truncated")
	}
	if b[0] != checkpointVersion {
		return bad(0, fmt.Sprintf("version %d (want %d)", b[0], checkpointVersion))
	}
	out := Checkpoint{set: b[1]&1 != 0, done: b[1]&2 != 0, ldap: b[1]&4 != 0}
	copy(out.bind[:], b[2:])
	off := 2 + sha256.Size
	n, k := binary.Uvarint(b[off:])
	if k <= 0 || n > uint64(len(b)-off-k) {
		return bad(off, "bad run id length")
	}
	off += k
	out.run = string(b[off : off+int(n)])
	off += int(n)
	pages, k := binary.Uvarint(b[off:])
	if k <= 0 || pages > 1<<40 {
		return bad(off, "bad page count")
	}
	out.pages = int(pages)
	off += k
	if err := out.walk.UnmarshalBinary(b[off:]); err != nil {
		return fmt.Errorf("%w: the walk's position at byte %d: %w", ErrCheckpointMismatch, off, err)
	}
	*c = out
	return nil
}

// MarshalText encodes c as unpadded base64url of MarshalBinary.
func (c Checkpoint) MarshalText() ([]byte, error) {
	b, err := c.MarshalBinary()
	if err != nil {
		return nil, err
	}
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

// Page is one page of a listing as [Connector.Pages] delivers it.
type Page struct {
	// Users are the page's mapped users that passed the filters, in the
	// vendor's order.
	Users []saasconnect.User
	// Checkpoint is the position after this page: resume there to continue
	// with the next page. Checkpoint.Done() is true on the last page.
	Checkpoint Checkpoint
	// Key identifies the page within its run: the connector name, the run
	// id, the page number and a digest of the page's request position. It
	// is the same when the page is delivered again by a walk resumed from
	// the checkpoint before it (after a crash that lost the later
	// checkpoint), so a sink can ignore a page it has already stored.
	// Users themselves are upserted by [saasconnect.User.Key]: an offset
	// walk over a changing directory may cut a page differently.
	Key string
	// Number is the page's 1-based number in the whole run, resumes
	// included.
	Number int
	// Seen counts the page's records, Filtered those the filters dropped.
	Seen, Filtered int
	// RecordErrors holds one error per record of the page that could not
	// be mapped ("page P, record R: ..."), as Report.RecordErrors does.
	RecordErrors []error
}

// walkResume is the checkpoint bookkeeping of one walk.
type walkResume struct {
	from Checkpoint // where the walk starts (run id chosen)
	at   Checkpoint // after the last page whose users were all handed out
	// page, when set, is called after each page's users were handed out,
	// with the checkpoint before that page; false stops the walk.
	page func(before Checkpoint) bool
}

// bindConnector returns the fingerprint of a connector named name, built
// from t with the resolved setting values vals (see Checkpoint).
func bindConnector(name string, t Template, vals map[string]string) [sha256.Size]byte {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	field("saasconnect checkpoint")
	field(name)
	listing, _ := json.Marshal(struct {
		Source     string
		Request    RequestSpec
		Pagination paginate.Config
		LDAP       any
	}{t.Source, t.Request, t.Pagination, t.LDAP})
	field(string(listing))
	secret := map[string]bool{}
	for _, s := range t.Settings() {
		secret[s.Name] = s.Secret
	}
	for _, k := range sortedKeys(vals) {
		field(k)
		if secret[k] {
			io.WriteString(h, "(secret)")
			continue
		}
		field(vals[k])
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// initResume sets up checkpoints for a compiled connector: its fingerprint,
// and the auth query parameter that a next URL's checkpoint leaves out.
func (c *Connector) initResume(vals map[string]string) {
	c.bind = bindConnector(c.name, c.tmpl, vals)
	if c.walker != nil && c.tmpl.Auth.QueryParam != "" {
		c.walker.SecretParams = append(c.walker.SecretParams, c.tmpl.Auth.QueryParam)
	}
}

// beginResume checks st.from against c and gives it a run id.
func (c *Connector) beginResume(st *walkState) error {
	from, err := c.startResume(st.from)
	st.from, st.at = from, from
	return err
}

// startResume checks from against c and returns it with a run id.
func (c *Connector) startResume(from Checkpoint) (Checkpoint, error) {
	if from.run == "" {
		var b [8]byte
		rand.Read(b[:])
		from.run = hex.EncodeToString(b[:])
	}
	if !from.set {
		from.bind, from.ldap = c.bind, c.ldap != nil
		return from, nil
	}
	if from.bind != c.bind || from.ldap != (c.ldap != nil) {
		return from, c.wrap(ErrCheckpointMismatch)
	}
	if from.ldap && !from.done {
		return from, c.wrap(ErrNotResumable)
	}
	return from, nil
}

// pagesFrom is pageSource starting at st.from (checked by startResume).
func (c *Connector) pagesFrom(ctx context.Context, st *walkState) iter.Seq2[paginate.Response, error] {
	from := st.from
	switch {
	case from.done:
		return func(func(paginate.Response, error) bool) {}
	case c.ldap != nil || !from.set:
		return c.pageSource(ctx)
	}
	return func(yield func(paginate.Response, error) bool) {
		first, err := c.start(ctx)
		if err != nil {
			yield(paginate.Response{}, err)
			return
		}
		for resp, err := range c.walker.WalkFrom(ctx, first, from.walk) {
			if errors.Is(err, paginate.ErrCheckpointMismatch) {
				err = fmt.Errorf("%w: %w", ErrCheckpointMismatch, err)
			}
			if !yield(resp, err) {
				return
			}
		}
	}
}

// pageDone records the position after resp, whose users were all handed
// out, and calls the walk's page hook.
func (c *Connector) pageDone(st *walkState, resp paginate.Response) bool {
	before := st.at
	next := Checkpoint{run: before.run, set: true, ldap: before.ldap, bind: c.bind, pages: before.pages + 1, walk: resp.Next}
	if !resp.Next.IsZero() {
		next.done = resp.Next.Done()
		next.pages = resp.Next.Pages()
	}
	if c.each != nil && !st.eachLast {
		next.done = false // one walk's end, not the run's (each.go)
	}
	st.at = next
	if st.page != nil {
		return st.page(before)
	}
	return true
}

// finishResume marks the checkpoint of a walk that ended without error as
// Done (an LDAP search learns it has ended only after its last page).
func (st *walkState) finishResume() { st.at.set, st.at.done = true, true }

// pageKey returns the Key of the page after the checkpoint before.
func (c *Connector) pageKey(before Checkpoint, number int) string {
	pos := before.walk.Position()
	return fmt.Sprintf("%s/%s/%d/%x", c.name, before.run, number, pos[:6])
}

// Pages returns an iterator over the listing's pages, starting after the
// page at which from was taken (the zero Checkpoint: the first page; see
// [NewCheckpoint] to name the run). Each Page holds its mapped, kept users,
// the Checkpoint after it and an idempotency Key. It has the HTTP
// behaviour of [Connector.Users]; records that cannot be mapped are
// skipped and listed in their Page's RecordErrors, not in a final error.
//
// A from that another connector, template or settings produced yields an
// error matching [ErrCheckpointMismatch], before any request; a Done from
// yields nothing; a from of an LDAP source that is not Done yields an
// error matching [ErrNotResumable].
//
// The iterator yields at most one error, last, with a zero Page. Breaking
// out of the loop stops the walk with no further request; the Checkpoint
// of the last Page received is where to resume. It is reusable: each range
// starts again at from (a zero from gets a new run id each time). It may
// be ranged over from several goroutines at once.
func (c *Connector) Pages(ctx context.Context, from Checkpoint) iter.Seq2[Page, error] {
	return func(yield func(Page, error) bool) {
		st := walkState{walkResume: walkResume{from: from}}
		var users []saasconnect.User
		var seen, filtered, errs int
		st.page = func(before Checkpoint) bool {
			p := Page{
				Users: users, Checkpoint: st.at, Number: before.pages + 1,
				Seen: st.seen - seen, Filtered: st.filtered - filtered,
				RecordErrors: slices.Clone(st.recordErrs[errs:]),
			}
			p.Key = c.pageKey(before, p.Number)
			users, seen, filtered, errs = nil, st.seen, st.filtered, len(st.recordErrs)
			return yield(p, nil)
		}
		err := c.walk(ctx, &st, func(u saasconnect.User) bool {
			users = append(users, u)
			return true
		})
		if err != nil && !errors.Is(err, errStop) {
			yield(Page{}, err)
		}
	}
}

// UsersFrom is [Connector.Users] starting after the page at which from was
// taken (see [Connector.Pages] for the checks on from). It delivers users
// only; use Pages to learn the checkpoints, or RunFrom and its
// Report.Checkpoint.
func (c *Connector) UsersFrom(ctx context.Context, from Checkpoint) iter.Seq2[saasconnect.User, error] {
	return func(yield func(saasconnect.User, error) bool) {
		st := walkState{walkResume: walkResume{from: from}}
		err := c.walk(ctx, &st, func(u saasconnect.User) bool { return yield(u, nil) })
		switch {
		case errors.Is(err, errStop):
			return
		case err != nil:
			yield(saasconnect.User{}, err)
		case len(st.recordErrs) > 0:
			yield(saasconnect.User{}, c.recordErrors(&st))
		}
	}
}

// String describes c for logs: the run id, the page count and whether the
// walk was done, never the position itself.
func (c Checkpoint) String() string {
	switch {
	case !c.set:
		return fmt.Sprintf("connector.Checkpoint(run %q, start)", c.run)
	case c.done:
		return fmt.Sprintf("connector.Checkpoint(run %q, done after %d pages)", c.run, c.pages)
	}
	return fmt.Sprintf("connector.Checkpoint(run %q, after page %d)", c.run, c.pages)
}

// GoString is String, for %#v.
func (c Checkpoint) GoString() string { return c.String() }
