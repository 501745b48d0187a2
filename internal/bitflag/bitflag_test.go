package bitflag

import (
	"encoding/json"
	"testing"
)

func TestMatchAndParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		test Test
		n    int64
		mask string
		want bool
	}{
		{Any, 514, "0x2", true}, {Any, 512, "2", false}, {All, 514, "0x202", true},
		{All, 2, "0x202", false}, {None, 512, "0x2", true}, {None, 66050, "0X2", false},
		{Test("bits_xor"), 2, "2", false},
	} {
		m, err := ParseMask(tc.mask)
		if err != nil {
			t.Fatalf("ParseMask(%q): %v", tc.mask, err)
		}
		if got := tc.test.Match(tc.n, m); got != tc.want {
			t.Errorf("%s(%d, %s) = %v, want %v", tc.test, tc.n, tc.mask, got, tc.want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "0x", "2.0", "x2"} {
		if _, err := ParseMask(bad); err == nil {
			t.Errorf("ParseMask(%q) accepted", bad)
		}
	}
	for _, tc := range []struct {
		v    any
		want int64
		ok   bool
	}{
		{"514", 514, true}, {" 512 ", 512, true}, {json.Number("2.0"), 2, true}, {json.Number("1e3"), 1000, true},
		{float64(3), 3, true}, {1.5, 0, false}, {int64(7), 7, true}, {7, 7, true}, {"abc", 0, false}, {nil, 0, false}, {true, 0, false},
	} {
		if n, ok := Int(tc.v); n != tc.want || ok != tc.ok {
			t.Errorf("Int(%#v) = %d, %v; want %d, %v", tc.v, n, ok, tc.want, tc.ok)
		}
	}
}
