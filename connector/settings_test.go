package connector

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTemplateSettings(t *testing.T) {
	tests := []struct {
		name string
		tmpl Template
		want []Setting
	}{
		{
			name: "api_key with declared settings",
			tmpl: Template{
				Declared: []Setting{{Name: "org", Required: true, Description: "organization"}, {Name: "base_url", Default: "https://api.github.com"}},
				Auth:     AuthSpec{Method: AuthAPIKey, TokenType: "Bearer"},
			},
			want: []Setting{
				{Name: "org", Required: true, Description: "organization"},
				{Name: "base_url", Default: "https://api.github.com"},
				{Name: "api_key", Required: true, Secret: true, Description: "API key or token"},
				{Name: CAFileSetting, Description: "PEM file of extra CA certificates to trust (appended to the system roots)"},
			},
		},
		{
			name: "basic",
			tmpl: Template{Auth: AuthSpec{Method: AuthBasic}},
			want: []Setting{
				{Name: "username", Required: true, Description: "user name for HTTP Basic auth"},
				{Name: "password", Required: true, Secret: true, Description: "password for HTTP Basic auth"},
				{Name: CAFileSetting, Description: "PEM file of extra CA certificates to trust (appended to the system roots)"},
			},
		},
		{
			name: "oauth2 password grant, token_url declared and not secret",
			tmpl: Template{
				Declared: []Setting{{Name: "token_url", Default: "https://login.example.com/token"}},
				Auth:     AuthSpec{Method: AuthOAuth2, GrantType: "password"},
			},
			want: []Setting{
				{Name: "token_url", Default: "https://login.example.com/token"},
				{Name: "client_id", Required: true, Description: "OAuth2 client ID"},
				{Name: "client_secret", Required: true, Secret: true, Description: "OAuth2 client secret"},
				{Name: "username", Required: true, Description: "resource owner user name"},
				{Name: "password", Required: true, Secret: true, Description: "resource owner password"},
				{Name: CAFileSetting, Description: "PEM file of extra CA certificates to trust (appended to the system roots)"},
			},
		},
		{
			name: "oauth2 refresh token",
			tmpl: Template{Auth: AuthSpec{Method: AuthOAuth2, GrantType: "refresh_token"}, Declared: []Setting{{Name: CAFileSetting, Description: "corporate CA"}}},
			want: []Setting{
				{Name: CAFileSetting, Description: "corporate CA"},
				{Name: "client_id", Required: true, Description: "OAuth2 client ID"},
				{Name: "client_secret", Required: true, Secret: true, Description: "OAuth2 client secret"},
				{Name: "refresh_token", Required: true, Secret: true, Description: "OAuth2 refresh token"},
			},
		},
		{
			name: "session placeholders are secret, declared ones keep their description",
			tmpl: Template{
				Declared: []Setting{{Name: "key_access", Description: "access key id"}},
				Auth:     AuthSpec{Method: AuthSession, LoginBody: map[string]any{"keyAccess": "{key_access}", "nested": map[string]any{"s": "{key_secret}"}}},
			},
			want: []Setting{
				{Name: "key_access", Description: "access key id", Required: true, Secret: true},
				{Name: "key_secret", Required: true, Secret: true, Description: "session login value"},
				{Name: CAFileSetting, Description: "PEM file of extra CA certificates to trust (appended to the system roots)"},
			},
		},
		{
			name: "secret-looking names",
			tmpl: Template{Declared: []Setting{{Name: "webhook_secret"}, {Name: "tokenUrl"}, {Name: "signing-key"}, {Name: "key_file"}, {Name: "client_id"}}},
			want: []Setting{
				{Name: "webhook_secret", Secret: true},
				{Name: "tokenUrl"},
				{Name: "signing-key", Secret: true},
				{Name: "key_file"},
				{Name: "client_id"},
				{Name: CAFileSetting, Description: "PEM file of extra CA certificates to trust (appended to the system roots)"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.tmpl.Settings())
		})
	}
}

func TestSecretName(t *testing.T) {
	for _, n := range []string{"password", "api_key", "client_secret", "refresh_token", "access-token", "KEY", "key_secret", "apikey"} {
		assert.True(t, secretName(n), n)
	}
	for _, n := range []string{"token_url", "base_url", "username", "org", "key_file", "token_type", "ca_file", "monkey", "tokenUrl"} {
		assert.False(t, secretName(n), n)
	}
}

func TestResolveSettings(t *testing.T) {
	tmpl := Template{
		Declared: []Setting{
			{Name: "tenant_host", Required: true, Description: "tenant host"},
			{Name: "application_id", Required: true},
			{Name: "base_url", Default: "https://{tenant_host}"},
			{Name: "token_url", Default: "{base_url}/OAuth2/Token/{application_id}"},
			{Name: "team"},
		},
		Auth: AuthSpec{Method: AuthOAuth2, GrantType: "client_credentials"},
	}
	r, err := resolveSettings(tmpl, Settings{"tenant_host": "abc.example.com", "application_id": "app 1", "client_id": "id", "client_secret": "shh-secret"})
	require.NoError(t, err)
	assert.Equal(t, "https://abc.example.com", r.values["base_url"])
	assert.Equal(t, "https://abc.example.com/OAuth2/Token/app%201", r.values["token_url"], "placeholders in URL-shaped defaults are filled by position")

	_, err = resolveSettings(tmpl, Settings{"tenant_host": "abc.example.com/evil", "application_id": "a", "client_id": "id", "client_secret": "shh-secret"})
	assert.ErrorContains(t, err, `setting "base_url": setting "tenant_host" is used in the host of the URL`)
	assert.Equal(t, "", r.values["team"])
	assert.Equal(t, []string{"shh-secret"}, r.secrets)

	// A supplied value wins over the default; its placeholders that name
	// settings are expanded (not secret values, not unknown names).
	r, err = resolveSettings(tmpl, Settings{"tenant_host": "h", "application_id": "a", "client_id": "i", "client_secret": "s{tenant_host}", "base_url": "https://x/{y}/{tenant_host}"})
	require.NoError(t, err)
	assert.Equal(t, "https://x/{y}/h/OAuth2/Token/a", r.values["token_url"])
	assert.Equal(t, "s{tenant_host}", r.values["client_secret"])

	_, err = resolveSettings(tmpl, Settings{"client_secret": "shh-secret", "tenant_hots": "x"})
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `unknown setting "tenant_hots"`)
	assert.Contains(t, msg, `missing required setting "tenant_host" (tenant host)`)
	assert.Contains(t, msg, `missing required setting "application_id"`)
	assert.Contains(t, msg, `missing required setting "client_id"`)
	assert.NotContains(t, msg, "shh-secret")

	cyc := Template{Declared: []Setting{{Name: "a", Default: "{b}"}, {Name: "b", Default: "x{a}"}}}
	_, err = resolveSettings(cyc, nil)
	assert.ErrorContains(t, err, "cycle: a -> b -> a")
}

func TestExpandURL(t *testing.T) {
	vals := map[string]string{"base_url": "https://api.example.com/v2", "org": "a b/c", "dot": ".", "dotdot": "..", "dots": "...", "q": "x&y=z", "host": "acme", "bad": "a/b"}
	tests := []struct {
		tmpl, want, wantErr string
	}{
		{tmpl: "{base_url}/orgs/{org}/members", want: "https://api.example.com/v2/orgs/a%20b%2Fc/members"},
		{tmpl: "{base_url}/search?q={q}&org={org}", want: "https://api.example.com/v2/search?q=x%26y%3Dz&org=a+b%2Fc"},
		{tmpl: "https://{host}.okta.com/api/v1/users", want: "https://acme.okta.com/api/v1/users"},
		{tmpl: "https://{bad}.okta.com/api", wantErr: `setting "bad" is used in the host`},
		{tmpl: "https://u:p@{host}.example.com/", wantErr: "credentials in the URL"},
		{tmpl: "{base_url}/orgs/{dot}/users", wantErr: `setting "dot" is used in the path of the URL and must not be "."`},
		{tmpl: "{base_url}/orgs/{dotdot}/users", wantErr: `setting "dotdot" is used in the path of the URL and must not be ".."`},
		{tmpl: "{base_url}/orgs/{dots}/users", want: "https://api.example.com/v2/orgs/.../users"},
		{tmpl: "{base_url}/search?q={dotdot}", want: "https://api.example.com/v2/search?q=.."},
	}
	for _, tt := range tests {
		u, err := expandURL(tt.tmpl, vals)
		if tt.wantErr != "" {
			assert.ErrorContains(t, err, tt.wantErr, tt.tmpl)
			continue
		}
		require.NoError(t, err, tt.tmpl)
		assert.Equal(t, tt.want, u.String(), tt.tmpl)
	}
}

// TestResolveSettingsSecretReference: a supplied value that is not secret
// lands in URLs and logs, so it must not pull in a secret's value.
func TestResolveSettingsSecretReference(t *testing.T) {
	t.Parallel()
	tmpl := Template{
		Declared: []Setting{
			{Name: "base_url", Default: "https://api.example.com"},
			{Name: "org"},
			{Name: "region"},
			{Name: "signing", Secret: true},
		},
		Auth: AuthSpec{Method: AuthAPIKey},
	}
	tests := []struct {
		name     string
		supplied Settings
		wantErr  string // "" means no error
		want     map[string]string
	}{
		{"org refers to api_key", Settings{"api_key": "k-123", "org": "{api_key}"},
			`setting "org" refers to {api_key}, which is secret`, nil},
		{"URL-shaped value refers to a secret", Settings{"api_key": "k-123", "base_url": "https://{api_key}.example.com"},
			`setting "base_url" refers to {api_key}, which is secret`, nil},
		{"declared secret", Settings{"api_key": "k-123", "region": "eu-{signing}", "signing": "s-456"},
			`setting "region" refers to {signing}, which is secret`, nil},
		{"non-secret reference is expanded", Settings{"api_key": "k-123", "region": "eu", "org": "acme-{region}"},
			"", map[string]string{"org": "acme-eu"}},
		{"secret may refer to anything, verbatim", Settings{"api_key": "{org}", "org": "acme"},
			"", map[string]string{"api_key": "{org}"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := resolveSettings(tmpl, tc.supplied)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				assert.NotContains(t, err.Error(), "k-123")
				assert.NotContains(t, err.Error(), "s-456")
				return
			}
			require.NoError(t, err)
			for k, v := range tc.want {
				assert.Equal(t, v, r.values[k], k)
			}
		})
	}
}
