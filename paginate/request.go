package paginate

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/saasconnect/saasconnect/internal/redact"
)

// setQuery returns rawQuery with every pair named key replaced by one
// key=value pair at the end. The other pairs are kept byte for byte, so a
// caller's own encoding ($select=a,b) survives; key and value are
// query-escaped (page[number] becomes page%5Bnumber%5D).
func setQuery(rawQuery, key, value string) string {
	var b strings.Builder
	b.Grow(len(rawQuery) + len(key) + len(value) + 2)
	for part := range strings.SplitSeq(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if k == key {
			continue
		}
		if dk, err := url.QueryUnescape(k); err == nil && dk == key {
			continue
		}
		b.WriteString(part)
		b.WriteByte('&')
	}
	b.WriteString(url.QueryEscape(key))
	b.WriteByte('=')
	b.WriteString(url.QueryEscape(value))
	return b.String()
}

// setBody sets the value at the dot path in body, creating the objects on
// the way.
func setBody(body map[string]any, path string, v any) error {
	m := body
	for {
		seg, rest, more := strings.Cut(path, ".")
		if !more {
			m[seg] = v
			return nil
		}
		switch child := m[seg].(type) {
		case map[string]any:
			m = child
		case nil:
			next := map[string]any{}
			m[seg] = next
			m = next
		default:
			return fmt.Errorf("request body: %q: %q is a %T, not an object", path, seg, child)
		}
		path = rest
	}
}

// redactURL formats u for errors with the SDK's redaction policy: user
// info dropped, the values of secret query parameters hidden.
func redactURL(u *url.URL) string { return redact.URL(u) }

// sameOrigin reports whether a and b have the same scheme and host (port
// included; a default port equals no port).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(hostPort(a), hostPort(b))
}

func hostPort(u *url.URL) string {
	host, port := u.Hostname(), u.Port()
	switch {
	case port == "",
		port == "443" && strings.EqualFold(u.Scheme, "https"),
		port == "80" && strings.EqualFold(u.Scheme, "http"):
		return host
	}
	return host + ":" + port
}

// toInt reads a count from decoded JSON: a number, or a string holding one.
func toInt(v any) (int, error) {
	switch v := v.(type) {
	case interface{ Int64() (int64, error) }: // json.Number
		if n, err := v.Int64(); err == nil {
			return int(n), nil
		}
		return floatInt(fmt.Sprint(v))
	case float64:
		if v == float64(int(v)) {
			return int(v), nil
		}
	case int:
		return v, nil
	case int64:
		return int(v), nil
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n, nil
		}
		return floatInt(v)
	}
	return 0, fmt.Errorf("want a whole number, got %s", describe(v))
}

func floatInt(s string) (int, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f != float64(int(f)) {
		return 0, fmt.Errorf("want a whole number, got %q", s)
	}
	return int(f), nil
}

// toBool reads a flag: a JSON boolean or the string "true" or "false".
func toBool(v any) (bool, error) {
	switch v := v.(type) {
	case bool:
		return v, nil
	case string:
		if b, err := strconv.ParseBool(strings.TrimSpace(v)); err == nil {
			return b, nil
		}
		return false, fmt.Errorf("want true or false, got %q", v)
	}
	return false, fmt.Errorf("want true or false, got %s", describe(v))
}

// toCursor reads a cursor: a string, or a number (a last-record id).
func toCursor(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case fmt.Stringer: // json.Number
		return v.String(), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case int, int64:
		return fmt.Sprint(v), nil
	}
	return "", fmt.Errorf("want a string or a number, got %s", describe(v))
}

// describe names the JSON kind of v without quoting its content.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case fmt.Stringer, float64, int, int64: // json.Number
		return "a number"
	}
	return fmt.Sprintf("a %T", v)
}
