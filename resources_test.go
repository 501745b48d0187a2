package saasconnect

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestResourcesJSON(t *testing.T) {
	t.Parallel()
	n := func(v int) *int { return &v }
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"empty license", License{}, `{}`},
		{"zero total is not unknown", License{ID: "E3", Total: n(0)}, `{"id":"E3","total":0}`},
		{"license", License{ID: "E3", Name: "E3", Product: "Office", Total: n(25), Assigned: n(3), Connector: "m365", Extra: map[string]any{"x": "y"}},
			`{"id":"E3","name":"E3","product":"Office","total":25,"assigned":3,"connector":"m365","extra":{"x":"y"}}`},
		{"empty application", Application{}, `{}`},
		{"application", Application{ID: "a", Label: "A", Status: "ACTIVE", SignOnMode: "SAML_2_0", Created: day, LastUsed: day, AssignedUsers: n(0)},
			`{"id":"a","label":"A","status":"ACTIVE","sign_on_mode":"SAML_2_0","created":"2026-01-02T00:00:00Z","last_used":"2026-01-02T00:00:00Z","assigned_users":0}`},
		{"assignment", Assignment{Kind: AssignmentLicense, TargetID: "E3", UserID: "u", UserEmail: "a@x.test", LastUsed: day, Connector: "m365"},
			`{"kind":"license","target_id":"E3","user_id":"u","user_email":"a@x.test","last_used":"2026-01-02T00:00:00Z","connector":"m365"}`},
		{"user licenses", User{ID: "u", Licenses: []string{"E3", "E5"}}, `{"id":"u","licenses":["E3","E5"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(b)); diff != "" {
				t.Errorf("JSON (-want +got):\n%s", diff)
			}
			back := reflect.New(reflect.TypeOf(tt.v))
			if err := json.Unmarshal(b, back.Interface()); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.v, back.Elem().Interface()); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}
