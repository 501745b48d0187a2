package duration

import (
	"errors"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"720h", 720 * time.Hour, false},
		{" 1h30m ", 90 * time.Minute, false},
		{"90s", 90 * time.Second, false},
		{"1m", time.Minute, false},
		{"90d", 90 * 24 * time.Hour, false},
		{"1d", 24 * time.Hour, false},
		{"1.5d", 36 * time.Hour, false},
		{"1d12h", 36 * time.Hour, false},
		{"0.5d30m", 12*time.Hour + 30*time.Minute, false},
		{"0s", 0, false},
		{"0d", 0, false},
		{"-1h", -time.Hour, false},
		{"", 0, true},
		{"  ", 0, true},
		{"0", 0, false},
		{"d", 0, true},
		{"-5d", 0, true},
		{"+5d", 0, true},
		{"1e3d", 0, true},
		{"0x10d", 0, true},
		{"1_0d", 0, true},
		{"NaNd", 0, true},
		{"Infd", 0, true},
		{"1d-1h", 0, true},
		{"1dd", 0, true},
		{"5 days", 0, true},
		{"1w", 0, true},
		{"1000000000d", 0, true},
		{"106751d24h", 0, true},
	}
	for _, tt := range tests {
		got, err := Parse(tt.in)
		if tt.err {
			if err == nil || !errors.Is(err, ErrSyntax) {
				t.Errorf("Parse(%q) = %v, %v; want an ErrSyntax error", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "720h", "90d", "1d12h", "0.5d", "-1h", "1e3d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrSyntax", s, err)
			}
			return
		}
		if d2, err := Parse(d.String()); err != nil || d2 != d {
			t.Fatalf("Parse(%q) = %v; Parse(%q) = %v, %v", s, d, d.String(), d2, err)
		}
	})
}
