package connector

import (
	"bytes"
	"errors"
	"testing"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// FuzzParseTemplate: ParseTemplate never panics, and every error it returns
// is made of *TemplateError values; a template it accepts can be validated.
func FuzzParseTemplate(f *testing.F) {
	f.Add([]byte(validJSON))
	f.Add([]byte(`{"version":1,"pagination":{"type":"cursor_limit","curser_path":"x"}}`))
	f.Add([]byte(`{"version": 1, "request": {`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"settings":[{"name":"a","default":"{a}"}],"request":{"users_url":"{a}/x"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, err := ParseTemplate(data)
		if err != nil {
			for _, e := range unjoin(err) {
				var te *TemplateError
				if !errors.As(e, &te) {
					t.Fatalf("error %T is not a *TemplateError: %v", e, e)
				}
			}
			return
		}
		_ = tmpl.Validate()
		_ = tmpl.Settings()
	})
}

// FuzzDecodePage: the page decoder never panics and never returns records
// for a body that is not one complete JSON document.
func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"data":[{"id":1}],"total":1}`), "data")
	f.Add([]byte(`[{"id":1}]`), "")
	f.Add([]byte(`{"data":[{"id":1},`), "data")
	f.Add([]byte(`{"r":{"x":[{"row":{"a":1}}]}}`), "r.x[*].row")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		p, err := jsonpath.Compile(path)
		if err != nil {
			return
		}
		for _, raw := range []bool{false, true} {
			page, err := decodePage(bytes.NewReader(body), 1<<16, p, raw)
			if err != nil {
				continue
			}
			if raw && len(page.Raw) != len(page.Records) {
				t.Fatalf("raw records %d != records %d", len(page.Raw), len(page.Records))
			}
		}
	})
}
