package connector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/jsonscan"
)

// This file and project.go are the page decoder: response body in, records
// out. Its contract:
//
//	pageDecoder.decode(body, limit, keepRaw) -> decodedPage | error
//
// It reads at most limit bytes (more is an error, never a truncation),
// decodes the JSON as encoding/json with UseNumber would (by projection
// when it can), and extracts the records at the records path. Errors carry
// the byte offset (decodeError); the caller adds the method and redacted URL.

// decodedPage is one decoded response body.
type decodedPage struct {
	Body    any               // the whole document (for pagination paths)
	Records []any             // the records at records_path
	Raw     []json.RawMessage // the records verbatim, when asked for; aligned with Records
	Size    int64             // bytes read
}

// errBodyTooLarge is wrapped by decodePage when a body exceeds its cap.
var errBodyTooLarge = errors.New("response body too large")

// RecordsPathError means a response has nothing at the template's
// response.records_path. Keys are the response's top-level keys (sorted), to
// show what the path should have been.
type RecordsPathError struct {
	Path string
	Keys []string
	// Kind is the JSON kind found instead of an array when the path exists
	// but holds something else ("object", "string", ...); empty when absent.
	Kind string
}

// Error says what is missing and lists the keys that are there.
func (e *RecordsPathError) Error() string {
	if e.Kind != "" {
		return fmt.Sprintf("records_path `%s` holds a JSON %s, not an array of records", e.Path, e.Kind)
	}
	if len(e.Keys) == 0 {
		return fmt.Sprintf("response has no `%s` key (the response is not a JSON object with keys)", e.Path)
	}
	return fmt.Sprintf("response has no `%s` key; top-level keys are %s", e.Path, strings.Join(e.Keys, ", "))
}

// bodyReadError means reading a response body failed (the connection was
// reset, the per-request timeout hit mid-body): a transport fault, unlike a
// body that ended cleanly in the middle of its JSON (truncated JSON, which the
// server sent as complete). Connector.fetch retries a page on it.
type bodyReadError struct {
	offset int64
	err    error
}

func (e *bodyReadError) Error() string {
	if errors.Is(e.err, io.ErrUnexpectedEOF) {
		return fmt.Sprintf("truncated JSON: body ended at byte offset %d before the response was complete (%v)", e.offset, e.err)
	}
	return fmt.Sprintf("reading response body at byte offset %d: %v", e.offset, e.err)
}

func (e *bodyReadError) Unwrap() error { return e.err }

// decodePage reads and decodes one page completely (no projection): the
// reference the projection decoder is tested against. See the file comment.
func decodePage(body io.Reader, limit int64, recordsPath *jsonpath.Path, keepRaw bool) (decodedPage, error) {
	return (&pageDecoder{records: recordsPath}).decode(body, limit, keepRaw)
}

// decodeError is the one mapping from a JSON decoding error of data (a
// whole body) to its message, with the byte offset.
func decodeError(data []byte, err error) error {
	var se *jsonscan.SyntaxError
	switch n := len(data); {
	case len(bytes.TrimLeft(data, " \t\r\n")) == 0:
		return fmt.Errorf("empty response body (byte offset %d), want JSON", n)
	case errors.Is(err, jsonscan.ErrTruncated):
		return fmt.Errorf("truncated JSON: body ended at byte offset %d", n)
	case errors.Is(err, jsonscan.ErrTrailingData):
		return err
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte offset %d: %w", se.Offset, err)
	}
	return err
}

// extractRecords returns the records at p in doc. null means no records; a
// missing simple path is a *RecordsPathError (an API that changed shape must
// not look like an empty listing). A general path (wildcards) that matches
// nothing means no records.
func extractRecords(doc any, p *jsonpath.Path) ([]any, error) {
	v, ok := p.Get(doc)
	if !ok {
		if !p.Simple() {
			return nil, nil
		}
		e := &RecordsPathError{Path: p.String()}
		if m, isMap := doc.(map[string]any); isMap {
			e.Keys = sortedKeys(m)
		}
		return nil, e
	}
	switch v := v.(type) {
	case nil:
		return nil, nil
	case []any:
		return v, nil
	}
	return nil, &RecordsPathError{Path: p.String(), Kind: jsonKind(v)}
}

func jsonKind(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	case bool:
		return "boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", v)
}

// rawRecords returns the records verbatim. For a path of plain keys it walks
// the raw bytes; otherwise it re-encodes the decoded records (same data,
// keys sorted).
func rawRecords(data []byte, p *jsonpath.Path, recs []any) ([]json.RawMessage, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	steps := p.Keys()
	if p.Simple() && !slices.ContainsFunc(steps, func(s jsonpath.Step) bool { return s.IsIndex }) {
		raw := json.RawMessage(data)
		ok := true
		for _, s := range steps {
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) != nil {
				ok = false
				break
			}
			raw = m[s.Key]
		}
		var arr []json.RawMessage
		if ok && json.Unmarshal(raw, &arr) == nil && len(arr) == len(recs) {
			return arr, nil
		}
	}
	out := make([]json.RawMessage, len(recs))
	for i, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		out[i] = b
	}
	return out, nil
}
