package connector_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/auth"
	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/redact"
	"github.com/saasconnect/saasconnect/internal/redact/redacttest"
	"github.com/saasconnect/saasconnect/paginate"
)

// syncBuffer collects log output from concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// formats prints v with every fmt verb a caller might log it with.
func formats(name string, v any) map[string]string {
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out[name+" "+verb] = fmt.Sprintf(verb, v)
	}
	return out
}

// TestRedactionCorpus pushes every kind of secret the SDK holds or obtains
// (API key in a header and in the query, Basic password, OAuth2 client
// secret, access token and rotated refresh token, session token, a secret
// setting in the URL path, secret URL parameters) through a vendor that
// echoes each in every encoding, and checks every output: the run's error
// and each error in its chain (PageError, HTTPError, TokenError) with %v,
// %+v, %#v, %s and %q, the Report (fmt and JSON), slog JSON and text
// records, Users errors and Test's error and hint.
func TestRedactionCorpus(t *testing.T) {
	for _, tc := range redacttest.Cases() {
		t.Run(tc.Name, func(t *testing.T) {
			base, settings := tc.Start(t)
			tmpl, err := connector.ParseTemplate([]byte(tc.Template(base)))
			if err != nil {
				t.Fatal(err)
			}
			var jsonLog, textLog syncBuffer
			logger := slog.New(slog.NewMultiHandler(
				slog.NewJSONHandler(&jsonLog, &slog.HandlerOptions{Level: slog.LevelDebug}),
				slog.NewTextHandler(&textLog, &slog.HandlerOptions{Level: slog.LevelDebug})))
			c, err := connector.New(tmpl, "leaky", settings, connector.WithLogger(logger),
				connector.WithRetry(connector.RetryPolicy{MaxAttempts: 1}))
			if err != nil {
				t.Fatal(err)
			}
			rep, runErr := c.Run(t.Context(), func(saasconnect.User) error { return nil })
			if runErr == nil {
				t.Fatal("the run succeeded; the vendor should have refused it")
			}
			outputs := formats("run error", runErr)
			msg := runErr.Error()
			if !strings.Contains(msg, redact.Marker) {
				t.Errorf("run error %q shows no %s: the vendor's echo did not reach it", msg, redact.Marker)
			}
			for _, want := range tc.Readable {
				if !strings.Contains(msg, want) {
					t.Errorf("run error %q lacks %q, which is needed to debug", msg, want)
				}
			}
			// The errors callers reach with errors.As are redacted too.
			for _, typ := range tc.ErrorTypes {
				var target any
				switch typ {
				case "PageError":
					var pe *paginate.PageError
					if errors.As(runErr, &pe) {
						target = pe
						outputs["PageError.URL"] = pe.URL
					}
				case "HTTPError":
					var he *connector.HTTPError
					if errors.As(runErr, &he) {
						target = he
						outputs["HTTPError.Body"] = string(he.Body)
						if !strings.Contains(string(he.Body), redact.Marker) {
							t.Errorf("HTTPError.Body %q shows no %s", he.Body, redact.Marker)
						}
					}
				case "TokenError":
					var te *auth.TokenError
					if errors.As(runErr, &te) {
						target = te
						outputs["TokenError.Body"] = te.Body
					}
				}
				if target == nil {
					t.Errorf("errors.As finds no %s in %v", typ, runErr)
					continue
				}
				for k, v := range formats(typ, target) {
					outputs[k] = v
				}
			}
			var ue *url.Error
			if errors.As(runErr, &ue) {
				outputs["url.Error"] = fmt.Sprintf("%+v %s", ue, ue.URL)
			}
			for i, e := range rep.RecordErrors {
				outputs[fmt.Sprintf("record error %d", i)] = e.Error()
			}
			repJSON, err := json.Marshal(rep)
			if err != nil {
				t.Fatal(err)
			}
			outputs["Report JSON"] = string(repJSON)
			for k, v := range formats("Report", rep) {
				outputs[k] = v
			}
			for _, uerr := range c.Users(t.Context()) {
				if uerr != nil {
					for k, v := range formats("Users error", uerr) {
						outputs[k] = v
					}
				}
			}
			switch testErr := c.Test(t.Context()); {
			case testErr == nil && !tc.FirstPageOK:
				t.Fatal("Test succeeded; the vendor should have refused it")
			case testErr != nil:
				for k, v := range formats("Test error", testErr) {
					outputs[k] = v
				}
				var ter *connector.TestError
				if !errors.As(testErr, &ter) {
					t.Fatalf("Test error %v is not a *TestError", testErr)
				}
				outputs["Test hint"] = ter.Hint
				var the *connector.HTTPError
				if errors.As(testErr, &the) {
					outputs["Test HTTPError.Body"] = string(the.Body)
				}
			}
			outputs["slog JSON"] = jsonLog.String()
			outputs["slog text"] = textLog.String()
			if !strings.Contains(jsonLog.String(), "run finished") || !strings.Contains(textLog.String(), "run finished") {
				t.Error("the run was not logged")
			}
			for name, text := range outputs {
				if leaks := tc.Leaks(text); len(leaks) > 0 {
					t.Errorf("%s leaks %q:\n%s", name, leaks, text)
				}
			}
		})
	}
}
