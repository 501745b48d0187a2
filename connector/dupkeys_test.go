package connector

import (
	"errors"
	"strings"
	"testing"
)

func TestParseTemplateDuplicateKeys(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		json      string
		wantPaths []string
		wantIn    string
	}{
		{"top level", `{"version": 1, "name": "a", "name": "b"}`, []string{"name"}, "byte offset 28 (line 1, column 29)"},
		{"nested", `{"version": 1, "request": {"users_url": "x", "users_url": "y"}}`, []string{"request.users_url"}, "line 1"},
		{"in an array", `{"version": 1, "filters": [{"field": "a"}, {"field": "b", "field": "c"}]}`, []string{"filters[1].field"}, "JSON keeps only the last value"},
		{"two of them", "{\"version\": 1,\n \"slug\": \"a\",\n \"slug\": \"b\",\n \"auth\": {\"method\": \"none\", \"method\": \"basic\"}}", []string{"slug", "auth.method"}, "line 3"},
		{"same key in sibling objects is fine", `{"version": 1, "request": {"headers": {"a": "1"}, "query": {"a": "2"}}}`, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseTemplate([]byte(tc.json))
			var paths []string
			for _, e := range splitJoined(err) {
				var te *TemplateError
				if errors.As(e, &te) && strings.Contains(te.Error(), "duplicate key") {
					paths = append(paths, te.Path)
				}
			}
			if strings.Join(paths, ",") != strings.Join(tc.wantPaths, ",") {
				t.Errorf("ParseTemplate(%s) duplicate paths = %q, want %q (err %v)", tc.json, paths, tc.wantPaths, err)
			}
			if tc.wantIn != "" && (err == nil || !strings.Contains(err.Error(), tc.wantIn)) {
				t.Errorf("ParseTemplate(%s) = %v, want it to mention %q", tc.json, err, tc.wantIn)
			}
		})
	}
}

// splitJoined flattens an errors.Join result.
func splitJoined(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	if err == nil {
		return nil
	}
	return []error{err}
}
