package connector

import (
	"errors"
	"slices"
	"testing"
)

func TestWarnings(t *testing.T) {
	tests := []struct {
		name      string
		fields    map[string]string
		activity  string
		wantPaths []string
	}{
		{name: "none", fields: map[string]string{"id": "id"}, activity: "last_login"},
		{name: "alias", fields: map[string]string{"id": "id", "last_activity": "last_login"}, wantPaths: []string{"response.fields.last_activity"}},
		{name: "alias and field agree", fields: map[string]string{"id": "id", "last_activity": "last_login"}, activity: "last_login",
			wantPaths: []string{"response.fields.last_activity"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl := Template{Version: 1, Request: RequestSpec{UsersURL: "https://api.example.com/users"},
				Response: ResponseSpec{Fields: tt.fields}, Activity: ActivitySpec{LastActivityField: tt.activity}}
			if err := tmpl.Validate(); err != nil {
				t.Fatalf("Validate: %v (the alias is still accepted)", err)
			}
			var paths []string
			for _, w := range tmpl.Warnings() {
				var te *TemplateError
				if !errors.As(w, &te) || !errors.Is(w, ErrDeprecated) {
					t.Fatalf("warning %v is not a *TemplateError wrapping ErrDeprecated", w)
				}
				paths = append(paths, te.Path)
				if want := "template: response.fields.last_activity: deprecated: move this path to activity.last_activity_field (the alias still works)"; w.Error() != want {
					t.Errorf("warning = %q, want %q", w, want)
				}
			}
			if !slices.Equal(paths, tt.wantPaths) {
				t.Errorf("warning paths = %v, want %v", paths, tt.wantPaths)
			}
		})
	}
}
