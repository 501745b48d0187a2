package connector

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sessionIDVendor is a Workfront-like API: its token endpoint answers
// token_type "sessionID" and its listing wants the access token in a header
// it names. It records the credential headers of every listing request and
// answers 401 once to the token named in revoke.
type sessionIDVendor struct {
	mu     sync.Mutex
	tokens int
	seen   []http.Header
	revoke string
}

func (v *sessionIDVendor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch r.URL.Path {
	case "/token":
		if r.FormValue("grant_type") != "refresh_token" || r.FormValue("refresh_token") != "rt-SECRET-1" ||
			r.FormValue("client_id") != "cid" || r.FormValue("client_secret") != testClientSecret {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		v.tokens++
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprintf(w, `{"token_type":"sessionID","access_token":"at-%d","refresh_token":"rt-SECRET-1","expires_in":3600}`, v.tokens)
	case "/users":
		v.seen = append(v.seen, http.Header{
			"Authorization": r.Header.Values("Authorization"),
			"Sessionid":     r.Header.Values("SessionID"),
		})
		if r.Header.Get("SessionID") == v.revoke && v.revoke != "" {
			v.revoke = ""
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, `{"data":[{"ID":"u1","emailAddr":"a@example.com"}]}`)
	default:
		http.NotFound(w, r)
	}
}

func TestOAuth2HeaderAndTokenType(t *testing.T) {
	tests := []struct {
		name      string
		header    string
		tokenType string
		want      http.Header // credential headers on the listing request
	}{
		{name: "default: Authorization with the server's token_type", want: http.Header{"Authorization": {"sessionID at-1"}}},
		{name: "custom header, raw token", header: "SessionID", want: http.Header{"Sessionid": {"at-1"}}},
		{name: "custom header with prefix", header: "SessionID", tokenType: "Token", want: http.Header{"Sessionid": {"Token at-1"}}},
		{name: "token_type alone forces the Authorization prefix", tokenType: "Bearer", want: http.Header{"Authorization": {"Bearer at-1"}}},
		{name: "Authorization named explicitly, raw token", header: "Authorization", want: http.Header{"Authorization": {"at-1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &sessionIDVendor{}
			srv := httptest.NewServer(v)
			defer srv.Close()
			tmpl := Template{
				Version:  1,
				Declared: []Setting{{Name: "base_url", Default: srv.URL}, {Name: "token_url", Default: "{base_url}/token"}},
				Auth: AuthSpec{Method: AuthOAuth2, GrantType: "refresh_token", TokenURL: "{token_url}", ClientAuth: "body",
					Header: tt.header, TokenType: tt.tokenType},
				Request:  RequestSpec{UsersURL: "{base_url}/users"},
				Response: ResponseSpec{RecordsPath: "data", Fields: map[string]string{"id": "ID", "email": "emailAddr"}},
			}
			require.NoError(t, tmpl.Validate())
			c, err := New(tmpl, "wf", Settings{"client_id": "cid", "client_secret": testClientSecret, "refresh_token": "rt-SECRET-1"})
			require.NoError(t, err)
			users, rep, err := collect(t, c, t.Context())
			require.NoError(t, err)
			require.Len(t, users, 1)
			assert.Equal(t, "a@example.com", users[0].Email)
			assert.Equal(t, 2, rep.Requests, "token + page")
			want := http.Header{"Authorization": nil, "Sessionid": nil}
			for k, vs := range tt.want {
				want[k] = vs
			}
			assert.Equal(t, []http.Header{want}, v.seen)
		})
	}
}

// TestOAuth2CustomHeaderRefreshOn401: a 401 to a token sent in a custom
// header drops that token; one fresh token is fetched and the page resent.
func TestOAuth2CustomHeaderRefreshOn401(t *testing.T) {
	v := &sessionIDVendor{revoke: "at-1"}
	srv := httptest.NewServer(v)
	defer srv.Close()
	tmpl := Template{
		Version:  1,
		Declared: []Setting{{Name: "base_url", Default: srv.URL}, {Name: "token_url", Default: "{base_url}/token"}},
		Auth:     AuthSpec{Method: AuthOAuth2, GrantType: "refresh_token", TokenURL: "{token_url}", ClientAuth: "body", Header: "SessionID"},
		Request:  RequestSpec{UsersURL: "{base_url}/users"},
		Response: ResponseSpec{RecordsPath: "data", Fields: map[string]string{"id": "ID"}},
	}
	c, err := New(tmpl, "wf", Settings{"client_id": "cid", "client_secret": testClientSecret, "refresh_token": "rt-SECRET-1"})
	require.NoError(t, err)
	users, rep, err := collect(t, c, t.Context())
	require.NoError(t, err)
	assert.Len(t, users, 1)
	assert.Equal(t, 4, rep.Requests, "token, 401, token, page")
	assert.Equal(t, 2, v.tokens)
	require.Len(t, v.seen, 2)
	assert.Equal(t, []string{"at-2"}, v.seen[1]["Sessionid"])
}
