package connector

import (
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReportCountsTokenRefreshRetry: a 401 that makes auth.Transport drop
// the token, fetch a fresh one and resend the page is a failed attempt that
// was retried, so Report.Retries counts it.
func TestReportCountsTokenRefreshRetry(t *testing.T) {
	tests := []struct {
		name        string
		revoke      string // the access token the listing refuses once
		wantRetries int
		wantTokens  int
	}{
		{name: "no 401", wantRetries: 0, wantTokens: 1},
		{name: "401 then refreshed token", revoke: "at-1", wantRetries: 1, wantTokens: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := &sessionIDVendor{revoke: tt.revoke}
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
			assert.Equal(t, tt.wantTokens, v.tokens)
			assert.Equal(t, tt.wantRetries, rep.Retries)
		})
	}
}
