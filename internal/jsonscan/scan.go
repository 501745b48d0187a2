// Package jsonscan decodes JSON pages by projection: it scans a document's
// bytes once, validating all of it, and materialises only the values at the
// paths a caller asked for, as encoding/json with UseNumber would have
// decoded them (map[string]any, []any, string, json.Number, bool, nil).
// Everything else is skipped without allocating.
//
// It exists for the connector's hot path: a users page holds a records array
// whose elements have many fields, of which a connector reads a handful
// (mapping, filter and activity fields) plus a few pagination values in the
// enclosing document (cursor, total, has_more, next link). A [Decoder] built
// from a [Spec] returns a pruned document in which every requested simple
// path (see package internal/jsonpath) evaluates exactly as it would on the
// fully decoded document, the records as a slice, and, on request, each
// record's raw bytes.
//
// Errors are *[SyntaxError] values whose Offset follows encoding/json's
// convention; a document cut short wraps [ErrTruncated].
package jsonscan

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf8"
)

// maxDepth is encoding/json's nesting limit.
const maxDepth = 10000

// ErrTruncated is wrapped by the *SyntaxError of a document that ends before
// its last value is complete.
var ErrTruncated = errors.New("unexpected end of JSON input")

// ErrTrailingData is wrapped by the *SyntaxError of a document followed by
// something other than white space.
var ErrTrailingData = errors.New("unexpected data after the JSON document")

// SyntaxError is invalid or truncated JSON.
//
// Offset follows encoding/json's *json.SyntaxError: the number of bytes read
// when the error was found, that is the offending byte's index plus one, or
// the input's length when it ends too early (then the error wraps
// ErrTruncated). For trailing data (the error wraps ErrTrailingData) Offset
// is where the document ended, before any white space.
type SyntaxError struct {
	Msg    string
	Offset int64
	err    error
}

func (e *SyntaxError) Error() string { return e.Msg }

// Unwrap returns ErrTruncated, ErrTrailingData or nil.
func (e *SyntaxError) Unwrap() error { return e.err }

// scanner walks one document. pos is the index of the next byte to read.
type scanner struct {
	data  []byte
	pos   int
	depth int
}

// ws marks JSON white space.
var ws = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// strPlain marks string bytes that need no attention: not a quote, not a
// backslash, not a control character, ASCII.
var strPlain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func (s *scanner) skipWS() {
	for s.pos < len(s.data) && ws[s.data[s.pos]] {
		s.pos++
	}
}

func quoteChar(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c == '"' {
		return `'"'`
	}
	q := strconv.Quote(string(rune(c)))
	return "'" + q[1:len(q)-1] + "'"
}

// errAt reports the byte at i as invalid, in context.
func (s *scanner) errAt(i int, context string) error {
	if i >= len(s.data) {
		return s.eof()
	}
	return &SyntaxError{Msg: "invalid character " + quoteChar(s.data[i]) + " " + context, Offset: int64(i) + 1}
}

func (s *scanner) eof() error {
	return &SyntaxError{Msg: ErrTruncated.Error(), Offset: int64(len(s.data)), err: ErrTruncated}
}

func (s *scanner) tooDeep() error {
	return &SyntaxError{Msg: "exceeded max depth", Offset: int64(s.pos) + 1}
}

// document checks that only white space follows the value ending at s.pos.
func (s *scanner) end() error {
	end := s.pos
	s.skipWS()
	if s.pos < len(s.data) {
		return &SyntaxError{Msg: fmt.Sprintf("unexpected data after the JSON document at byte offset %d", end), Offset: int64(end), err: ErrTrailingData}
	}
	return nil
}

// skip validates and skips the value at s.pos (white space first).
func (s *scanner) skip() error {
	s.skipWS()
	if s.pos >= len(s.data) {
		return s.eof()
	}
	switch c := s.data[s.pos]; c {
	case '"':
		_, _, _, err := s.str()
		return err
	case '{':
		return s.skipObject()
	case '[':
		return s.skipArray()
	case 't':
		return s.lit("true")
	case 'f':
		return s.lit("false")
	case 'n':
		return s.lit("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			_, err := s.number()
			return err
		}
		return s.errAt(s.pos, "looking for beginning of value")
	}
}

func (s *scanner) skipObject() error {
	s.depth++
	if s.depth > maxDepth {
		return s.tooDeep()
	}
	s.pos++ // {
	s.skipWS()
	if s.pos < len(s.data) && s.data[s.pos] == '}' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		if err := s.key(); err != nil {
			return err
		}
		if err := s.skip(); err != nil {
			return err
		}
		done, err := s.next('}', "object key:value pair")
		if err != nil || done {
			s.depth--
			return err
		}
	}
}

// key reads `"key" :` (white space first) and skips it.
func (s *scanner) key() error {
	s.skipWS()
	if s.pos >= len(s.data) {
		return s.eof()
	}
	if s.data[s.pos] != '"' {
		return s.errAt(s.pos, "looking for beginning of object key string")
	}
	if _, _, _, err := s.str(); err != nil {
		return err
	}
	return s.colon()
}

func (s *scanner) colon() error {
	s.skipWS()
	if s.pos >= len(s.data) {
		return s.eof()
	}
	if s.data[s.pos] != ':' {
		return s.errAt(s.pos, "after object key")
	}
	s.pos++
	return nil
}

// next reads the ',' or closing byte after a member or element. done is
// true after the closing byte.
func (s *scanner) next(closing byte, what string) (done bool, err error) {
	s.skipWS()
	if s.pos >= len(s.data) {
		return false, s.eof()
	}
	switch s.data[s.pos] {
	case ',':
		s.pos++
		return false, nil
	case closing:
		s.pos++
		return true, nil
	}
	if closing == ']' {
		return false, s.errAt(s.pos, "after array element")
	}
	return false, s.errAt(s.pos, "after "+what)
}

func (s *scanner) skipArray() error {
	s.depth++
	if s.depth > maxDepth {
		return s.tooDeep()
	}
	s.pos++ // [
	s.skipWS()
	if s.pos < len(s.data) && s.data[s.pos] == ']' {
		s.pos++
		s.depth--
		return nil
	}
	for {
		if err := s.skip(); err != nil {
			return err
		}
		done, err := s.next(']', "")
		if err != nil || done {
			s.depth--
			return err
		}
	}
}

// lit reads the literal word at s.pos.
func (s *scanner) lit(word string) error {
	for i := 0; i < len(word); i++ {
		p := s.pos + i
		if p >= len(s.data) {
			return s.eof()
		}
		if s.data[p] != word[i] {
			return s.errAt(p, "in literal "+word+" (expecting "+quoteChar(word[i])+")")
		}
	}
	s.pos += len(word)
	return nil
}

// str reads the string at s.pos (its opening quote) and returns the bounds
// of its contents; slow is true when they hold escapes or non-ASCII bytes.
func (s *scanner) str() (start, end int, slow bool, err error) {
	d := s.data
	i := s.pos + 1
	start = i
	for i < len(d) && strPlain[d[i]] {
		i++
	}
	if i < len(d) && d[i] == '"' {
		s.pos = i + 1
		return start, i, false, nil
	}
	// Slow path: escapes, control characters or non-ASCII.
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return start, i, true, nil
		case c == '\\':
			i++
			if i >= len(d) {
				return 0, 0, false, s.eof()
			}
			switch d[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for k := 0; k < 4; k++ {
					if i >= len(d) {
						return 0, 0, false, s.eof()
					}
					if !isHex(d[i]) {
						return 0, 0, false, s.errAt(i, "in \\u hexadecimal character escape")
					}
					i++
				}
			default:
				return 0, 0, false, s.errAt(i, "in string escape code")
			}
		case c < 0x20:
			return 0, 0, false, s.errAt(i, "in string literal")
		default:
			i++
		}
	}
	return 0, 0, false, s.eof()
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// stringValue reads the string at s.pos and returns it unquoted exactly as
// encoding/json does (invalid UTF-8 and lone surrogates become U+FFFD).
func (s *scanner) stringValue() (string, error) {
	open := s.pos
	start, end, slow, err := s.str()
	if err != nil {
		return "", err
	}
	if !slow {
		return string(s.data[start:end]), nil
	}
	return s.unquote(open, start, end), nil
}

// unquote returns the contents of the valid string literal
// data[open:end+1].
func (s *scanner) unquote(open, start, end int) string {
	b := s.data[start:end]
	if !containsByte(b, '\\') && utf8.Valid(b) {
		return string(b)
	}
	var v string
	if err := json.Unmarshal(s.data[open:end+1], &v); err != nil {
		// Unreachable: str validated the literal.
		panic("jsonscan: unquote of a validated string failed: " + err.Error())
	}
	return v
}

func containsByte(b []byte, c byte) bool {
	for _, x := range b {
		if x == c {
			return true
		}
	}
	return false
}

// number reads the number at s.pos and returns its literal.
func (s *scanner) number() ([]byte, error) {
	d := s.data
	start := s.pos
	i := s.pos
	if d[i] == '-' {
		i++
		if i >= len(d) {
			return nil, s.eof()
		}
		if d[i] < '0' || d[i] > '9' {
			return nil, s.errAt(i, "in numeric literal")
		}
	}
	if d[i] == '0' {
		i++
	} else {
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) {
			return nil, s.eof()
		}
		if d[i] < '0' || d[i] > '9' {
			return nil, s.errAt(i, "after decimal point in numeric literal")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) {
			return nil, s.eof()
		}
		if d[i] < '0' || d[i] > '9' {
			return nil, s.errAt(i, "in exponent of numeric literal")
		}
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return d[start:i], nil
}

// full decodes the value at s.pos (white space first) completely.
func (s *scanner) full() (any, error) {
	s.skipWS()
	if s.pos >= len(s.data) {
		return nil, s.eof()
	}
	switch c := s.data[s.pos]; c {
	case '"':
		return s.stringValue()
	case '{':
		s.depth++
		if s.depth > maxDepth {
			return nil, s.tooDeep()
		}
		s.pos++
		m := map[string]any{}
		s.skipWS()
		if s.pos < len(s.data) && s.data[s.pos] == '}' {
			s.pos++
			s.depth--
			return m, nil
		}
		for {
			s.skipWS()
			if s.pos >= len(s.data) {
				return nil, s.eof()
			}
			if s.data[s.pos] != '"' {
				return nil, s.errAt(s.pos, "looking for beginning of object key string")
			}
			k, err := s.stringValue()
			if err != nil {
				return nil, err
			}
			if err := s.colon(); err != nil {
				return nil, err
			}
			v, err := s.full()
			if err != nil {
				return nil, err
			}
			m[k] = v
			done, err := s.next('}', "object key:value pair")
			if err != nil {
				return nil, err
			}
			if done {
				s.depth--
				return m, nil
			}
		}
	case '[':
		s.depth++
		if s.depth > maxDepth {
			return nil, s.tooDeep()
		}
		s.pos++
		a := make([]any, 0)
		s.skipWS()
		if s.pos < len(s.data) && s.data[s.pos] == ']' {
			s.pos++
			s.depth--
			return a, nil
		}
		for {
			v, err := s.full()
			if err != nil {
				return nil, err
			}
			a = append(a, v)
			done, err := s.next(']', "")
			if err != nil {
				return nil, err
			}
			if done {
				s.depth--
				return a, nil
			}
		}
	case 't':
		return true, s.lit("true")
	case 'f':
		return false, s.lit("false")
	case 'n':
		return nil, s.lit("null")
	default:
		if c == '-' || c >= '0' && c <= '9' {
			b, err := s.number()
			if err != nil {
				return nil, err
			}
			return json.Number(b), nil
		}
		return nil, s.errAt(s.pos, "looking for beginning of value")
	}
}

// Valid reports whether data is one valid JSON document (surrounding white
// space allowed), and if not, why (a *SyntaxError).
func Valid(data []byte) error {
	s := scanner{data: data}
	if err := s.skip(); err != nil {
		return err
	}
	return s.end()
}

// Decode decodes data completely, as json.Decoder with UseNumber does.
func Decode(data []byte) (any, error) {
	s := scanner{data: data}
	v, err := s.full()
	if err != nil {
		return nil, err
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	return v, nil
}
