package connector

import (
	"encoding/json"
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("LoadLocation(%q): %v", name, err)
	}
	return loc
}

func TestScheduleNext(t *testing.T) {
	t.Parallel()
	ny := mustLoad(t, "America/New_York")
	berlin := mustLoad(t, "Europe/Berlin")
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		loc   *time.Location
		daily string
		after string // RFC 3339
		want  string // RFC 3339, compared as instants
	}{
		{"ny plain day", ny, "23:00", "2026-06-01T12:00:00-04:00", "2026-06-01T23:00:00-04:00"},
		{"ny already past today", ny, "09:00", "2026-06-01T12:00:00-04:00", "2026-06-02T09:00:00-04:00"},
		{"ny strictly after", ny, "23:00", "2026-06-01T23:00:00-04:00", "2026-06-02T23:00:00-04:00"},
		{"ny spring gap runs at gap end", ny, "02:30", "2026-03-07T12:00:00-05:00", "2026-03-08T03:00:00-04:00"},
		{"ny spring gap start", ny, "02:00", "2026-03-07T12:00:00-05:00", "2026-03-08T03:00:00-04:00"},
		{"ny after gap run", ny, "02:30", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"},
		{"ny spring unaffected time", ny, "01:30", "2026-03-07T12:00:00-05:00", "2026-03-08T01:30:00-05:00"},
		{"ny fall back first occurrence", ny, "01:30", "2026-10-31T12:00:00-04:00", "2026-11-01T01:30:00-04:00"},
		{"ny fall back runs once", ny, "01:30", "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"},
		{"ny fall back between occurrences", ny, "01:30", "2026-11-01T01:45:00-04:00", "2026-11-02T01:30:00-05:00"},
		{"ny fall back during second hour", ny, "01:30", "2026-11-01T01:10:00-05:00", "2026-11-02T01:30:00-05:00"},
		{"berlin spring gap", berlin, "02:30", "2026-03-28T22:00:00+01:00", "2026-03-29T03:00:00+02:00"},
		{"berlin spring after gap", berlin, "02:30", "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00"},
		{"berlin spring 23:00", berlin, "23:00", "2026-03-29T01:00:00+01:00", "2026-03-29T23:00:00+02:00"},
		{"berlin fall back first occurrence", berlin, "02:30", "2026-10-24T22:00:00+02:00", "2026-10-25T02:30:00+02:00"},
		{"berlin fall back runs once", berlin, "02:30", "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"},
		{"berlin fall back second 02:00", berlin, "02:00", "2026-10-25T02:15:00+01:00", "2026-10-26T02:00:00+01:00"},
		{"utc midnight", time.UTC, "00:00", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := Schedule{Enabled: true, Daily: tc.daily, Location: tc.loc}
			got := s.Next(utc(tc.after))
			want := utc(tc.want)
			if !got.Equal(want) {
				t.Errorf("Schedule{%s %s}.Next(%s) = %s, want %s", tc.daily, tc.loc, tc.after, got, want.In(tc.loc))
			}
			if got.Location() != tc.loc {
				t.Errorf("Next location = %v, want %v", got.Location(), tc.loc)
			}
		})
	}
}

func TestScheduleNextDisabledAndInvalid(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, s := range []Schedule{
		{},
		{Enabled: false, Daily: "10:30"},
		{Enabled: true, Daily: "25:00"},
		{Enabled: true, Daily: ""},
	} {
		if got := s.Next(now); !got.IsZero() {
			t.Errorf("%+v.Next(%v) = %v, want zero time", s, now, got)
		}
	}
}

func TestScheduleNilLocationIsLocal(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)
	got := Schedule{Enabled: true, Daily: "07:15"}.Next(now)
	want := Schedule{Enabled: true, Daily: "07:15", Location: time.Local}.Next(now)
	if !got.Equal(want) || got.Location() != time.Local {
		t.Errorf("Next with nil Location = %v, want %v in Local", got, want)
	}
}

func TestDefaultSchedule(t *testing.T) {
	t.Parallel()
	s := DefaultSchedule()
	if !s.Enabled || s.Daily != "23:00" || s.Location != time.Local {
		t.Errorf("DefaultSchedule() = %+v, want enabled 23:00 Local", s)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("DefaultSchedule().Validate() = %v", err)
	}
}

func TestScheduleValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		daily   string
		enabled bool
		ok      bool
	}{
		{"00:00", true, true},
		{"23:59", true, true},
		{"07:05", true, true},
		{"", false, true},
		{"", true, false},
		{"24:00", true, false},
		{"23:60", true, false},
		{"7:00", true, false},
		{"07:0", true, false},
		{"07-00", true, false},
		{"ab:cd", true, false},
		{" 7:00", true, false},
		{"07:00:00", true, false},
		{"99:99", false, false},
	}
	for _, tc := range tests {
		err := Schedule{Enabled: tc.enabled, Daily: tc.daily}.Validate()
		if (err == nil) != tc.ok {
			t.Errorf("Schedule{Enabled: %v, Daily: %q}.Validate() = %v, want ok=%v", tc.enabled, tc.daily, err, tc.ok)
		}
	}
}

func TestScheduleJSON(t *testing.T) {
	t.Parallel()
	berlin := mustLoad(t, "Europe/Berlin")
	in := Schedule{Enabled: true, Daily: "06:45", Location: berlin}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"enabled":true,"daily":"06:45","location":"Europe/Berlin"}`; string(data) != want {
		t.Errorf("json.Marshal = %s, want %s", data, want)
	}
	var out Schedule
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	if out.Enabled != in.Enabled || out.Daily != in.Daily || out.Location.String() != "Europe/Berlin" {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
	if err := json.Unmarshal([]byte(`{"enabled":true,"daily":"23:00"}`), &out); err != nil || out.Location != time.Local {
		t.Errorf("no location: %+v, %v; want Local", out, err)
	}
	for _, bad := range []string{
		`{"enabled":true,"daily":"23:00","location":"Mars/Olympus"}`,
		`{"enabled":true,"daily":"11pm"}`,
		`{"enabled":true,"daily":"23:00","zone":"UTC"}`,
	} {
		if err := json.Unmarshal([]byte(bad), &out); err == nil {
			t.Errorf("json.Unmarshal(%s) succeeded, want error", bad)
		}
	}
}
