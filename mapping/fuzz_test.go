package mapping

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// FuzzMapSuggest maps arbitrary JSON documents with a fixed spec and runs
// Suggest on them: no panics, errors are located, suggestions compile.
func FuzzMapSuggest(f *testing.F) {
	for _, rec := range vendorRecords {
		f.Add([]byte(rec))
	}
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"emails":{"value":{"x":1}},"id":1e400}`))
	m := MustCompile(Spec{
		Fields: map[string]string{"id": "id", "email": "emails[0].value", "name": "name", "status": "status",
			"title": "$..title", "x": "profile.email"},
		StatusValues:      map[string]string{"ACTIVE": "active", "true": "active"},
		LastActivityField: "lastLogin",
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		var rec any
		if err := json.Unmarshal(data, &rec); err != nil {
			return
		}
		u, err := m.Map(rec)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("Map error %v is not a *FieldError", err)
			}
		} else if u.Email == "" && u.ID == "" {
			t.Fatalf("user without identity: %+v", u)
		}
		for _, s := range Suggest(rec) {
			if _, err := jsonpath.Compile(s.Path); err != nil {
				t.Fatalf("suggested path %q does not compile: %v", s.Path, err)
			}
		}
	})
}
