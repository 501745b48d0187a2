// Package bitflag tests integer bit fields (Active Directory's
// userAccountControl) for the filter operators and status rules that read
// them.
package bitflag

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Test is how a mask is tested.
type Test string

// The tests.
const (
	Any  Test = "bits_any"  // at least one of the mask's bits is set
	All  Test = "bits_all"  // every bit of the mask is set
	None Test = "bits_none" // no bit of the mask is set
)

// Match reports whether n passes test t against mask.
func (t Test) Match(n, mask int64) bool {
	switch t {
	case Any:
		return n&mask != 0
	case All:
		return n&mask == mask
	case None:
		return n&mask == 0
	}
	return false
}

// ParseMask reads a positive mask: decimal ("514") or hex ("0x202").
func ParseMask(s string) (int64, error) {
	s = strings.TrimSpace(s)
	var n int64
	var err error
	if h, ok := strings.CutPrefix(strings.ToLower(s), "0x"); ok {
		n, err = strconv.ParseInt(h, 16, 64)
	} else {
		n, err = strconv.ParseInt(s, 10, 64)
	}
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a bit mask (a positive integer, decimal or 0x hex)", s)
	}
	return n, nil
}

// Int reads an integer from a decoded value: a json.Number, an integral
// float64, an int, an int64, or a string of decimal digits (LDAP values are
// strings). ok is false for anything else.
func Int(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			return n, true
		}
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return 0, false
		}
		return Int(f)
	case string:
		n, err := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n, err == nil
	case float64:
		if x != math.Trunc(x) || math.Abs(x) >= 1<<63 {
			return 0, false
		}
		return int64(x), true
	case int:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}
