package auth

import "strings"

// oauth2Method gets an access token from an OAuth2 token endpoint.
var oauth2Method = MethodInfo{
	Name: MethodOAuth2,
	Doc:  "an access token from an OAuth2 token endpoint (client_credentials, password or refresh_token grant)",
	Keys: []Key{
		{Name: "grant_type", Kind: KindString, Required: true, Missing: "missing (want client_credentials, password or refresh_token)",
			Enum: []string{string(GrantClientCredentials), string(GrantPassword), string(GrantRefreshToken)}, Invalid: "unknown grant type",
			Doc: "the OAuth2 grant"},
		{Name: "token_url", Kind: KindURL, Required: true, Missing: "missing: oauth2 needs the token endpoint", Doc: "the token endpoint"},
		{Name: "scope", Kind: KindTemplate, Doc: "space-separated scopes"},
		{Name: "client_auth", Kind: KindString, Required: true, Missing: "missing (want header for HTTP Basic, or body for form fields)",
			Enum: []string{string(ClientAuthHeader), string(ClientAuthBody)}, Invalid: "unknown value",
			Doc: "where the client credentials go: header (HTTP Basic) or body (form fields)"},
		headerKey,
		tokenTypeKey,
	},
	Settings: func(s Spec) []Setting {
		out := []Setting{
			{Name: "client_id", Description: "OAuth2 client ID"},
			{Name: "client_secret", Description: "OAuth2 client secret", Secret: true},
		}
		switch GrantType(s.GrantType) {
		case GrantPassword:
			out = append(out, Setting{Name: "username", Description: "resource owner user name"},
				Setting{Name: "password", Description: "resource owner password", Secret: true})
		case GrantRefreshToken:
			out = append(out, Setting{Name: "refresh_token", Description: "OAuth2 refresh token", Secret: true})
		}
		return out
	},
	Build: buildOAuth2,
	Label: func(s Spec) string { return "oauth2 (" + s.GrantType + ")" },
}

func buildOAuth2(s Spec, env Env) (Authenticator, error) {
	tu, err := env.url("token_url", s.TokenURL)
	if err != nil {
		return nil, err
	}
	cfg := OAuth2Config{
		GrantType:    GrantType(s.GrantType),
		TokenURL:     tu,
		ClientID:     env.Setting("client_id"),
		ClientSecret: Secret(env.Setting("client_secret")),
		Scopes:       strings.Fields(env.expand(s.Scope)),
		ClientAuth:   ClientAuth(s.ClientAuth),
		Header:       s.Header,
		TokenType:    s.TokenType,
		OnToken:      env.OnToken,
	}
	if cfg.Header == "" && cfg.TokenType != "" {
		// token_type alone forces the Authorization prefix.
		cfg.Header = "Authorization"
	}
	switch cfg.GrantType {
	case GrantPassword:
		cfg.Username, cfg.Password = env.Setting("username"), Secret(env.Setting("password"))
	case GrantRefreshToken:
		cfg.RefreshToken = Secret(env.Setting("refresh_token"))
	}
	return NewOAuth2(cfg, env.Client)
}
