package mapping

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/saasconnect/saasconnect"
)

func TestParseLDAPTimes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v      any
		layout string
		want   string // RFC 3339 in UTC; "never"; "error"
	}{
		// FILETIME: 100 ns intervals since 1601-01-01.
		{"133497000000000000", TimeFileTime, "2024-01-14T10:00:00Z"},
		{json.Number("133497000000000001"), TimeFileTime, "2024-01-14T10:00:00.0000001Z"},
		{"116444736000000000", TimeFileTime, "1970-01-01T00:00:00Z"},
		{int64(1), TimeFileTime, "1601-01-01T00:00:00.0000001Z"},
		{"0", TimeFileTime, "never"},
		{"9223372036854775807", TimeFileTime, "never"},
		{json.Number("9223372036854775807"), TimeFileTime, "never"},
		{"", TimeFileTime, "never"},
		{nil, TimeFileTime, "never"},
		{"-5", TimeFileTime, "error"},
		{"2024-01-14", TimeFileTime, "error"},
		{true, TimeFileTime, "error"},
		{float64(1.5), TimeFileTime, "error"},
		// A FILETIME in the future is a time like any other.
		{"159000000000000000", TimeFileTime, "2104-11-07T18:40:00Z"},
		// GeneralizedTime, explicit.
		{"20240115103000.0Z", TimeGeneralized, "2024-01-15T10:30:00Z"},
		{"20240115103000Z", TimeGeneralized, "2024-01-15T10:30:00Z"},
		{"20240115103000", TimeGeneralized, "2024-01-15T10:30:00Z"},
		{"202401151030-0500", TimeGeneralized, "2024-01-15T15:30:00Z"},
		{"2024011510+01", TimeGeneralized, "2024-01-15T09:00:00Z"},
		{"2024011510.5Z", TimeGeneralized, "2024-01-15T10:30:00Z"},
		{"20240115103000,25Z", TimeGeneralized, "2024-01-15T10:30:00.25Z"},
		{"", TimeGeneralized, "never"},
		{"20241315103000Z", TimeGeneralized, "error"},
		{"20240230103000Z", TimeGeneralized, "error"},
		{"20240115103000Q", TimeGeneralized, "error"},
		{"2024-01-15T10:30:00Z", TimeGeneralized, "error"},
		{json.Number("20240115103000"), TimeGeneralized, "error"},
		// GeneralizedTime detected only with its zone.
		{"20240115103000.0Z", "", "2024-01-15T10:30:00Z"},
		{"20240115103000+0100", "", "2024-01-15T09:30:00Z"},
		{"20240115103000", "", "2611-05-21T14:11:43Z"}, // digits: an epoch in milliseconds, as before
	}
	for _, tc := range tests {
		got, never, err := ParseTime(tc.v, tc.layout)
		var s string
		switch {
		case err != nil:
			if !errors.Is(err, ErrTime) {
				t.Errorf("ParseTime(%#v, %q) error %v does not wrap ErrTime", tc.v, tc.layout, err)
			}
			s = "error"
		case never:
			s = "never"
		default:
			s = got.Format(time.RFC3339Nano)
		}
		if s != tc.want {
			t.Errorf("ParseTime(%#v, %q) = %s (err %v), want %s", tc.v, tc.layout, s, err, tc.want)
		}
	}
}

func TestFileTimeRoundTrip(t *testing.T) {
	t.Parallel()
	for _, want := range []time.Time{
		time.Date(2024, 1, 14, 10, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 23, 59, 59, 123456700, time.UTC),
	} {
		got, never, err := parseFileTime(FileTime(want))
		if err != nil || never || !got.Equal(want) {
			t.Errorf("parseFileTime(FileTime(%v)) = %v, %v, %v", want, got, never, err)
		}
	}
}

func TestStatusBitRules(t *testing.T) {
	t.Parallel()
	m := MustCompile(Spec{
		Fields:       map[string]string{"id": "id", "status": "uac"},
		StatusValues: map[string]string{"bits_any:0x2": "inactive", "bits_none:0x2": "active", "4096": "suspended"},
	})
	tests := []struct {
		uac  any
		want saasconnect.Status
	}{
		{"512", saasconnect.StatusActive},   // NORMAL_ACCOUNT
		{"514", saasconnect.StatusInactive}, // NORMAL_ACCOUNT | ACCOUNTDISABLE
		{"66050", saasconnect.StatusInactive},
		{"66048", saasconnect.StatusActive},
		{json.Number("546"), saasconnect.StatusInactive},
		{float64(512), saasconnect.StatusActive},
		{"4096", saasconnect.StatusSuspended}, // an exact key wins over the rules
		{"enabled", saasconnect.StatusUnknown},
		{nil, saasconnect.StatusUnknown},
	}
	for _, tc := range tests {
		u, err := m.Map(map[string]any{"id": "1", "uac": tc.uac})
		if err != nil {
			t.Fatalf("Map(uac=%v): %v", tc.uac, err)
		}
		if u.Status != tc.want {
			t.Errorf("uac %#v: status %q, want %q", tc.uac, u.Status, tc.want)
		}
	}
}

func TestStatusBitRuleErrors(t *testing.T) {
	t.Parallel()
	for _, key := range []string{"bits_any:", "bits_all:0xZZ", "bits_none:-2", "bits_any:0"} {
		_, err := Compile(Spec{Fields: map[string]string{"id": "id", "status": "uac"}, StatusValues: map[string]string{key: "inactive"}})
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != `status_values["`+key+`"]` {
			t.Errorf("status_values key %q: error %v, want a FieldError on status_values[%q]", key, err, key)
		}
	}
	// Other keys with a colon stay plain keys.
	if _, err := Compile(Spec{Fields: map[string]string{"id": "id", "status": "s"}, StatusValues: map[string]string{"bits:2": "active", "a:b": "active"}}); err != nil {
		t.Errorf("plain keys with a colon: %v", err)
	}
}
