// Package duration parses the durations a template holds (auth.expires_in,
// rate_limit.per, activity.inactive_after): one syntax for all of them.
package duration

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ErrSyntax is wrapped by every Parse error.
var ErrSyntax = errors.New("not a duration")

// Parse parses s, surrounding spaces ignored: a Go duration ("720h",
// "1h30m", "90s") or a number of days ("90d", "1.5d"), optionally followed
// by a Go duration ("1d12h"). A sign is allowed only in front of a Go
// duration with no days ("-1h"); callers decide whether zero or negative
// durations mean anything. "" is an error. Errors wrap ErrSyntax, quote s
// and say what is wanted. Parse is safe for concurrent use.
func Parse(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, fmt.Errorf("%w: empty (want a duration like \"720h\" or days like \"90d\")", ErrSyntax)
	}
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf("%w: %q (want a duration like \"720h\" or days like \"90d\")", ErrSyntax, s)
	}
	var d time.Duration
	if i := strings.IndexByte(t, 'd'); i >= 0 {
		days, err := strconv.ParseFloat(t[:i], 64)
		if err != nil || math.IsNaN(days) || math.IsInf(days, 0) || strings.ContainsAny(t[:i], "eEpPxX_+-") {
			return bad()
		}
		if days*24 > float64(math.MaxInt64/int64(time.Hour)) {
			return 0, fmt.Errorf("%w: %q is too long", ErrSyntax, s)
		}
		d = time.Duration(math.Round(days * 24 * float64(time.Hour)))
		t = t[i+1:]
		if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
			return bad()
		}
	}
	if t != "" {
		rest, err := time.ParseDuration(t)
		if err != nil {
			return bad()
		}
		if rest > 0 && d > math.MaxInt64-rest {
			return 0, fmt.Errorf("%w: %q is too long", ErrSyntax, s)
		}
		d += rest
	}
	return d, nil
}
