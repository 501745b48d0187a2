package bench

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/connector/connectortest"
	"github.com/saasconnect/saasconnect/vendors"
)

// FuzzTemplateRoundTrip feeds ParseTemplate arbitrary bytes, seeded with
// every prebuilt vendor template and the fake vendor's. It complements
// connector's FuzzParseTemplate (no panics, typed errors): a template
// ParseTemplate accepts must validate without panicking and survive a JSON
// round trip unchanged (what ParseTemplate reads, json.Marshal writes back).
func FuzzTemplateRoundTrip(f *testing.F) {
	for _, t := range vendors.List() {
		b, err := json.Marshal(t)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(connectortest.NewInMemoryServer(connectortest.ServerConfig{Users: 1, Auth: connectortest.AuthOAuth2}).TemplateJSON())
	f.Add([]byte(`{"version":1,"unknown":true}`))
	f.Add([]byte(`{"version":1,"pagination":{"type":"cursor_limit","cursor_path":"$last.id"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tmpl, err := connector.ParseTemplate(data)
		if err != nil {
			return
		}
		_ = tmpl.Validate()
		_ = tmpl.Settings()
		b, err := json.Marshal(tmpl)
		if err != nil {
			t.Fatalf("a parsed template does not marshal: %v", err)
		}
		again, err := connector.ParseTemplate(b)
		if err != nil {
			t.Fatalf("ParseTemplate rejects its own output %s: %v", b, err)
		}
		if diff := cmp.Diff(tmpl, again); diff != "" {
			t.Fatalf("round trip changed the template (-first +second):\n%s", diff)
		}
	})
}
