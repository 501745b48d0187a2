package flexera

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect"
)

// TimeFormat is how roster timestamps are written: ISO-8601 in UTC with
// milliseconds, e.g. 2012-04-23T18:25:43.511Z.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// FormatTime formats t (converted to UTC) with TimeFormat.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeFormat) }

// RosterRecord is one line of an ApplicationRoster file (JSON Lines). The
// JSON names are Flexera's. Timestamps are TimeFormat strings.
type RosterRecord struct {
	UniqueID  string `json:"uniqueId"`
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	// Skus are the license SKUs the user holds (User.Licenses). Flexera
	// forces a full load for a roster that carries skus.
	Skus           []string `json:"skus,omitempty"`
	ActivatedAt    string   `json:"activatedAt"`
	DeactivatedAt  string   `json:"deactivatedAt,omitempty"`
	LastActivityAt string   `json:"lastActivityAt,omitempty"`
}

// sameContent reports whether a and b describe the user the same way
// (activatedAt is bookkeeping and not compared).
func sameContent(a, b RosterRecord) bool {
	return a.UniqueID == b.UniqueID && a.Email == b.Email && a.FirstName == b.FirstName &&
		a.LastName == b.LastName && slices.Equal(a.Skus, b.Skus) && a.LastActivityAt == b.LastActivityAt && a.DeactivatedAt == b.DeactivatedAt
}

// SyncKey chooses the User field that identifies a person across runs; its
// value becomes the record's uniqueId.
type SyncKey string

// The sync keys. SyncKeyEmail (the default) uses the lower-cased email;
// SyncKeyID the vendor's user id.
const (
	SyncKeyEmail SyncKey = "email"
	SyncKeyID    SyncKey = "id"
)

// ParseSyncKey returns the SyncKey named s ("" means SyncKeyEmail).
func ParseSyncKey(s string) (SyncKey, error) {
	switch k := SyncKey(strings.ToLower(strings.TrimSpace(s))); k {
	case "":
		return SyncKeyEmail, nil
	case SyncKeyEmail, SyncKeyID:
		return k, nil
	}
	return "", fmt.Errorf("flexera: unknown sync key %q (want email or id)", s)
}

// Value returns u's value for the key ("" when u has none).
func (k SyncKey) Value(u saasconnect.User) string {
	switch k {
	case SyncKeyID:
		return strings.TrimSpace(u.ID)
	default:
		return strings.ToLower(strings.TrimSpace(u.Email))
	}
}

// SyncMode chooses which changes an incremental load sends.
type SyncMode string

// The sync modes. A full load always sends the whole roster and accepts
// only SyncCreateAndUpdate.
const (
	// SyncCreateAndUpdate sends new users, changed users and removals.
	SyncCreateAndUpdate SyncMode = "create_and_update"
	// SyncCreateOnly sends new users only.
	SyncCreateOnly SyncMode = "create_only"
	// SyncUpdateOnly sends changed users and removals of known users only.
	SyncUpdateOnly SyncMode = "update_only"
)

// ParseSyncMode returns the SyncMode named s ("" means SyncCreateAndUpdate).
func ParseSyncMode(s string) (SyncMode, error) {
	switch m := SyncMode(strings.ToLower(strings.TrimSpace(s))); m {
	case "":
		return SyncCreateAndUpdate, nil
	case SyncCreateAndUpdate, SyncCreateOnly, SyncUpdateOnly:
		return m, nil
	}
	return "", fmt.Errorf("flexera: unknown sync mode %q (want create_and_update, create_only or update_only)", s)
}

// NewRosterRecord builds the roster record of u: uniqueId is key's value,
// activatedAt the given time, lastActivityAt u.LastActivity when set.
// First and last names come from FirstName/LastName, or are split from
// Name ("Ada Lovelace" -> "Ada", "Lovelace"). Skus are u.Licenses, trimmed,
// without blanks and duplicates, in their order (nil when none). It fails when u has no value
// for key.
func NewRosterRecord(u saasconnect.User, key SyncKey, activatedAt time.Time) (RosterRecord, error) {
	id := key.Value(u)
	if id == "" {
		return RosterRecord{}, fmt.Errorf("flexera: user %q has no %s (the sync key)", u.Key(), key)
	}
	first, last := strings.TrimSpace(u.FirstName), strings.TrimSpace(u.LastName)
	if first == "" && last == "" {
		name := strings.Fields(u.Name)
		if len(name) > 0 {
			first = name[0]
			last = strings.Join(name[1:], " ")
		}
	}
	r := RosterRecord{
		UniqueID:    id,
		Email:       strings.TrimSpace(u.Email),
		FirstName:   first,
		LastName:    last,
		ActivatedAt: FormatTime(activatedAt),
	}
	for _, l := range u.Licenses {
		if l = strings.TrimSpace(l); l != "" && !slices.Contains(r.Skus, l) {
			r.Skus = append(r.Skus, l)
		}
	}
	if !u.LastActivity.IsZero() {
		r.LastActivityAt = FormatTime(u.LastActivity)
	}
	return r, nil
}

// gzipFile accumulates JSON lines into one gzip file that must stay under
// max bytes. Its size is measured on the compressed output: bytes the
// compressor has emitted plus a worst-case bound for the bytes it still
// buffers. When that bound would cross the limit the compressor is flushed
// and the exact size checked, so a file is only closed when the next record
// really does not fit.
type gzipFile struct {
	max     int64
	buf     bytes.Buffer
	zw      *gzip.Writer
	pending int64 // uncompressed bytes written since the last flush
	records int
}

// fileOverhead bounds the gzip header, trailer, a sync-flush marker and
// the final block.
const fileOverhead = 64

func newGzipFile(max int64) *gzipFile {
	f := &gzipFile{max: max}
	f.zw = gzip.NewWriter(&f.buf)
	return f
}

// worst bounds the compressed size of n more bytes: deflate never expands
// by more than 5 bytes per 64 KiB stored block.
func worst(n int64) int64 { return n + 5*(n/65535+1) }

// add appends line if the finished file still stays under max. It returns
// false (and writes nothing) when it does not.
func (f *gzipFile) add(line []byte) (bool, error) {
	n := int64(len(line))
	fits := func() bool { return int64(f.buf.Len())+worst(f.pending+n)+fileOverhead < f.max }
	if !fits() {
		if f.pending > 0 {
			if err := f.zw.Flush(); err != nil {
				return false, err
			}
			f.pending = 0
		}
		if !fits() {
			return false, nil
		}
	}
	if _, err := f.zw.Write(line); err != nil {
		return false, err
	}
	f.pending += n
	f.records++
	return true, nil
}

func (f *gzipFile) close() ([]byte, error) {
	if err := f.zw.Close(); err != nil {
		return nil, err
	}
	if int64(f.buf.Len()) >= f.max {
		return nil, fmt.Errorf("flexera: internal error: gzip file of %d bytes is over the %d byte limit", f.buf.Len(), f.max)
	}
	return f.buf.Bytes(), nil
}

// encodedFile is one finished gzip JSON Lines file: records[first:first+count].
type encodedFile struct {
	index        int // 1-based
	first, count int
	data         []byte
}

// encodeFiles writes records as gzip JSON Lines files, each under max
// bytes, calling emit for each file as soon as it is complete (one file is
// held in memory at a time). A record that alone exceeds max is
// ErrRecordTooLarge.
func encodeFiles(records []RosterRecord, max int64, emit func(encodedFile) error) error {
	return encodeRecords(records, func(r RosterRecord) string { return r.UniqueID }, max, emit)
}

// encodeRecords is encodeFiles for any record type; key names a record in
// errors.
func encodeRecords[T any](records []T, key func(T) string, max int64, emit func(encodedFile) error) error {
	var (
		f     *gzipFile
		first int
		index int
		line  bytes.Buffer
	)
	enc := json.NewEncoder(&line)
	enc.SetEscapeHTML(false)
	finish := func(end int) error {
		data, err := f.close()
		if err != nil {
			return err
		}
		index++
		ef := encodedFile{index: index, first: first, count: end - first, data: data}
		f = nil
		return emit(ef)
	}
	for i, r := range records {
		line.Reset()
		if err := enc.Encode(r); err != nil { // Encode appends the '\n'
			return fmt.Errorf("flexera: encoding record %q: %w", key(r), err)
		}
		if f == nil {
			f, first = newGzipFile(max), i
		}
		ok, err := f.add(line.Bytes())
		if err != nil {
			return err
		}
		if ok {
			continue
		}
		if f.records == 0 {
			return fmt.Errorf("flexera: record %q (%d bytes): %w (%d bytes)", key(r), line.Len(), ErrRecordTooLarge, max)
		}
		if err := finish(i); err != nil {
			return err
		}
		f, first = newGzipFile(max), i
		if ok, err := f.add(line.Bytes()); err != nil {
			return err
		} else if !ok {
			return fmt.Errorf("flexera: record %q (%d bytes): %w (%d bytes)", key(r), line.Len(), ErrRecordTooLarge, max)
		}
	}
	if f != nil && f.records > 0 {
		return finish(len(records))
	}
	return nil
}
