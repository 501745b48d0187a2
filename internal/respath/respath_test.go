package respath

import (
	"net/http"
	"strings"
	"testing"
)

func TestCompile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expr       string
		wantHeader string
		wantPath   string
		wantErr    string
	}{
		{expr: ""},
		{expr: "header:X-Total-Count", wantHeader: "X-Total-Count"},
		{expr: "header: x-total-count", wantHeader: "X-Total-Count"},
		{expr: "header:\tapptio-opentoken ", wantHeader: "Apptio-Opentoken"},
		{expr: "meta.next", wantPath: "meta.next"},
		{expr: "$.data[0].id", wantPath: "$.data[0].id"},
		{expr: "header:", wantErr: `"header:": header: must be followed by a header name`},
		{expr: "header:   ", wantErr: "must be followed by a header name"},
		{expr: "header:X Total", wantErr: `header name "X Total" is not an RFC 7230 token: byte offset 8 (' ') is not allowed`},
		{expr: "header: X-Tok:", wantErr: `byte offset 13 (':') is not allowed`},
		{expr: "header:Ünï", wantErr: "byte offset 7"},
		{expr: "a[", wantErr: "a["},
	}
	for _, tt := range tests {
		s, err := Compile(tt.expr)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Compile(%q) error = %v, want it to contain %q", tt.expr, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.expr, err)
			continue
		}
		if s.Header != tt.wantHeader || (s.Path == nil) != (tt.wantPath == "") || s.Path != nil && s.Path.String() != tt.wantPath {
			t.Errorf("Compile(%q) = %+v, want header %q path %q", tt.expr, s, tt.wantHeader, tt.wantPath)
		}
		if s.IsZero() != (tt.expr == "") {
			t.Errorf("Compile(%q).IsZero() = %v", tt.expr, s.IsZero())
		}
	}
}

func TestSourceGet(t *testing.T) {
	t.Parallel()
	header := http.Header{"X-Next": {"c2", "ignored"}}
	body := map[string]any{"meta": map[string]any{"next": "c3"}}
	tests := []struct {
		expr   string
		want   any
		wantOK bool
	}{
		{"header:x-next", "c2", true},
		{"header:X-Other", nil, false},
		{"meta.next", "c3", true},
		{"meta.none", nil, false},
		{"", nil, false},
	}
	for _, tt := range tests {
		s, err := Compile(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		v, ok, err := s.Get(t.Context(), header, body)
		if err != nil || ok != tt.wantOK || v != tt.want {
			t.Errorf("%q: Get = %v, %v, %v; want %v, %v", tt.expr, v, ok, err, tt.want, tt.wantOK)
		}
		if got := s.String(); tt.expr != "" && !strings.EqualFold(got, strings.ReplaceAll(tt.expr, " ", "")) {
			t.Errorf("%q: String() = %q", tt.expr, got)
		}
	}
}

func TestValidHeaderName(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{"X-Total": true, "x_y.z~!": true, "": false, "a b": false, "a:b": false, "é": false, "a\x00": false} {
		if got := ValidHeaderName(name); got != want {
			t.Errorf("ValidHeaderName(%q) = %v, want %v", name, got, want)
		}
	}
}
