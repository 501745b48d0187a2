package saasconnect

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestUserJSONRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		user User
		want string
	}{
		{"empty", User{}, `{}`},
		{"snake case", User{FirstName: "Ada", LastName: "Lovelace", LastActivity: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
			`{"first_name":"Ada","last_name":"Lovelace","last_activity":"2026-01-02T03:04:05Z"}`},
		{"extra and raw", User{ID: "7", Extra: map[string]any{"seat": "pro"}, Raw: json.RawMessage(`{"id":7}`)},
			`{"id":"7","extra":{"seat":"pro"},"raw":{"id":7}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tc.user)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tc.want {
				t.Errorf("Marshal = %s, want %s", b, tc.want)
			}
			var back User
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.user, back); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		user User
		want string
	}{
		{User{Email: "A@B.com", ID: "1"}, "a@b.com"},
		{User{ID: "1"}, "id:1"},
	}
	for _, tc := range tests {
		if got := tc.user.Key(); got != tc.want {
			t.Errorf("%+v.Key() = %q, want %q", tc.user, got, tc.want)
		}
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	for _, s := range Statuses() {
		got, err := ParseStatus(string(s))
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
	}
	if got, err := ParseStatus("Pending"); err != nil || got != StatusPending {
		t.Errorf("ParseStatus(Pending) = %q, %v, want %q", got, err, StatusPending)
	}
	if !slices.Contains(Statuses(), StatusPending) {
		t.Errorf("Statuses() = %v, want it to include %q", Statuses(), StatusPending)
	}
	if _, err := ParseStatus("nope"); err == nil {
		t.Error("ParseStatus(nope) = nil error")
	}
	if n := len(ActivityStates()); n != 4 {
		t.Errorf("len(ActivityStates()) = %d, want 4", n)
	}
}
