// Package redact is the SDK's one redaction policy: what counts as a secret,
// how it is hidden, and how long a quoted response body may be.
//
// Two kinds of secret are hidden:
//
//   - Values of parameters whose names are secret words ([IsSecretName]:
//     access_token, api_key, sid, X-Amz-Signature, ...), in URL queries and
//     fragments and, in free text, wherever they appear as name=value (a
//     relative URL, a form body) or as a JSON member "name": "value". Other
//     values (page, limit, grant_type, account_id, scope, ...) stay
//     readable, so errors keep what is needed to debug. User info
//     (user:password@) is dropped from every URL.
//   - Literal secrets a [Set] knows: configured credentials and the tokens
//     obtained at run time. A Set replaces each of them, in every encoding
//     it travels in or a server could echo (raw, URL query and path escaping,
//     standard and URL base64 with and without padding, JSON string
//     escaping, and base64(user:password) of HTTP Basic), wherever it
//     appears in a text.
//
// Everything hidden is replaced by [Marker]. Quoted response bodies are
// capped at [MaxBody] bytes by [Cap], which never cuts a UTF-8 sequence.
//
// The functions are pure and safe for concurrent use; a *Set is safe for
// concurrent use by multiple goroutines (secrets may be added while other
// goroutines redact). A nil *Set knows no literal secret and applies the
// URL rules only.
package redact

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Marker replaces every hidden value.
const Marker = "[REDACTED]"

// MaxBody is the cap, in bytes, on a response body (or a server message)
// quoted in an error: see [Cap].
const MaxBody = 2 << 10

// MinSecretLen is the shortest literal secret a [Set] replaces. Shorter
// values ("1", "abc") are ignored: replacing them everywhere would mangle
// ordinary text without protecting anything worth protecting.
const MinSecretLen = 4

// truncated ends a text cut by [Cap].
const truncated = "...(truncated)"

// partWords are name parts (split on _ - . space and lower-to-upper case
// changes) that make a parameter or setting name secret.
var partWords = []string{
	"token", "key", "apikey", "secret", "password", "passwd", "pwd", "passphrase",
	"signature", "sig", "auth", "authorization", "credential", "credentials",
	"session", "sessionid", "sid", "assertion", "jwt", "cookie", "bearer", "otp",
}

// containedWords make a name secret wherever they appear in it, for
// run-together names ("hapikey", "accesstoken", "jsessionid").
var containedWords = []string{
	"token", "apikey", "secret", "password", "passwd", "signature", "credential",
	"session", "assertion", "accesskey", "privatekey",
}

// exactNames are secret only as the whole name ("code" is an OAuth2
// authorization code, "country_code" is not a secret).
var exactNames = []string{"code", "pin", "hash"}

// IsSecretName reports whether a query parameter, header or setting name
// names a secret: one of its parts is a secret word (token, key, secret,
// password, signature, sig, auth, credential, session, sid, ...), it
// contains a run-together one (apikey, accesstoken, jsessionid), or it is
// "code". Case does not matter. grant_type, account_id, page, limit and
// scope are not secret names.
func IsSecretName(name string) bool {
	n := strings.ToLower(name)
	if slices.Contains(exactNames, n) {
		return true
	}
	for _, w := range containedWords {
		if strings.Contains(n, w) {
			return true
		}
	}
	for _, p := range NameParts(name) {
		if slices.Contains(partWords, p) {
			return true
		}
	}
	return false
}

// NameParts splits a name on _ - . and spaces and before an upper-case
// letter that follows a lower-case one or a digit ("apiKey" → "api", "key";
// "X-Amz-Signature" → "x", "amz", "signature"), lower-cased: the parts
// [IsSecretName] looks at.
func NameParts(name string) []string {
	var parts []string
	var b strings.Builder
	prevLower := false
	flush := func() {
		if b.Len() > 0 {
			parts = append(parts, strings.ToLower(b.String()))
			b.Reset()
		}
	}
	for _, r := range name {
		switch {
		case r == '_' || r == '-' || r == '.' || unicode.IsSpace(r):
			flush()
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower:
			flush()
		}
		b.WriteRune(r)
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
	}
	flush()
	return parts
}

// Query returns a raw (encoded) query string with the value of every
// parameter named by a secret word ([IsSecretName]) replaced by [Marker].
// The other parameters, their order and their encoding are kept as they
// were, so the result reads like the request that was sent.
func Query(rawQuery string) string { return (*Set)(nil).Query(rawQuery) }

// URL returns u as a string without user info, with the values of secret
// query and fragment parameters replaced by [Marker] (see [Query]). A nil u
// gives "".
func URL(u *url.URL) string { return (*Set)(nil).URL(u) }

// RawURL is [URL] for a string. A string that does not parse as a URL is
// redacted as text: user info and secret parameters of any URL in it are
// hidden.
func RawURL(raw string) string { return (*Set)(nil).RawURL(raw) }

// Cap returns s cut to at most n bytes on a UTF-8 boundary, with
// "...(truncated)" appended when it was cut. Invalid UTF-8 is replaced by
// U+FFFD. Use n = [MaxBody] for response bodies and server messages.
func Cap(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := max(n, 0)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + truncated
}

// Set is a set of literal secrets plus extra secret parameter names, and
// the redactor that hides them (see the package documentation). The zero
// value is empty and ready to use; a nil *Set applies the URL rules only.
// A Set is safe for concurrent use by multiple goroutines.
type Set struct {
	mu       sync.RWMutex
	params   []string   // extra secret parameter names, lower case
	static   []string   // every encoding of every secret of Add and AddBasic
	tokens   [][]string // the encodings of the last MaxTokens tokens, oldest first
	patterns []string   // static and tokens, longest first
}

// MaxTokens is how many run-time tokens a [Set] keeps (see [Set.AddToken]).
const MaxTokens = 16

// New returns a Set holding secrets (see [Set.Add]).
func New(secrets ...string) *Set {
	s := &Set{}
	s.Add(secrets...)
	return s
}

// Add registers secrets: each value of at least [MinSecretLen] bytes, in
// every encoding (raw, url.QueryEscape, url.PathEscape, base64 standard and
// URL alphabets with and without padding, JSON-escaped). Shorter values are
// ignored. A nil s ignores the call.
func (s *Set) Add(secrets ...string) {
	if s == nil {
		return
	}
	var pats []string
	for _, v := range secrets {
		if len(v) < MinSecretLen {
			continue
		}
		pats = append(pats, encodings(v)...)
	}
	s.addPatterns(pats)
}

// AddBasic registers the credentials of HTTP Basic authentication: the
// password as [Set.Add] does, and base64(user:password), as sent in
// "Authorization: Basic ...", with and without the form escaping OAuth2
// client authentication applies to both parts.
func (s *Set) AddBasic(user, password string) {
	if s == nil || password == "" {
		return
	}
	s.Add(password)
	var pats []string
	for _, up := range []string{user + ":" + password, url.QueryEscape(user) + ":" + url.QueryEscape(password)} {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			pats = append(pats, enc.EncodeToString([]byte(up)))
		}
	}
	s.addPatterns(pats)
}

// AddParams registers extra parameter names whose values are secret (for
// example a template's API-key query parameter "k"), compared without
// regard to case. A nil s ignores the call.
func (s *Set) AddParams(names ...string) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, n := range names {
		if n = strings.ToLower(n); n != "" && !slices.Contains(s.params, n) {
			s.params = append(s.params, n)
		}
	}
}

// AddToken registers a token obtained at run time (an access, refresh or
// session token) as [Set.Add] does. Only the last [MaxTokens] tokens are
// kept, so a long-running process that renews its tokens does not grow the
// Set without bound; older tokens have expired or been replaced and are no
// longer sent. A token that is also a secret of Add stays hidden. A nil s
// ignores the call.
func (s *Set) AddToken(token string) {
	if s == nil || len(token) < MinSecretLen {
		return
	}
	enc := encodings(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		if t[0] == token {
			return
		}
	}
	s.tokens = append(s.tokens, enc)
	if len(s.tokens) > MaxTokens {
		s.tokens = slices.Delete(s.tokens, 0, len(s.tokens)-MaxTokens)
	}
	s.rebuild()
}

func (s *Set) addPatterns(pats []string) {
	if len(pats) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range pats {
		if len(p) >= MinSecretLen && !slices.Contains(s.static, p) {
			s.static = append(s.static, p)
		}
	}
	s.rebuild()
}

// rebuild sets patterns from static and tokens; s.mu is held.
func (s *Set) rebuild() {
	pats := slices.Clone(s.static)
	for _, t := range s.tokens {
		for _, p := range t {
			if len(p) >= MinSecretLen && !slices.Contains(pats, p) {
				pats = append(pats, p)
			}
		}
	}
	slices.SortStableFunc(pats, func(a, b string) int { return len(b) - len(a) })
	s.patterns = pats
}

// encodings returns the forms v travels in or is echoed in.
func encodings(v string) []string {
	out := []string{v, url.QueryEscape(v), url.PathEscape(v),
		strings.ReplaceAll(url.QueryEscape(v), "+", "%20")}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		out = append(out, enc.EncodeToString([]byte(v)))
	}
	if j, err := json.Marshal(v); err == nil {
		out = append(out, string(j[1:len(j)-1]))
	}
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	if e.Encode(v) == nil {
		j := strings.TrimSpace(b.String())
		out = append(out, j[1:len(j)-1])
	}
	return out
}

// secretParam reports whether the parameter named name is secret under s.
func (s *Set) secretParam(name string) bool {
	if dn, err := url.QueryUnescape(name); err == nil {
		name = dn
	}
	if IsSecretName(name) {
		return true
	}
	if s == nil {
		return false
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return slices.Contains(s.params, strings.ToLower(name))
}

// Query is the package's [Query] with s's extra parameter names and
// literal secrets.
func (s *Set) Query(rawQuery string) string {
	if rawQuery == "" {
		return ""
	}
	return s.literal(queryNoLiteral(s, rawQuery))
}

// URL is the package's [URL] with s's extra parameter names and literal
// secrets: they are hidden from the path and host too.
func (s *Set) URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.RawQuery = s.Query(c.RawQuery)
	if c.Fragment != "" {
		frag := c.EscapedFragment()
		c.Fragment, c.RawFragment = "", ""
		return s.literal(c.String() + "#" + s.Query(frag))
	}
	return s.literal(c.String())
}

// RawURL is [Set.URL] for a string; one that does not parse is redacted as
// text ([Set.String]).
func (s *Set) RawURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return s.String(raw)
	}
	return s.URL(u)
}

// String returns text with every literal secret of s replaced by [Marker],
// the user info of every http:// or https:// URL in it dropped, and the
// values of secret parameters hidden wherever they appear as name=value
// (a query string, a form body, a relative URL) or as a JSON member
// "name": "value". Every occurrence of a secret in text is hidden: no part
// of the result that is not a Marker contains one.
func (s *Set) String(text string) string {
	text = urlsInText(s, text)
	text = pairsInText(s, text)
	return s.literal(text)
}

// isNameByte reports whether c may be part of a parameter name in text.
func isNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || c == '%'
}

// alreadyHidden reports whether a parameter value is a Marker, alone or
// followed by sentence punctuation ("…?access_token=[REDACTED]: another
// origin"), so redacting text twice leaves it as it was.
func alreadyHidden(v string) bool {
	rest, ok := strings.CutPrefix(v, Marker)
	return ok && strings.Trim(rest, ":.") == ""
}

// pairsInText hides the values of secret parameters in text: name=value
// after a separator (start, ? & ; / , ( quote or space), up to & # ; , )
// < > a quote or space; and "name": "value" JSON string members.
func pairsInText(s *Set, text string) string {
	var b strings.Builder
	last := 0 // text[:last] is written to b
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '=':
			k := i
			for k > last && isNameByte(text[k-1]) {
				k--
			}
			if k == i || (k > 0 && !strings.ContainsRune("?&;/,(\"' \t\r\n", rune(text[k-1]))) {
				continue
			}
			end := i + 1
			for end < len(text) && !strings.ContainsRune("&#;,)<>\"' \t\r\n", rune(text[end])) {
				end++
			}
			if end == i+1 || alreadyHidden(text[i+1:end]) || !s.secretParam(text[k:i]) {
				continue
			}
			b.WriteString(text[last : i+1])
			b.WriteString(Marker)
			last, i = end, end-1
		case '"':
			// "name" \s* : \s* "string"
			k := i + 1
			for k < len(text) && isNameByte(text[k]) {
				k++
			}
			if k == i+1 || k >= len(text) || text[k] != '"' {
				continue
			}
			name := text[i+1 : k]
			j := k + 1
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r') {
				j++
			}
			if j >= len(text) || text[j] != ':' {
				continue
			}
			j++
			for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r') {
				j++
			}
			if j >= len(text) || text[j] != '"' {
				continue
			}
			end := j + 1
			for end < len(text) && text[end] != '"' {
				if text[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(text) || !s.secretParam(name) {
				continue
			}
			b.WriteString(text[last : j+1])
			b.WriteString(Marker)
			last, i = end, end // the closing quote is written with the rest
		}
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// Body returns a response body for an error: redacted ([Set.String]),
// trimmed of surrounding space and capped at [MaxBody] bytes ([Cap]). The
// body may have been cut by a read limit: a tail that is the start of a
// secret (at least [MinSecretLen] bytes of it) is hidden too.
func (s *Set) Body(b []byte) string {
	text := s.String(string(b))
	text = s.tail(text)
	return Cap(strings.TrimSpace(text), MaxBody)
}

// tail hides the longest suffix of text (at least MinSecretLen bytes) that
// is a proper prefix of a secret pattern.
func (s *Set) tail(text string) string {
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	longest := 0
	for _, p := range s.patterns {
		longest = max(longest, prefixSuffix(text, p))
	}
	if longest < MinSecretLen {
		return text
	}
	return text[:len(text)-longest] + Marker
}

// prefixSuffix returns the length of the longest suffix of text that is a
// proper prefix of p, in O(len(p)) time (Knuth-Morris-Pratt).
func prefixSuffix(text, p string) int {
	if len(p) < 2 {
		return 0
	}
	fail := make([]int, len(p))
	for i, k := 1, 0; i < len(p); i++ {
		for k > 0 && p[i] != p[k] {
			k = fail[k-1]
		}
		if p[i] == p[k] {
			k++
		}
		fail[i] = k
	}
	q := 0
	for i := max(0, len(text)-len(p)+1); i < len(text); i++ {
		for q > 0 && (q == len(p) || text[i] != p[q]) {
			q = fail[q-1]
		}
		if text[i] == p[q] {
			q++
		}
	}
	if q == len(p) {
		q = fail[q-1]
	}
	return q
}

// literal replaces every occurrence of every pattern of s with Marker:
// overlapping and adjacent occurrences become one Marker.
func (s *Set) literal(text string) string {
	if s == nil || len(text) < MinSecretLen {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.patterns) == 0 {
		return text
	}
	// Mark every byte covered by an occurrence of a pattern. Occurrences of
	// one pattern are found without overlap: one that overlaps a marked
	// occurrence cannot survive whole.
	var cover []bool
	for _, p := range s.patterns {
		for from := 0; from <= len(text)-len(p); {
			i := strings.Index(text[from:], p)
			if i < 0 {
				break
			}
			if cover == nil {
				cover = make([]bool, len(text))
			}
			for j := from + i; j < from+i+len(p); j++ {
				cover[j] = true
			}
			from += i + len(p)
		}
	}
	if cover == nil {
		return text
	}
	var b strings.Builder
	for i := 0; i < len(text); {
		if !cover[i] {
			b.WriteByte(text[i])
			i++
			continue
		}
		b.WriteString(Marker)
		for i < len(text) && cover[i] {
			i++
		}
	}
	return b.String()
}

// urlsInText redacts user info and secret parameters of each http(s) URL in
// text.
func urlsInText(s *Set, text string) string {
	lower := asciiLower(text) // same length as text, unlike strings.ToLower
	if !strings.Contains(lower, "http://") && !strings.Contains(lower, "https://") {
		return text
	}
	var b strings.Builder
	for {
		i := indexURL(lower)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := len(text)
		if n := strings.IndexFunc(text[i:], endOfURL); n > 0 {
			end = i + n
		}
		b.WriteString(text[:i])
		b.WriteString(redactURLText(s, text[i:end]))
		text, lower = text[end:], lower[end:]
	}
}

// asciiLower returns s with ASCII letters lower-cased, byte for byte.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// indexURL returns the index of the first "http://" or "https://" in lower.
func indexURL(lower string) int {
	i, j := strings.Index(lower, "http://"), strings.Index(lower, "https://")
	switch {
	case i < 0:
		return j
	case j < 0:
		return i
	}
	return min(i, j)
}

// endOfURL reports whether r ends a URL quoted in text.
func endOfURL(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("\"'<>`\\{}|^", r) || r == utf8.RuneError
}

// redactURLText hides user info and secret parameters of one URL found in
// text, keeping everything else byte for byte.
func redactURLText(s *Set, raw string) string {
	scheme, rest, _ := strings.Cut(raw, "://")
	authEnd := strings.IndexAny(rest, "/?#")
	if authEnd < 0 {
		authEnd = len(rest)
	}
	if at := strings.LastIndexByte(rest[:authEnd], '@'); at >= 0 {
		rest = rest[at+1:]
	}
	var frag string
	if h := strings.IndexByte(rest, '#'); h >= 0 {
		rest, frag = rest[:h], "#"+queryNoLiteral(s, rest[h+1:])
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest = rest[:q] + "?" + queryNoLiteral(s, rest[q+1:])
	}
	return scheme + "://" + rest + frag
}

// queryNoLiteral is Query without the literal pass (String does it once).
func queryNoLiteral(s *Set, q string) string {
	var b strings.Builder
	for i, part := range strings.Split(q, "&") {
		if i > 0 {
			b.WriteByte('&')
		}
		k, v, hasVal := strings.Cut(part, "=")
		if hasVal && !alreadyHidden(v) && s.secretParam(k) {
			b.WriteString(k + "=" + Marker)
			continue
		}
		b.WriteString(part)
	}
	return b.String()
}
