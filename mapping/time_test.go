package mapping

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v      any
		layout string
		want   string // RFC 3339 in UTC; "never"; "error"
	}{
		// RFC 3339 family.
		{"2021-06-17T16:41:33Z", "", "2021-06-17T16:41:33Z"},
		{"2022-05-04T19:50:52.000Z", "", "2022-05-04T19:50:52Z"},
		{"2015-10-18T14:26:16.028Z", "", "2015-10-18T14:26:16.028Z"},
		{"2021-10-14T00:53:32-06:00", "", "2021-10-14T06:53:32Z"},
		{"2016-05-30T16:45:02+03:00", "", "2016-05-30T13:45:02Z"},
		{"2016-05-30T16:45:02.123456789+0300", "", "2016-05-30T13:45:02.123456789Z"},
		{"2016-05-30T16:45:02.1234567891+03", "", "2016-05-30T13:45:02.123456789Z"},
		{"2016-05-30T16:45:02", "", "2016-05-30T16:45:02Z"},
		{"2016-05-30 16:45:02", "", "2016-05-30T16:45:02Z"},
		{"2016-05-30t16:45z", "", "2016-05-30T16:45:00Z"},
		{"2016-05-30T16:45:02,5Z", "", "2016-05-30T16:45:02.5Z"},
		{"  2016-05-30T16:45:02Z ", "", "2016-05-30T16:45:02Z"},
		// Date only.
		{"2011-01-15", "", "2011-01-15T00:00:00Z"},
		{"2024-02-29", "", "2024-02-29T00:00:00Z"},
		// Workfront.
		{"2010-08-30T09:00:00:000-0600", "", "2010-08-30T15:00:00Z"},
		{"2010-08-30T09:00:00:123-0600", "2006-01-02T15:04:05:000-0700", "2010-08-30T15:00:00.123Z"},
		// Epochs by magnitude.
		{json.Number("1415905802"), "", "2014-11-13T19:10:02Z"},
		{json.Number("1415905802123"), "", "2014-11-13T19:10:02.123Z"},
		{json.Number("1415905802123456"), "", "2014-11-13T19:10:02.123456Z"},
		{json.Number("1415905802123456789"), "", "2014-11-13T19:10:02.123456789Z"},
		{json.Number("1415905802.5"), "", "2014-11-13T19:10:02.5Z"},
		{json.Number("1.415905802e9"), "", "2014-11-13T19:10:02Z"},
		{float64(1415905802), "", "2014-11-13T19:10:02Z"},
		{1415905802123.0, "", "2014-11-13T19:10:02.123Z"},
		{1415905802.25, "", "2014-11-13T19:10:02.25Z"},
		{1415905802123.5, "", "2014-11-13T19:10:02.1235Z"},
		{int64(1415905802), "", "2014-11-13T19:10:02Z"},
		{1415905802, "", "2014-11-13T19:10:02Z"},
		{"1415905802", "", "2014-11-13T19:10:02Z"},
		{"1415905802123", "", "2014-11-13T19:10:02.123Z"},
		{"/Date(1600000000000)/", "", "2020-09-13T12:26:40Z"},
		{"/Date(1600000000000+0100)/", "", "2020-09-13T12:26:40Z"},
		{"/Date(-1000)/", "", "1969-12-31T23:59:59Z"},
		// Explicit epochs.
		{json.Number("1415905802"), "unix", "2014-11-13T19:10:02Z"},
		{"1415905802", "unix", "2014-11-13T19:10:02Z"},
		{json.Number("1415905802123"), "unix_ms", "2014-11-13T19:10:02.123Z"},
		{json.Number("1000"), "unix_ms", "1970-01-01T00:00:01Z"},
		{json.Number("1000"), "unix", "1970-01-01T00:16:40Z"},
		{1000.5, "unix", "1970-01-01T00:16:40.5Z"},
		{"99999999999999999", "unix", "error"},
		// HTTP dates.
		{"Mon, 02 Jan 2006 15:04:05 GMT", "", "2006-01-02T15:04:05Z"},
		{"Mon, 02 Jan 2006 15:04:05 -0700", "", "2006-01-02T22:04:05Z"},
		// Explicit layout.
		{"02/01/2006 15:04", "02/01/2006 15:04", "2006-01-02T15:04:00Z"},
		{"2021-06-17T16:41:33Z", "02/01/2006", "error"},
		{json.Number("1"), "2006-01-02", "error"},
		{1.0, "2006-01-02", "error"},
		// Never.
		{nil, "", "never"},
		{"", "", "never"},
		{"   ", "", "never"},
		{"0001-01-01T00:00:00Z", "", "never"},
		{"0001-01-01T00:00:00Z", time.RFC3339, "never"},
		{"0000-00-00 00:00:00", "", "never"},
		{"0000-00-00", "", "never"},
		{json.Number("0"), "", "never"},
		{0.0, "", "never"},
		{"0", "", "never"},
		{"", "unix", "never"},
		{nil, "unix_ms", "never"},
		// The epoch instant is never in every representation.
		{"1970-01-01T00:00:00Z", "", "never"},
		{"1970-01-01T00:00:00.000Z", "", "never"},
		{"1970-01-01T00:00:00.000Z", "rfc3339", "never"},
		{"1970-01-01T01:00:00+01:00", "", "never"},
		{"1970-01-01", "", "never"},
		{"/Date(0)/", "", "never"},
		{"/Date(0)/", "dotnet", "never"},
		{"/Date(0+0100)/", "", "never"},
		{json.Number("0"), "unix_ms", "never"},
		{"0.0", "unix", "never"},
		{"01/01/1970", "01/02/2006", "never"},
		{"0001-01-01T00:00:00Z", "rfc3339", "never"},
		{"1970-01-01T00:00:00+01:00", "", "1969-12-31T23:00:00Z"},
		{"1970-01-01T00:00:00.001Z", "", "1970-01-01T00:00:00.001Z"},
		// Declared formats are used instead of detection.
		{"/Date(1600000000000)/", "dotnet", "2020-09-13T12:26:40Z"},
		{"/Date(1600000000000-0500)/", "dotnet", "2020-09-13T12:26:40Z"},
		{"2020-09-13T12:26:40Z", "dotnet", "error"},
		{json.Number("1600000000000"), "dotnet", "error"},
		{"2021-06-17T16:41:33.5+02:00", "rfc3339", "2021-06-17T14:41:33.5Z"},
		{"2021-06-17 16:41:33Z", "rfc3339", "error"},
		{"2021-06-17T16:41:33", "rfc3339", "error"},
		{json.Number("1415905802"), "rfc3339", "error"},
		{"1415905802123", "unix", "error"}, // milliseconds read as declared seconds: out of range, not guessed
		{json.Number("1415905802123"), "unix", "error"},
		{json.Number("1415905802"), "unix_ms", "1970-01-17T09:18:25.802Z"},
		{"1.5", "unix_ms", "1970-01-01T00:00:00.0015Z"},
		{"/Date(1600000000000)/", "unix_ms", "error"},
		{"2021-06-17T16:41:33Z", "unix", "error"},
		// Errors.
		{"yesterday", "", "error"},
		{"2021-13-01", "", "error"},
		{"2021-02-30", "", "error"},
		{"2021-02-03T25:00:00Z", "", "error"},
		{"2021-02-03T10:00:61Z", "", "error"},
		{"2021-02-03T10:00:00+2500", "", "error"},
		{"2021-02-03T10:00:00+1", "", "error"},
		{"2021-02-03T10:00:00Q", "", "error"},
		{"2021-02-03X10:00:00", "", "error"},
		{"2021-02-03T1:00", "", "error"},
		{"2021-0a-03", "", "error"},
		{"/Date(abc)/", "", "error"},
		{"1.2.3", "", "error"},
		{json.Number("abc"), "", "error"},
		{true, "", "error"},
		{map[string]any{}, "", "error"},
		{[]any{"2021-01-01"}, "", "error"},
		{"1e999", "unix", "error"},
		{json.Number("1e999"), "", "error"},
	}
	for _, tt := range tests {
		got, never, err := ParseTime(tt.v, tt.layout)
		switch tt.want {
		case "error":
			if err == nil {
				t.Errorf("ParseTime(%#v, %q) = %v, %v; want error", tt.v, tt.layout, got, never)
			} else if !errors.Is(err, ErrTime) {
				t.Errorf("ParseTime(%#v, %q) error %v does not wrap ErrTime", tt.v, tt.layout, err)
			}
		case "never":
			if err != nil || !never || !got.IsZero() {
				t.Errorf("ParseTime(%#v, %q) = %v, %v, %v; want never", tt.v, tt.layout, got, never, err)
			}
		default:
			want, _ := time.Parse(time.RFC3339Nano, tt.want)
			if err != nil || never || !got.Equal(want) || got.Location() != time.UTC {
				t.Errorf("ParseTime(%#v, %q) = %v (%v), %v, %v; want %v", tt.v, tt.layout, got, got.Location(), never, err, tt.want)
			}
		}
	}
}

func TestParseTimeAllocs(t *testing.T) {
	vals := []any{"2021-06-17T16:41:33Z", "2010-08-30T09:00:00:000-0600", json.Number("1415905802"), "2011-01-15", nil}
	allocs := testing.AllocsPerRun(100, func() {
		for _, v := range vals {
			if _, _, err := ParseTime(v, ""); err != nil {
				t.Fatal(err)
			}
		}
	})
	if allocs != 0 {
		t.Errorf("ParseTime allocates %v times", allocs)
	}
}

func TestCheckLayout(t *testing.T) {
	t.Parallel()
	for _, l := range []string{"", "unix", "unix_ms", time.RFC3339, "2006-01-02T15:04:05:000-0700", "02/01/2006"} {
		if err := checkLayout(l); err != nil {
			t.Errorf("checkLayout(%q) = %v", l, err)
		}
	}
	for _, l := range []string{"yesterday", "unixms"} {
		if err := checkLayout(l); err == nil {
			t.Errorf("checkLayout(%q) = nil", l)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2021-06-17T16:41:33Z", "2010-08-30T09:00:00:000-0600", "1415905802", "/Date(1600000000000+0100)/",
		"0001-01-01T00:00:00Z", "2011-01-15", "2016-05-30T16:45:02.1234567891+03", "Mon, 02 Jan 2006 15:04:05 GMT", "", "-1e9", "9999-12-31T23:59:59-23:59"} {
		f.Add(s, "")
	}
	f.Add("1415905802", "unix")
	f.Add("1415905802123", "unix_ms")
	f.Add("02/01/2006", "02/01/2006")
	f.Fuzz(func(t *testing.T, s, layout string) {
		for _, v := range []any{s, json.Number(s)} {
			got, never, err := ParseTime(v, layout)
			if err != nil {
				if !errors.Is(err, ErrTime) {
					t.Fatalf("ParseTime(%q, %q) error %v does not wrap ErrTime", s, layout, err)
				}
				if !got.IsZero() || never {
					t.Fatalf("ParseTime(%q, %q) returned a time with an error", s, layout)
				}
				continue
			}
			if never != got.IsZero() {
				t.Fatalf("ParseTime(%q, %q) = %v never=%v", s, layout, got, never)
			}
			if !never && got.Location() != time.UTC {
				t.Fatalf("ParseTime(%q, %q) not UTC", s, layout)
			}
		}
	})
}

func TestDaysIn(t *testing.T) {
	t.Parallel()
	for year := 1896; year <= 2404; year++ {
		for m := time.January; m <= time.December; m++ {
			if got, want := daysIn(m, year), time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != want {
				t.Fatalf("daysIn(%v, %d) = %d, want %d", m, year, got, want)
			}
		}
	}
}
