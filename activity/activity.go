// Package activity classifies users by their last activity and summarises
// the result.
//
// A [Classifier] turns a user's last-activity time into a
// saasconnect.ActivityState: active, inactive (no activity for longer than
// InactiveAfter), never (the vendor reports activity but this user has
// none) or unknown (the vendor reports no activity). A [Summary] counts the
// states while users stream by.
package activity

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/internal/duration"
)

// DefaultInactiveAfter is the inactivity threshold when none is given: 30
// days.
const DefaultInactiveAfter = 30 * 24 * time.Hour

// Classifier classifies last-activity times. The zero Classifier uses
// DefaultInactiveAfter and time.Now. A Classifier is a value; it is safe
// for concurrent use when Now is.
type Classifier struct {
	// InactiveAfter is how long without activity makes a user inactive;
	// 0 means DefaultInactiveAfter.
	InactiveAfter time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Classify returns the state of a user whose last activity is last.
// reported says whether the vendor reports activity at all (see
// mapping.Mapper.ReportsActivity): when it does not, the state is
// ActivityUnknown. Otherwise a zero last is ActivityNever (package mapping
// gives a zero last activity for an absent value, for its built-in never
// sentinels such as 0001-01-01T00:00:00Z and the Unix epoch in any form,
// and for a template's activity.never_values); a last at most
// InactiveAfter before now (or in the future, as clocks disagree) is
// ActivityActive; an older one is ActivityInactive.
func (c Classifier) Classify(last time.Time, reported bool) saasconnect.ActivityState {
	switch {
	case !reported:
		return saasconnect.ActivityUnknown
	case last.IsZero():
		return saasconnect.ActivityNever
	}
	after := c.InactiveAfter
	if after <= 0 {
		after = DefaultInactiveAfter
	}
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	if now().Sub(last) > after {
		return saasconnect.ActivityInactive
	}
	return saasconnect.ActivityActive
}

// Apply sets u.Activity to Classify(u.LastActivity, reported).
func (c Classifier) Apply(u *saasconnect.User, reported bool) {
	u.Activity = c.Classify(u.LastActivity, reported)
}

// Summary counts users by activity state and records the oldest and newest
// last activity seen (zero until a user with activity is added). Build it
// incrementally with Add while streaming users; the zero Summary is empty.
// A Summary is not safe for concurrent use: give each goroutine its own and
// Merge them.
type Summary struct {
	Active   int       `json:"active"`
	Inactive int       `json:"inactive"`
	Never    int       `json:"never"`
	Unknown  int       `json:"unknown"`
	Oldest   time.Time `json:"oldest,omitzero"`
	Newest   time.Time `json:"newest,omitzero"`
}

// Add counts u by u.Activity (an empty or unrecognised state counts as
// unknown) and widens Oldest/Newest with a non-zero u.LastActivity.
func (s *Summary) Add(u saasconnect.User) {
	switch u.Activity {
	case saasconnect.ActivityActive:
		s.Active++
	case saasconnect.ActivityInactive:
		s.Inactive++
	case saasconnect.ActivityNever:
		s.Never++
	default:
		s.Unknown++
	}
	s.widen(u.LastActivity, u.LastActivity)
}

// Merge adds the counts and range of o to s.
func (s *Summary) Merge(o Summary) {
	s.Active += o.Active
	s.Inactive += o.Inactive
	s.Never += o.Never
	s.Unknown += o.Unknown
	s.widen(o.Oldest, o.Newest)
}

func (s *Summary) widen(oldest, newest time.Time) {
	if !oldest.IsZero() && (s.Oldest.IsZero() || oldest.Before(s.Oldest)) {
		s.Oldest = oldest
	}
	if !newest.IsZero() && (s.Newest.IsZero() || newest.After(s.Newest)) {
		s.Newest = newest
	}
}

// Total is the number of users added.
func (s Summary) Total() int { return s.Active + s.Inactive + s.Never + s.Unknown }

// String renders the counts, e.g. "12 active, 3 inactive, 1 never, 0 unknown".
func (s Summary) String() string {
	return fmt.Sprintf("%d active, %d inactive, %d never, %d unknown", s.Active, s.Inactive, s.Never, s.Unknown)
}

// ErrInactiveAfter is wrapped by every ParseInactiveAfter error.
var ErrInactiveAfter = errors.New("activity: invalid inactive_after")

// ParseInactiveAfter parses a template's inactive_after with the one
// template duration syntax (internal/duration): a Go duration ("720h",
// "1h30m") or a number of days ("90d"), optionally followed by a Go
// duration ("1d12h"). "" gives DefaultInactiveAfter. The duration must
// be positive. Errors wrap ErrInactiveAfter and quote s.
func ParseInactiveAfter(s string) (time.Duration, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultInactiveAfter, nil
	}
	d, err := duration.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("%w %q: want a duration like \"720h\" or days like \"90d\"", ErrInactiveAfter, s)
	}
	if d <= 0 {
		return 0, fmt.Errorf("%w %q: must be positive", ErrInactiveAfter, s)
	}
	return d, nil
}
