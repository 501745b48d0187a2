package vendors

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/saasconnect/saasconnect/connector/connectortest"
)

// tokenCapture keeps the bodies of the requests sent to a path ending in
// /token, through the RoundTrippers its wrap returns (one per replay
// scenario). Safe for concurrent use.
type tokenCapture struct {
	mu     sync.Mutex
	bodies [][]byte
}

// wrap is a connectortest.WithTransport function: requests go on to next.
func (c *tokenCapture) wrap(next http.RoundTripper) http.RoundTripper {
	return captureTransport{c, next}
}

// captureTransport is one scenario's RoundTripper of a tokenCapture.
type captureTransport struct {
	c    *tokenCapture
	next http.RoundTripper
}

func (t captureTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c := t.c
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/token") && r.Body != nil {
		body, err := io.ReadAll(r.Body)
		r.Body.Close()
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		c.bodies = append(c.bodies, body)
		c.mu.Unlock()
		r = r.Clone(r.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return t.next.RoundTrip(r)
}

// TestGoogleWorkspaceAssertion replays the Google Workspace fixtures, whose
// token request matches any assertion ({{*}}), and checks the assertions
// the connector sent: RS256 signed with the service account's key, issued
// by its client_email for the admin to impersonate, with the directory scope
// and the token URL as audience, valid for one hour.
func TestGoogleWorkspaceAssertion(t *testing.T) {
	tmpl, err := Get("google-workspace")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("testdata", "google-workspace")
	data, err := os.ReadFile(filepath.Join(dir, "settings.json"))
	if err != nil {
		t.Fatal(err)
	}
	var settings struct {
		AdminEmail string `json:"admin_email"`
		Key        string `json:"service_account_key"`
	}
	if err := json.Unmarshal(data, &settings); err != nil {
		t.Fatal(err)
	}
	var key struct {
		ClientEmail  string `json:"client_email"`
		PrivateKey   string `json:"private_key"`
		PrivateKeyID string `json:"private_key_id"`
	}
	if err := json.Unmarshal([]byte(settings.Key), &key); err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode([]byte(key.PrivateKey))
	if block == nil {
		t.Fatal("settings.json: the key file's private_key is not PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub := &parsed.(*rsa.PrivateKey).PublicKey

	capture := &tokenCapture{}
	t.Run("replay", func(t *testing.T) {
		connectortest.Replay(t, dir, connectortest.WithTemplate(tmpl),
			connectortest.WithTransport(capture.wrap))
	})
	if t.Failed() {
		return
	}
	if len(capture.bodies) == 0 {
		t.Fatal("no token request was sent")
	}
	for i, body := range capture.bodies {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			t.Fatalf("token request %d: %v", i, err)
		}
		if got := form.Get("grant_type"); got != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
			t.Errorf("token request %d: grant_type %q", i, got)
		}
		parts := strings.Split(form.Get("assertion"), ".")
		if len(parts) != 3 {
			t.Fatalf("token request %d: the assertion has %d parts, want 3", i, len(parts))
		}
		var header struct {
			Alg string `json:"alg"`
			Kid string `json:"kid"`
		}
		var claims struct {
			Iss   string `json:"iss"`
			Sub   string `json:"sub"`
			Scope string `json:"scope"`
			Aud   string `json:"aud"`
			Iat   int64  `json:"iat"`
			Exp   int64  `json:"exp"`
		}
		for j, v := range []any{&header, &claims} {
			raw, err := base64.RawURLEncoding.DecodeString(parts[j])
			if err != nil {
				t.Fatalf("token request %d: assertion part %d: %v", i, j, err)
			}
			if err := json.Unmarshal(raw, v); err != nil {
				t.Fatalf("token request %d: assertion part %d: %v", i, j, err)
			}
		}
		sig, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil {
			t.Fatalf("token request %d: signature: %v", i, err)
		}
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			t.Errorf("token request %d: the assertion is not signed with the service account's key: %v", i, err)
		}
		if header.Alg != "RS256" || header.Kid != key.PrivateKeyID {
			t.Errorf("token request %d: header alg %q kid %q, want RS256 and %q", i, header.Alg, header.Kid, key.PrivateKeyID)
		}
		if claims.Iss != key.ClientEmail || claims.Sub != settings.AdminEmail {
			t.Errorf("token request %d: iss %q sub %q, want %q and %q", i, claims.Iss, claims.Sub, key.ClientEmail, settings.AdminEmail)
		}
		if claims.Scope != "https://www.googleapis.com/auth/admin.directory.user.readonly" {
			t.Errorf("token request %d: scope %q", i, claims.Scope)
		}
		if u, err := url.Parse(claims.Aud); err != nil || u.Path != "/token" || u.Hostname() != "replay.localhost" {
			t.Errorf("token request %d: aud %q, want the replay server's /token", i, claims.Aud)
		}
		if claims.Exp-claims.Iat != 3600 {
			t.Errorf("token request %d: valid for %d s, want 3600", i, claims.Exp-claims.Iat)
		}
	}
}
