package mapping

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/internal/bitflag"
)

// Time formats of LDAP directories, for Spec.TimeFormat.
const (
	// TimeFileTime reads a Windows FILETIME: 100-nanosecond intervals since
	// 1601-01-01 UTC, as Active Directory stores lastLogonTimestamp,
	// pwdLastSet and accountExpires (a number or a string of digits). 0
	// and 9223372036854775807 (the largest int64) mean never.
	TimeFileTime = "filetime"
	// TimeGeneralized reads an LDAP GeneralizedTime (RFC 4517 3.3.13):
	// "20240115103000Z", "20240115103000.0Z", "202401151030-0500"
	// (minutes and seconds optional, a fraction of the last unit after
	// '.' or ',', zone Z or ±hh[mm]). Active Directory's whenCreated and
	// OpenLDAP's createTimestamp use it. With TimeFormat "" such a value
	// is detected when it has its zone (Z or an offset); a bare run of
	// digits stays an epoch number.
	TimeGeneralized = "generalized_time"
)

// fileTimeEpoch is 1601-01-01 in Unix seconds.
const fileTimeEpoch = -11644473600

// parseFileTime converts a FILETIME value (json.Number, float64, int,
// int64 or a string of digits).
func parseFileTime(v any) (time.Time, bool, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = strings.TrimSpace(x)
		if s == "" {
			return time.Time{}, true, nil
		}
	case json.Number:
		s = string(x)
	case float64:
		if x != math.Trunc(x) || math.Abs(x) >= 1<<63 {
			return time.Time{}, false, fmt.Errorf("%w: %v is not a FILETIME", ErrTime, v)
		}
		s = strconv.FormatFloat(x, 'f', 0, 64)
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case nil:
		return time.Time{}, true, nil
	default:
		return time.Time{}, false, fmt.Errorf("%w: %T is not a FILETIME", ErrTime, v)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case err != nil:
		return time.Time{}, false, fmt.Errorf("%w: %q is not a FILETIME (100 ns intervals since 1601)", ErrTime, s)
	case n == 0 || n == math.MaxInt64:
		return time.Time{}, true, nil
	case n < 0:
		return time.Time{}, false, fmt.Errorf("%w: FILETIME %d is negative", ErrTime, n)
	}
	sec, rem := n/1e7, n%1e7
	return time.Unix(fileTimeEpoch+sec, rem*100).UTC(), false, nil
}

// FileTime returns the FILETIME value of t (100 ns intervals since
// 1601-01-01 UTC), for tests and fixtures that write directory entries.
func FileTime(t time.Time) int64 {
	return (t.Unix()-fileTimeEpoch)*1e7 + int64(t.Nanosecond()/100)
}

// parseGeneralized parses an LDAP GeneralizedTime. ok is false when s is
// not one (explicit format: an error; detection: try the next format).
// needZone makes a value without a zone not one (detection).
func parseGeneralized(s string, needZone bool) (t time.Time, ok bool) {
	if len(s) < 10 {
		return time.Time{}, false
	}
	// The digits: YYYYMMDDHH[MM[SS]].
	n := 0
	for n < len(s) && n < 14 && isDigit(s[n]) {
		n++
	}
	if n != 10 && n != 12 && n != 14 {
		return time.Time{}, false
	}
	num := func(i int) int { v, _ := digits(s[i : i+2]); return v }
	year, _ := digits(s[0:4])
	month, day, hour := num(4), num(6), num(8)
	minute, sec := 0, 0
	if n >= 12 {
		minute = num(10)
	}
	if n == 14 {
		sec = num(12)
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	rest := s[n:]
	var frac float64
	if rest != "" && (rest[0] == '.' || rest[0] == ',') {
		j := 1
		for j < len(rest) && isDigit(rest[j]) {
			j++
		}
		if j == 1 {
			return time.Time{}, false
		}
		f, err := strconv.ParseFloat("0."+rest[1:j], 64)
		if err != nil {
			return time.Time{}, false
		}
		frac, rest = f, rest[j:]
	}
	loc := time.UTC
	switch {
	case rest == "":
		if needZone {
			return time.Time{}, false
		}
	case rest == "Z":
	case (rest[0] == '+' || rest[0] == '-') && (len(rest) == 3 || len(rest) == 5):
		hh, ok1 := digits(rest[1:3])
		mm, ok2 := 0, true
		if len(rest) == 5 {
			mm, ok2 = digits(rest[3:5])
		}
		if !ok1 || !ok2 || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		off := hh*3600 + mm*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	default:
		return time.Time{}, false
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, 0, loc)
	unit := time.Hour // the fraction is of the last unit given
	switch n {
	case 12:
		unit = time.Minute
	case 14:
		unit = time.Second
	}
	t = t.Add(time.Duration(math.Round(frac * float64(unit))))
	return t.UTC(), true
}

// parseLDAPTime applies an LDAP layout (TimeFileTime or TimeGeneralized);
// handled is false for any other layout.
func parseLDAPTime(v any, layout string) (t time.Time, never, handled bool, err error) {
	switch layout {
	case TimeFileTime:
		t, never, err = parseFileTime(v)
		return t, never, true, err
	case TimeGeneralized:
		s, isString := v.(string)
		if v == nil || isString && strings.TrimSpace(s) == "" {
			return time.Time{}, true, true, nil
		}
		if !isString {
			return time.Time{}, false, true, fmt.Errorf("%w: %T is not a GeneralizedTime string", ErrTime, v)
		}
		t, ok := parseGeneralized(strings.TrimSpace(s), false)
		if !ok {
			return time.Time{}, false, true, fmt.Errorf("%w: %q is not a GeneralizedTime (like 20240115103000.0Z)", ErrTime, s)
		}
		return t, false, true, nil
	}
	return time.Time{}, false, false, nil
}

// bitRule is a status_values key "bits_any:<mask>" (or bits_all,
// bits_none) with its status.
type bitRule struct {
	test   bitflag.Test
	mask   int64
	status saasconnect.Status
}

func (r bitRule) match(n int64) bool { return r.test.Match(n, r.mask) }

// parseBitRule reads a status_values key; isRule is false for a plain key.
func parseBitRule(key string) (r bitRule, isRule bool, err error) {
	name, mask, found := strings.Cut(key, ":")
	t := bitflag.Test(name)
	if !found || (t != bitflag.Any && t != bitflag.All && t != bitflag.None) {
		return bitRule{}, false, nil
	}
	m, err := bitflag.ParseMask(mask)
	if err != nil {
		return bitRule{}, true, err
	}
	return bitRule{test: t, mask: m}, true, nil
}
