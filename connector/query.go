package connector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// QueryValues is the template's request.query: query parameters added to
// users_url, by name. In JSON a value is a string or an array of strings;
// an array repeats the parameter, in order (Zendesk's
// {"role[]": ["agent", "admin"]} sends role%5B%5D=agent&role%5B%5D=admin).
// Values may hold {placeholders}. MarshalJSON writes a one-value parameter
// as a string.
type QueryValues map[string][]string

// UnmarshalJSON reads an object whose values are strings or arrays of
// strings; anything else is an error naming the parameter by its
// template path (request.query["role[]"]).
func (q *QueryValues) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		*q = nil
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return errors.New("request.query: want an object of strings or arrays of strings")
	}
	out := make(QueryValues, len(raw))
	for _, k := range sortedKeys(raw) {
		var v any
		if err := json.Unmarshal(raw[k], &v); err != nil {
			return err
		}
		switch v := v.(type) {
		case string:
			out[k] = []string{v}
			continue
		case []any:
			vs := make([]string, 0, len(v))
			for _, e := range v {
				if s, ok := e.(string); ok {
					vs = append(vs, s)
				}
			}
			if len(vs) == len(v) {
				out[k] = vs
				continue
			}
		}
		return fmt.Errorf("%s: want a string or an array of strings, got a JSON %s", joinPath("request.query", k), queryKind(v))
	}
	*q = out
	return nil
}

// MarshalJSON writes a parameter with one value as a string and the
// others as arrays.
func (q QueryValues) MarshalJSON() ([]byte, error) {
	if q == nil {
		return []byte("null"), nil
	}
	out := make(map[string]any, len(q))
	for k, vs := range q {
		if len(vs) == 1 {
			out[k] = vs[0]
		} else {
			out[k] = append([]string{}, vs...)
		}
	}
	return json.Marshal(out)
}

// addQuery returns rawQuery (users_url's literal query, kept byte for byte)
// with the parameters of q appended, names sorted and values in order,
// their placeholders filled from vals and query-escaped. A literal pair
// whose name q sets is dropped: request.query wins.
func addQuery(rawQuery string, q QueryValues, vals map[string]string) string {
	if len(q) == 0 {
		return rawQuery
	}
	var b strings.Builder
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if _, set := q[k]; set {
			continue
		}
		b.WriteString(part)
		b.WriteByte('&')
	}
	for _, k := range sortedKeys(q) {
		for _, v := range q[k] {
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(expandString(v, vals)))
			b.WriteByte('&')
		}
	}
	return strings.TrimSuffix(b.String(), "&")
}

// queryPlaceholders lists the placeholders of every value of vs.
func queryPlaceholders(vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, placeholders(v)...)
	}
	return out
}

// queryKind describes a query value that is neither a string nor an array
// of strings.
func queryKind(v any) string {
	if arr, ok := v.([]any); ok {
		for _, e := range arr {
			if _, isStr := e.(string); !isStr {
				return "array holding a " + jsonKind(e)
			}
		}
	}
	return jsonKind(v)
}
