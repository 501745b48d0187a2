package connector

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/saasconnect/saasconnect/internal/fakevendor"
	"github.com/saasconnect/saasconnect/paginate"
)

// TestNoSecretsAnywhere runs failing and succeeding runs for every auth
// method, with the vendor echoing credentials back in error bodies, and
// checks that no secret reaches an error, a log line or a Report.
func TestNoSecretsAnywhere(t *testing.T) {
	// The vendor echoes every credential back in its error bodies.
	echo := fmt.Sprintf(`{"error":"bad request from key=%s pw=%s cs=%s login=%s"}`, testAPIKey, testPassword, testClientSecret, testLoginSecret)
	for _, am := range []AuthMethod{AuthNone, AuthAPIKey, AuthBasic, AuthOAuth2, AuthSession} {
		scenarios := []string{"ok", "echoing 400", "truncated"}
		if am == AuthAPIKey {
			scenarios = append(scenarios, "api key in query")
		}
		for _, scenario := range scenarios {
			t.Run(string(am)+"/"+scenario, func(t *testing.T) {
				f := newFakeVendor(t, 7, paginate.PageNumber, am)
				srv := f.server()
				tmpl := f.template(srv.URL)
				settings := f.settings()
				switch scenario {
				case "echoing 400":
					f.faults[2] = []fault{{status: 400, body: echo}}
				case "truncated":
					f.truncate[2] = true
				case "api key in query":
					tmpl.Auth = AuthSpec{Method: AuthAPIKey, QueryParam: "token"}
					f.faults[3] = []fault{{status: 503}, {status: 500, body: echo}}
				}
				var logs logSink
				c, err := New(tmpl, "sec", settings, WithLogger(logs.logger()), WithRetry(RetryPolicy{MinWait: 1, MaxWait: 1}))
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				_, rep, runErr := collect(t, c, t.Context())
				var texts []string
				if runErr != nil {
					texts = append(texts, runErr.Error(), fmt.Sprintf("%+v", runErr), fmt.Sprintf("%#v", runErr))
				}
				for _, e := range rep.RecordErrors {
					texts = append(texts, e.Error())
				}
				repJSON, _ := json.Marshal(rep)
				texts = append(texts, fmt.Sprintf("%+v", rep), string(repJSON), logs.String(), fmt.Sprintf("%+v", c))
				if testErr := c.Test(t.Context()); testErr != nil {
					texts = append(texts, testErr.Error())
				}
				for _, err := range c.Users(t.Context()) {
					if err != nil {
						texts = append(texts, err.Error())
					}
				}
				var given []string
				for _, v := range settings {
					given = append(given, v)
				}
				for _, text := range texts {
					for _, sec := range given {
						if sec == fakevendor.Username || sec == fakevendor.ClientID { // user names and client IDs are not secret
							continue
						}
						if strings.Contains(text, sec) {
							t.Fatalf("text contains %q:\n%s", sec, text)
						}
					}
				}
			})
		}
	}
}
