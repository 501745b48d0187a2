package connector_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

// TestReportWalked: Walked is true exactly when the whole listing was
// walked, whether or not every record could be mapped.
func TestReportWalked(t *testing.T) {
	t.Parallel()
	const tmpl = `{"version":1,"name":"W","slug":"w","vendor":"test","auth":{"method":"none"},
"request":{"users_url":"{base_url}/users"},
"response":{"records_path":"data","fields":{"id":"id","email":"email","last_activity":"last"}},
"settings":[{"name":"base_url"}]}`
	tests := []struct {
		name       string
		body       string
		status     int
		wantStatus connector.RunStatus
		wantWalked bool
	}{
		{"all mapped", `{"data":[{"id":"1","email":"a@x.io"}]}`, 200, connector.Succeeded, true},
		{"unmappable record", `{"data":[{"id":"1","email":"a@x.io"},{"id":"2","email":"b@x.io","last":"not a time"}]}`, 200, connector.Partial, true},
		{"server error", `{}`, 500, connector.Failed, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			tp, err := connector.ParseTemplate([]byte(tmpl))
			if err != nil {
				t.Fatal(err)
			}
			c, err := connector.New(tp, "w", connector.Settings{"base_url": srv.URL}, connector.WithHTTPClient(srv.Client()),
				connector.WithRetry(connector.RetryPolicy{MaxAttempts: 1}))
			if err != nil {
				t.Fatal(err)
			}
			rep, _ := c.Run(t.Context(), func(saasconnect.User) error { return nil })
			if rep.Status != tc.wantStatus || rep.Walked != tc.wantWalked {
				t.Errorf("Run: Status %s, Walked %v; want %s, %v (err %q)", rep.Status, rep.Walked, tc.wantStatus, tc.wantWalked, rep.Err)
			}
		})
	}
}
