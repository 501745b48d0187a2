package paginate

import (
	"crypto/sha256"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// fingerprint returns a fixed-size digest of what req asks for: its
// method, origin, path, query and body. Two requests with the same
// fingerprint fetch the same page, so a walk keeps the fingerprints of the
// requests it has sent (32 bytes each, however long the cursors) to refuse
// a loop before it fetches a page again.
//
// The query is compared decoded and sorted by name (values of one name
// keep their order), so a link back to "?$top=2" matches the walk's own
// "?%24top=2"; the host and scheme compare case-insensitively and a
// default port equals no port.
func fingerprint(req *http.Request) [sha256.Size]byte {
	h := sha256.New()
	field := func(s string) {
		io.WriteString(h, strconv.Itoa(len(s)))
		io.WriteString(h, ":")
		io.WriteString(h, s)
	}
	u := req.URL
	field(req.Method)
	field(strings.ToLower(u.Scheme))
	field(strings.ToLower(hostPort(u)))
	field(u.Path)
	for _, kv := range sortedQuery(u.RawQuery) {
		field(kv[0])
		field(kv[1])
	}
	if req.GetBody != nil {
		if body, err := req.GetBody(); err == nil {
			io.WriteString(h, "body:")
			io.Copy(h, body)
			body.Close()
		}
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum
}

// sortedQuery returns the decoded pairs of rawQuery sorted by name, stably.
func sortedQuery(rawQuery string) [][2]string {
	var pairs [][2]string
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		pairs = append(pairs, [2]string{unescape(k), unescape(v)})
	}
	slices.SortStableFunc(pairs, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return pairs
}

func unescape(s string) string {
	if d, err := url.QueryUnescape(s); err == nil {
		return d
	}
	return s
}

// maxQuoted is the longest URL an error quotes.
const maxQuoted = 512

// clip cuts s to maxQuoted bytes (on a UTF-8 boundary), saying how long it
// was.
func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "...(" + strconv.Itoa(len(s)) + " bytes)"
}
