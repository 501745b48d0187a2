package connector

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/saasconnect/saasconnect"
)

func TestConsolidate(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 1, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name string
		in   [][]saasconnect.User
		want []saasconnect.User
	}{
		{name: "empty", in: nil, want: nil},
		{
			name: "mixed-case emails merge, latest activity wins, gaps filled",
			in: [][]saasconnect.User{
				{{ID: "1", Email: "Ann@Example.com", Name: "Ann", Department: "Ops", LastActivity: day(3), Connector: "eu",
					Status: saasconnect.StatusActive, Extra: map[string]any{"seat": "pro", "region": "eu"}}},
				{{ID: "9", Email: "ann@example.COM", Title: "CTO", LastActivity: day(5), Connector: "us",
					Status: saasconnect.StatusUnknown, Extra: map[string]any{"seat": "basic"}}},
			},
			want: []saasconnect.User{{ID: "9", Email: "ann@example.COM", Name: "Ann", Department: "Ops", Title: "CTO",
				LastActivity: day(5), Connector: "us", Status: saasconnect.StatusActive,
				Extra: map[string]any{"seat": "basic", "region": "eu"}}},
		},
		{
			name: "ID-only users join by ID, transitively",
			in: [][]saasconnect.User{
				{{ID: "42", Name: "Bob", LastActivity: day(9)}},
				{{ID: "42", Email: "bob@example.com", LastActivity: day(1)}, {ID: "43", Email: "BOB@example.com", Role: "admin"}},
				{{ID: "77"}},
			},
			want: []saasconnect.User{
				{ID: "77"},
				{ID: "42", Email: "bob@example.com", Name: "Bob", Role: "admin", LastActivity: day(9)},
			},
		},
		{
			name: "tie keeps argument order and sorting is by email then ID",
			in: [][]saasconnect.User{
				{{ID: "b", Email: "zed@example.com"}, {ID: "a", Email: "amy@example.com", Name: "First"}},
				{{ID: "c", Email: "AMY@example.com", Name: "Second", Activity: saasconnect.ActivityNever}},
			},
			want: []saasconnect.User{
				{ID: "a", Email: "amy@example.com", Name: "First", Activity: saasconnect.ActivityNever},
				{ID: "b", Email: "zed@example.com"},
			},
		},
		{
			name: "no identity is kept apart",
			in:   [][]saasconnect.User{{{Name: "ghost"}, {Name: "ghost"}}},
			want: []saasconnect.User{{Name: "ghost"}, {Name: "ghost"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := Consolidate(tc.in...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Consolidate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConsolidateDoesNotModifyInput(t *testing.T) {
	t.Parallel()
	a := []saasconnect.User{{ID: "1", Email: "a@x.io", LastActivity: time.Unix(10, 0), Extra: map[string]any{"k": 1}}}
	b := []saasconnect.User{{ID: "2", Email: "A@x.io", Name: "A", Extra: map[string]any{"j": 2}}}
	_ = Consolidate(a, b)
	if a[0].Name != "" || len(a[0].Extra) != 1 || len(b[0].Extra) != 1 {
		t.Errorf("Consolidate modified its input: %+v %+v", a, b)
	}
}

func TestConsolidateOrderIsDeterministic(t *testing.T) {
	t.Parallel()
	var in []saasconnect.User
	for _, e := range []string{"c@x", "B@x", "a@x", "b@x", "", ""} {
		in = append(in, saasconnect.User{Email: e, ID: "id-" + e})
	}
	in[4].ID, in[5].ID = "z", "y"
	first := Consolidate(in)
	for range 20 {
		if diff := cmp.Diff(first, Consolidate(in)); diff != "" {
			t.Fatalf("Consolidate order changed between calls:\n%s", diff)
		}
	}
	var keys []string
	for _, u := range first {
		keys = append(keys, u.Email+"/"+u.ID)
	}
	want := []string{"/y", "/z", "a@x/id-a@x", "B@x/id-B@x", "c@x/id-c@x"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
}
