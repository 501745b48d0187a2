package connector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// Schedule says when a connector runs: once a day at a wall-clock time in a
// time zone. The zero Schedule is disabled.
//
// A Schedule is a plain value, safe for concurrent use once built. Its JSON
// form names the location by its IANA name:
//
//	{"enabled": true, "daily": "23:00", "location": "Europe/Berlin"}
//
// An absent location or "Local" means [time.Local].
type Schedule struct {
	// Enabled turns the schedule on. A disabled schedule never runs.
	Enabled bool
	// Daily is the wall-clock time of the daily run, "HH:MM" in 24-hour
	// form ("00:00" to "23:59").
	Daily string
	// Location is the time zone Daily is read in; nil means time.Local.
	Location *time.Location
}

// DefaultSchedule returns the schedule a new connector gets: enabled, daily
// at 23:00, local time.
func DefaultSchedule() Schedule {
	return Schedule{Enabled: true, Daily: "23:00", Location: time.Local}
}

// Validate reports whether Daily is a valid "HH:MM" time. A disabled
// schedule must still have a valid (or empty) Daily.
func (s Schedule) Validate() error {
	if !s.Enabled && s.Daily == "" {
		return nil
	}
	_, _, err := parseDaily(s.Daily)
	return err
}

// parseDaily parses "HH:MM" strictly: two digits, a colon, two digits.
func parseDaily(daily string) (hour, minute int, err error) {
	bad := func() (int, int, error) {
		return 0, 0, fmt.Errorf("schedule: daily %q: want a 24-hour time HH:MM (00:00 to 23:59)", daily)
	}
	if len(daily) != 5 || daily[2] != ':' {
		return bad()
	}
	for _, i := range []int{0, 1, 3, 4} {
		if daily[i] < '0' || daily[i] > '9' {
			return bad()
		}
	}
	hour = int(daily[0]-'0')*10 + int(daily[1]-'0')
	minute = int(daily[3]-'0')*10 + int(daily[4]-'0')
	if hour > 23 || minute > 59 {
		return bad()
	}
	return hour, minute, nil
}

func (s Schedule) location() *time.Location {
	if s.Location == nil {
		return time.Local
	}
	return s.Location
}

// Next returns the first run strictly after after, or the zero time when
// the schedule is disabled or Daily is invalid (see Validate).
//
// Daylight-saving changes are handled on the wall clock of Location: on a
// day when Daily falls in the gap of a spring-forward (02:30 in a zone that
// jumps from 02:00 to 03:00), the run happens at the first instant after the
// gap (03:00); on a day when Daily occurs twice (a fall-back), the run
// happens once, at the first occurrence. The result is in Location.
func (s Schedule) Next(after time.Time) time.Time {
	if !s.Enabled {
		return time.Time{}
	}
	hour, minute, err := parseDaily(s.Daily)
	if err != nil {
		return time.Time{}
	}
	loc := s.location()
	y, m, d := after.In(loc).Date()
	// The run of the day before can only be later than after in exotic
	// zones; checking a few days either side is cheap and always enough.
	for day := d - 1; day <= d+3; day++ {
		if run := dailyRun(y, m, day, hour, minute, loc); run.After(after) {
			return run
		}
	}
	return time.Time{} // unreachable for real zones
}

// dailyRun returns the instant of the run on the given local date: the
// earliest instant whose wall clock in loc reads hour:minute on that date,
// or, when that wall time does not exist (a spring-forward gap), the
// instant the gap ends.
func dailyRun(y int, m time.Month, d, hour, minute int, loc *time.Location) time.Time {
	// wall is the wanted wall-clock reading, expressed as if it were UTC;
	// an instant t shows it in loc when t + offset(t) == wall.
	wall := time.Date(y, m, d, hour, minute, 0, 0, time.UTC)
	guess := time.Date(y, m, d, hour, minute, 0, 0, loc)
	var offsets []int
	for _, t := range []time.Time{guess, guess.Add(-48 * time.Hour), guess.Add(48 * time.Hour)} {
		_, off := t.Zone()
		offsets = append(offsets, off)
	}
	var best time.Time
	minOff := offsets[0]
	for _, off := range offsets {
		minOff = min(minOff, off)
		t := wall.Add(-time.Duration(off) * time.Second)
		if sameWall(t.In(loc), wall) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if !best.IsZero() {
		return best.In(loc)
	}
	// A gap: the wall time is skipped because the offset grew from minOff.
	// wall - minOff is an instant after the transition (inside the new
	// zone period), so its zone period starts exactly where the gap ends.
	after := wall.Add(-time.Duration(minOff) * time.Second).In(loc)
	start, _ := after.ZoneBounds()
	if start.IsZero() {
		return after
	}
	return start.In(loc)
}

// sameWall reports whether local (in its own location) reads the same
// date and time as wall (a UTC value standing for a wall-clock reading).
func sameWall(local, wall time.Time) bool {
	y1, m1, d1 := local.Date()
	y2, m2, d2 := wall.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && local.Hour() == wall.Hour() && local.Minute() == wall.Minute()
}

type scheduleJSON struct {
	Enabled  bool   `json:"enabled"`
	Daily    string `json:"daily,omitempty"`
	Location string `json:"location,omitempty"`
}

// MarshalJSON encodes s with the location's IANA name ("Local" for
// time.Local, omitted for nil).
func (s Schedule) MarshalJSON() ([]byte, error) {
	j := scheduleJSON{Enabled: s.Enabled, Daily: s.Daily}
	if s.Location != nil {
		j.Location = s.Location.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON decodes the form MarshalJSON writes. The location is
// loaded with time.LoadLocation; "" and "Local" mean time.Local. Daily is
// validated; unknown keys are errors.
func (s *Schedule) UnmarshalJSON(data []byte) error {
	var j scheduleJSON
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	out := Schedule{Enabled: j.Enabled, Daily: j.Daily, Location: time.Local}
	switch j.Location {
	case "", "Local":
	default:
		loc, err := time.LoadLocation(j.Location)
		if err != nil {
			return fmt.Errorf("schedule: location %q: %w", j.Location, err)
		}
		out.Location = loc
	}
	if err := out.Validate(); err != nil {
		return err
	}
	*s = out
	return nil
}
