package mapping

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Time formats for Spec.TimeFormat besides Go layouts.
const (
	// TimeUnix reads epoch seconds (a number or a numeric string; fractions
	// allowed).
	TimeUnix = "unix"
	// TimeUnixMilli reads epoch milliseconds (a number or a numeric string;
	// fractions allowed).
	TimeUnixMilli = "unix_ms"
	// TimeDotNet reads Microsoft JSON dates, "/Date(1600000000000)/"
	// (epoch milliseconds, an optional "+0100" suffix ignored).
	TimeDotNet = "dotnet"
	// TimeRFC3339 reads RFC 3339 strings ("2021-06-17T16:41:33Z",
	// fractional seconds and numeric offsets allowed; the zone is required).
	TimeRFC3339 = "rfc3339"
)

// unixEpoch is the instant 0 of Unix time, a never sentinel.
var unixEpoch = time.Unix(0, 0).UTC()

// ErrTime is wrapped by every ParseTime error.
var ErrTime = errors.New("mapping: unrecognised time value")

// ParseTime converts a decoded JSON value to a time in UTC.
//
// never is true (and t zero) for values that mean "no activity" (the
// built-in never sentinels):
//   - JSON null and the empty (or all-space) string;
//   - Go's zero time, 0001-01-01T00:00:00Z, in any format (Microsoft
//     Graph's "0001-01-01T00:00:00Z");
//   - MySQL's zero date "0000-00-00…";
//   - the Unix epoch instant in any representation: the number 0 (or "0",
//     0.0, in seconds or milliseconds), "1970-01-01T00:00:00Z" with or
//     without fractional zeros ("1970-01-01T00:00:00.000Z", Google's
//     sentinel), "1970-01-01", "/Date(0)/". The epoch is compared as an
//     instant: "1970-01-01T01:00:00+01:00" is never too, while
//     "1970-01-01T00:00:00+01:00" (an hour before) is a real time.
//
// With layout "" the format is detected:
//   - RFC 3339 and its ISO 8601 relatives: "2021-06-17T16:41:33Z",
//     fractional seconds, offsets "+03:00", "+0300", "+03", no zone at all
//     (read as UTC), a space instead of the "T", minutes without seconds;
//   - date only, "2006-01-02" (midnight UTC);
//   - Workfront's "2010-08-30T09:00:00:000-0600" (a colon before the
//     milliseconds);
//   - epoch numbers (json.Number, float64, or a string of digits), read as
//     seconds, milliseconds, microseconds or nanoseconds by magnitude:
//     below 1e11 seconds (up to year 5138), below 1e14 milliseconds, below
//     1e17 microseconds, else nanoseconds;
//   - Microsoft JSON dates "/Date(1600000000000)/" (milliseconds, optional
//     "+0100" suffix, ignored as the number is UTC already);
//   - RFC 1123 and RFC 850 dates as used in HTTP;
//   - LDAP GeneralizedTime with its zone ("20240115103000.0Z",
//     "20240115103000+0100"); without a zone the digits are an epoch.
//
// A Windows FILETIME is not detected (its magnitude overlaps epoch
// nanoseconds): name it with layout TimeFileTime, which also reads 0 and
// 9223372036854775807 as never. Layout TimeGeneralized reads
// GeneralizedTime with or without its zone.
//
// A declared layout is used instead of detection, and a value that does
// not match it is an error: TimeUnix or TimeUnixMilli reads epoch seconds or
// milliseconds (a number or a numeric string), TimeDotNet a Microsoft JSON
// date string, TimeRFC3339 an RFC 3339 string; any other layout is a Go
// time layout applied to a string value (a zone-less layout reads UTC).
// Errors wrap ErrTime and quote the value.
//
// ParseTime is safe for concurrent use and does not allocate for the common
// formats.
func ParseTime(v any, layout string) (t time.Time, never bool, err error) {
	if t, never, ok, err := parseLDAPTime(v, layout); ok {
		return t, never, err
	}
	switch x := v.(type) {
	case nil:
		return time.Time{}, true, nil
	case string:
		return parseTimeString(x, layout)
	case json.Number:
		return parseEpochString(string(x), layout, v)
	case float64:
		return epoch(x, layout, v)
	case int:
		return epoch(float64(x), layout, v)
	case int64:
		return epoch(float64(x), layout, v)
	}
	return time.Time{}, false, fmt.Errorf("%w: %T is not a time", ErrTime, v)
}

func parseTimeString(s, layout string) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, true, nil
	}
	switch layout {
	case "":
	case TimeUnix, TimeUnixMilli:
		return parseEpochString(s, layout, s)
	case TimeDotNet:
		if t, ok := parseDotNet(s); ok {
			return normal(t)
		}
		return time.Time{}, false, fmt.Errorf("%w: %q is not a /Date(milliseconds)/ value", ErrTime, s)
	case TimeRFC3339:
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%w: %q is not an RFC 3339 time", ErrTime, s)
		}
		return normal(t)
	default:
		t, err := time.Parse(layout, s)
		if err != nil && strings.Contains(layout, "05:000") {
			// Go reads fractional seconds only after '.' or ',': Workfront's
			// layout "2006-01-02T15:04:05:000-0700" matches only ":000"
			// literally. Read such values as the ISO family they are.
			if t, never, ok := parseISO(s); ok {
				if never {
					return time.Time{}, true, nil
				}
				return normal(t)
			}
		}
		if err != nil {
			return time.Time{}, false, fmt.Errorf("%w: %q does not match layout %q", ErrTime, s, layout)
		}
		return normal(t)
	}
	if t, never, ok := parseISO(s); ok {
		if never {
			return time.Time{}, true, nil
		}
		return normal(t)
	}
	if isNumeric(s) {
		return parseEpochString(s, "", s)
	}
	if t, ok := parseGeneralized(s, true); ok {
		return t, false, nil
	}
	if t, ok := parseDotNet(s); ok {
		return normal(t)
	}
	for _, l := range [...]string{time.RFC1123Z, time.RFC1123, time.RFC850, time.ANSIC} {
		if t, err := time.Parse(l, s); err == nil {
			return normal(t)
		}
	}
	return time.Time{}, false, fmt.Errorf("%w: %q", ErrTime, s)
}

// parseDotNet reads a Microsoft JSON date, "/Date(1600000000000)/" with an
// optional "+0100" suffix (ignored: the number is UTC already).
func parseDotNet(s string) (time.Time, bool) {
	if !strings.HasPrefix(s, "/Date(") || !strings.HasSuffix(s, ")/") {
		return time.Time{}, false
	}
	body := s[len("/Date(") : len(s)-2]
	if i := strings.IndexAny(body[min(1, len(body)):], "+-"); i >= 0 {
		body = body[:i+1]
	}
	ms, err := strconv.ParseInt(body, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.UnixMilli(ms), true
}

// normal returns t in UTC, reporting the zero time and the Unix epoch
// instant as never.
func normal(t time.Time) (time.Time, bool, error) {
	if t.IsZero() || t.Equal(unixEpoch) {
		return time.Time{}, true, nil
	}
	return t.UTC(), false, nil
}

func isNumeric(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || (i == 0 && c == '-'):
		default:
			return false
		}
	}
	return digits > 0
}

func parseEpochString(s, layout string, orig any) (time.Time, bool, error) {
	if layout != "" && layout != TimeUnix && layout != TimeUnixMilli {
		return time.Time{}, false, fmt.Errorf("%w: number %v for time format %q", ErrTime, orig, layout)
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return epochInt(i, layout)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return time.Time{}, false, fmt.Errorf("%w: %q is not an epoch number", ErrTime, s)
	}
	return epoch(f, layout, orig)
}

// epochInt converts an integer epoch exactly.
func epochInt(n int64, layout string) (time.Time, bool, error) {
	if n == 0 {
		return time.Time{}, true, nil
	}
	a := n
	if a < 0 {
		a = -a
	}
	switch {
	case layout == TimeUnix || (layout == "" && a < 1e11):
		if a > math.MaxInt64/int64(time.Second) {
			break
		}
		return time.Unix(n, 0).UTC(), false, nil
	case layout == TimeUnixMilli || a < 1e14:
		return time.UnixMilli(n).UTC(), false, nil
	case a < 1e17:
		return time.UnixMicro(n).UTC(), false, nil
	default:
		return time.Unix(0, n).UTC(), false, nil
	}
	return time.Time{}, false, fmt.Errorf("%w: epoch %d out of range", ErrTime, n)
}

func epoch(f float64, layout string, orig any) (time.Time, bool, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, false, fmt.Errorf("%w: %v", ErrTime, orig)
	}
	if layout != "" && layout != TimeUnix && layout != TimeUnixMilli {
		return time.Time{}, false, fmt.Errorf("%w: number %v for time format %q", ErrTime, orig, layout)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<62 {
		return epochInt(int64(f), layout)
	}
	// Whole units exactly, the fraction rounded to the nanosecond.
	whole := math.Trunc(f)
	if math.Abs(whole) >= 1<<62 {
		return time.Time{}, false, fmt.Errorf("%w: epoch %v out of range", ErrTime, orig)
	}
	t, _, err := epochInt(int64(whole), layout)
	if err != nil {
		return time.Time{}, false, err
	}
	if whole == 0 {
		t = time.Unix(0, 0).UTC()
	}
	a := math.Abs(f)
	unit := float64(time.Nanosecond)
	switch {
	case layout == TimeUnix || (layout == "" && a < 1e11):
		unit = float64(time.Second)
	case layout == TimeUnixMilli || a < 1e14:
		unit = float64(time.Millisecond)
	case a < 1e17:
		unit = float64(time.Microsecond)
	}
	return t.Add(time.Duration(math.Round((f - whole) * unit))), false, nil
}

// parseISO parses the RFC 3339 / ISO 8601 family without allocating:
// YYYY-MM-DD, optionally followed by 'T', 't' or ' ' and hh:mm[:ss], a
// fraction introduced by '.', ',' or ':' (Workfront), and a zone: Z, ±hh,
// ±hhmm or ±hh:mm. ok is false when s is not in this family or a field is
// out of range.
func parseISO(s string) (t time.Time, never, ok bool) {
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false, false
	}
	year, ok1 := digits(s[0:4])
	month, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return time.Time{}, false, false
	}
	if year == 0 && month == 0 && day == 0 {
		// MySQL-style zero date ("0000-00-00 00:00:00"): never.
		return time.Time{}, true, true
	}
	var hour, minute, sec, nsec int
	offset := 0
	rest := s[10:]
	if rest != "" {
		if c := rest[0]; c != 'T' && c != 't' && c != ' ' {
			return time.Time{}, false, false
		}
		rest = rest[1:]
		if len(rest) < 5 || rest[2] != ':' {
			return time.Time{}, false, false
		}
		var okh, okm bool
		hour, okh = digits(rest[0:2])
		minute, okm = digits(rest[3:5])
		if !okh || !okm {
			return time.Time{}, false, false
		}
		rest = rest[5:]
		if len(rest) >= 3 && rest[0] == ':' && isDigit(rest[1]) && isDigit(rest[2]) && (len(rest) == 3 || !isDigit(rest[3])) {
			var oks bool
			if sec, oks = digits(rest[1:3]); !oks {
				return time.Time{}, false, false
			}
			rest = rest[3:]
		}
		if len(rest) >= 2 && (rest[0] == '.' || rest[0] == ',' || rest[0] == ':') && isDigit(rest[1]) {
			n := 1
			for n < len(rest) && isDigit(rest[n]) {
				n++
			}
			frac := rest[1:n]
			scale := 100000000
			for i := 0; i < len(frac) && i < 9; i++ {
				nsec += int(frac[i]-'0') * scale
				scale /= 10
			}
			rest = rest[n:]
		}
		switch {
		case rest == "":
		case rest == "Z" || rest == "z":
		case rest[0] == '+' || rest[0] == '-':
			var zh, zm int
			var okz bool
			switch z := rest[1:]; len(z) {
			case 2:
				zh, okz = digits(z)
			case 4:
				var okzm bool
				zh, okz = digits(z[0:2])
				zm, okzm = digits(z[2:4])
				okz = okz && okzm
			case 5:
				var okzm bool
				zh, okz = digits(z[0:2])
				zm, okzm = digits(z[3:5])
				okz = okz && okzm && z[2] == ':'
			}
			if !okz || zh > 23 || zm > 59 {
				return time.Time{}, false, false
			}
			offset = (zh*60 + zm) * 60
			if rest[0] == '-' {
				offset = -offset
			}
		default:
			return time.Time{}, false, false
		}
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if offset != 0 {
		t = t.Add(-time.Duration(offset) * time.Second)
	}
	return t, t.IsZero(), true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// checkLayout validates a Spec.TimeFormat.
func checkLayout(layout string) error {
	switch layout {
	case "", TimeUnix, TimeUnixMilli, TimeDotNet, TimeRFC3339, TimeFileTime, TimeGeneralized:
		return nil
	}
	ref := time.Date(2017, 11, 28, 21, 13, 47, 0, time.UTC) // unlike the layout reference

	s := ref.Format(layout)
	if s == layout {
		return fmt.Errorf("time_format %q has no layout elements (want %q, %q, %q, %q, %q, %q or a Go layout like %q)",
			layout, TimeUnix, TimeUnixMilli, TimeDotNet, TimeRFC3339, TimeFileTime, TimeGeneralized, time.RFC3339)
	}
	if _, err := time.Parse(layout, s); err != nil {
		return fmt.Errorf("time_format %q does not parse its own output: %v", layout, err)
	}
	return nil
}
