package activity

import (
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/saasconnect/saasconnect"
)

var now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		c        Classifier
		last     time.Time
		reported bool
		want     saasconnect.ActivityState
	}{
		{"not reported", Classifier{Now: clock}, now, false, saasconnect.ActivityUnknown},
		{"not reported, zero", Classifier{Now: clock}, time.Time{}, false, saasconnect.ActivityUnknown},
		{"never", Classifier{Now: clock}, time.Time{}, true, saasconnect.ActivityNever},
		{"just now", Classifier{Now: clock}, now, true, saasconnect.ActivityActive},
		{"29 days", Classifier{Now: clock}, now.Add(-29 * 24 * time.Hour), true, saasconnect.ActivityActive},
		{"exactly 30 days is active", Classifier{Now: clock}, now.Add(-DefaultInactiveAfter), true, saasconnect.ActivityActive},
		{"30 days and 1ns", Classifier{Now: clock}, now.Add(-DefaultInactiveAfter - 1), true, saasconnect.ActivityInactive},
		{"future", Classifier{Now: clock}, now.Add(time.Hour), true, saasconnect.ActivityActive},
		{"custom 90d", Classifier{InactiveAfter: 90 * 24 * time.Hour, Now: clock}, now.Add(-60 * 24 * time.Hour), true, saasconnect.ActivityActive},
		{"custom 1h", Classifier{InactiveAfter: time.Hour, Now: clock}, now.Add(-61 * time.Minute), true, saasconnect.ActivityInactive},
		{"negative means default", Classifier{InactiveAfter: -time.Hour, Now: clock}, now.Add(-2 * time.Hour), true, saasconnect.ActivityActive},
		{"other zone", Classifier{Now: clock}, now.Add(-time.Hour).In(time.FixedZone("X", -6*3600)), true, saasconnect.ActivityActive},
	}
	for _, tt := range tests {
		if got := tt.c.Classify(tt.last, tt.reported); got != tt.want {
			t.Errorf("%s: Classify = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestClassifyDefaultClock uses the real clock (time.Now), faked by synctest.
func TestClassifyDefaultClock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var c Classifier
		last := time.Now()
		if got := c.Classify(last, true); got != saasconnect.ActivityActive {
			t.Fatalf("fresh = %s", got)
		}
		time.Sleep(DefaultInactiveAfter)
		if got := c.Classify(last, true); got != saasconnect.ActivityActive {
			t.Fatalf("at the threshold = %s", got)
		}
		time.Sleep(time.Second)
		if got := c.Classify(last, true); got != saasconnect.ActivityInactive {
			t.Fatalf("past the threshold = %s", got)
		}
	})
}

func TestApply(t *testing.T) {
	t.Parallel()
	u := saasconnect.User{ID: "1", LastActivity: now.Add(-40 * 24 * time.Hour)}
	Classifier{Now: clock}.Apply(&u, true)
	if u.Activity != saasconnect.ActivityInactive {
		t.Errorf("Apply = %s", u.Activity)
	}
	Classifier{Now: clock}.Apply(&u, false)
	if u.Activity != saasconnect.ActivityUnknown {
		t.Errorf("Apply unreported = %s", u.Activity)
	}
}

func TestSummary(t *testing.T) {
	t.Parallel()
	c := Classifier{Now: clock}
	lasts := []time.Time{now.Add(-time.Hour), now.Add(-100 * 24 * time.Hour), {}, now.Add(-10 * 24 * time.Hour), now.Add(-31 * 24 * time.Hour)}
	var s Summary
	if s.Total() != 0 || !s.Oldest.IsZero() {
		t.Fatal("zero Summary not empty")
	}
	for _, last := range lasts {
		u := saasconnect.User{LastActivity: last}
		c.Apply(&u, true)
		s.Add(u)
	}
	s.Add(saasconnect.User{Activity: saasconnect.ActivityUnknown})
	s.Add(saasconnect.User{}) // unclassified counts as unknown
	want := Summary{Active: 2, Inactive: 2, Never: 1, Unknown: 2, Oldest: now.Add(-100 * 24 * time.Hour), Newest: now.Add(-time.Hour)}
	if s != want {
		t.Errorf("Summary = %+v\nwant %+v", s, want)
	}
	if s.Total() != 7 || s.String() != "2 active, 2 inactive, 1 never, 2 unknown" {
		t.Errorf("Total %d, String %q", s.Total(), s)
	}

	// Merge equals adding everything to one summary.
	var a, b Summary
	a.Add(saasconnect.User{Activity: saasconnect.ActivityActive, LastActivity: now})
	b.Add(saasconnect.User{Activity: saasconnect.ActivityInactive, LastActivity: now.Add(-50 * 24 * time.Hour)})
	b.Add(saasconnect.User{Activity: saasconnect.ActivityNever})
	a.Merge(b)
	a.Merge(Summary{})
	if want := (Summary{Active: 1, Inactive: 1, Never: 1, Oldest: now.Add(-50 * 24 * time.Hour), Newest: now}); a != want {
		t.Errorf("Merge = %+v, want %+v", a, want)
	}

	js, err := json.Marshal(Summary{Active: 1})
	if err != nil || string(js) != `{"active":1,"inactive":0,"never":0,"unknown":0}` {
		t.Errorf("JSON = %s, %v", js, err)
	}
}

func TestSummaryPerGoroutine(t *testing.T) {
	t.Parallel()
	parts := make([]Summary, 4)
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() {
			for range 100 {
				parts[i].Add(saasconnect.User{Activity: saasconnect.ActivityActive, LastActivity: now})
			}
		})
	}
	wg.Wait()
	var total Summary
	for _, p := range parts {
		total.Merge(p)
	}
	if total.Active != 400 {
		t.Errorf("Active = %d", total.Active)
	}
}

func TestParseInactiveAfter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"", DefaultInactiveAfter, false},
		{"  ", DefaultInactiveAfter, false},
		{"720h", 720 * time.Hour, false},
		{"1h30m", 90 * time.Minute, false},
		{"90d", 90 * 24 * time.Hour, false},
		{" 90d ", 90 * 24 * time.Hour, false},
		{"1d12h", 36 * time.Hour, false},
		{"0.5d", 12 * time.Hour, false},
		{"30d", DefaultInactiveAfter, false},
		{"0d", 0, true},
		{"0", 0, true},
		{"-5d", 0, true},
		{"-1h", 0, true},
		{"1d-12h", 0, true},
		{"d", 0, true},
		{"90", 0, true},
		{"ninety days", 0, true},
		{"1e3d", 0, true},
		{"99999999999999d", 0, true},
		{"1dd", 0, true},
		{"NaNd", 0, true},
		{"Infd", 0, true},
		{"106751d24h", 0, true},
	}
	for _, tt := range tests {
		got, err := ParseInactiveAfter(tt.in)
		if tt.err {
			if err == nil || !errors.Is(err, ErrInactiveAfter) {
				t.Errorf("ParseInactiveAfter(%q) = %v, %v; want ErrInactiveAfter", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseInactiveAfter(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParseInactiveAfter(f *testing.F) {
	for _, s := range []string{"", "720h", "90d", "1d12h", "0.5d", "-1h", "1e3d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseInactiveAfter(s)
		if err == nil && d <= 0 {
			t.Fatalf("ParseInactiveAfter(%q) = %v without error", s, d)
		}
	})
}
