package auth

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	placeholders "github.com/saasconnect/saasconnect/internal/placeholder"
)

// oauth2Method gets an access token from an OAuth2 token endpoint.
var oauth2Method = MethodInfo{
	Name: MethodOAuth2,
	Doc:  "an access token from an OAuth2 token endpoint (client_credentials, password, refresh_token or any other grant)",
	Keys: []Key{
		{Name: "grant_type", Kind: KindString, Required: true, Missing: "missing (client_credentials, password, refresh_token, or the vendor's grant name)",
			Doc: "the OAuth2 grant; any name other than client_credentials, password and refresh_token is sent as is with the client credentials"},
		{Name: "token_url", Kind: KindURL, Required: true, Missing: "missing: oauth2 needs the token endpoint", Doc: "the token endpoint"},
		{Name: "scope", Kind: KindTemplate, Doc: "space-separated scopes"},
		{Name: "client_auth", Kind: KindString, Required: true, Missing: "missing (want header for HTTP Basic, body for form fields, or private_key_jwt)",
			Enum: []string{string(ClientAuthHeader), string(ClientAuthBody), string(ClientAuthPrivateKeyJWT)}, Invalid: "unknown value",
			Doc: "how the client authenticates: header (HTTP Basic), body (form fields) or private_key_jwt (a client assertion signed with the private_key setting)"},
		{Name: "token_params", Kind: KindObject, Doc: "extra token request form fields; values may hold {placeholders}, which become required settings"},
		{Name: "key_id", Kind: KindTemplate, Doc: "kid header of the private_key_jwt client assertion"},
		tokenResponseSettingsKey,
		headerKey,
		tokenTypeKey,
	},
	Settings: func(s Spec) []Setting {
		out := []Setting{{Name: "client_id", Description: "OAuth2 client ID"}}
		if ClientAuth(s.ClientAuth) == ClientAuthPrivateKeyJWT {
			out = append(out, privateKeySetting)
		} else {
			out = append(out, Setting{Name: "client_secret", Description: "OAuth2 client secret", Secret: true})
		}
		switch GrantType(s.GrantType) {
		case GrantPassword:
			out = append(out, Setting{Name: "username", Description: "resource owner user name"},
				Setting{Name: "password", Description: "resource owner password", Secret: true})
		case GrantRefreshToken:
			out = append(out, Setting{Name: "refresh_token", Description: "OAuth2 refresh token", Secret: true})
		}
		params := slices.Sorted(maps.Values(s.TokenParams))
		return addPlaceholderSettings(out, "token request value", append(params, s.KeyID)...)
	},
	Check: func(s Spec) []*SpecError {
		var errs []*SpecError
		if s.GrantType != "" {
			if err := checkGrantName(GrantType(s.GrantType)); err != nil {
				errs = append(errs, &SpecError{Key: "grant_type", Err: err})
			}
		}
		for _, k := range slices.Sorted(maps.Keys(s.TokenParams)) {
			if slices.Contains(reservedParams, k) {
				errs = append(errs, specError("token_params."+k, "the grant and client authentication send %s themselves: set grant_type, scope, client_auth or the settings instead", k))
			}
		}
		if s.KeyID != "" && ClientAuth(s.ClientAuth) != ClientAuthPrivateKeyJWT {
			errs = append(errs, specError("key_id", "used only with client_auth private_key_jwt"))
		}
		return append(errs, checkTokenResponseSettingsKey(s)...)
	},
	Build: buildOAuth2,
	Label: func(s Spec) string {
		if ClientAuth(s.ClientAuth) == ClientAuthPrivateKeyJWT {
			return "oauth2 (" + s.GrantType + ", private_key_jwt)"
		}
		return "oauth2 (" + s.GrantType + ")"
	},
}

// privateKeySetting is the PEM private key of private_key_jwt and of
// jwt_bearer's pem format.
var privateKeySetting = Setting{Name: "private_key", Description: "PEM-encoded private key (RSA PKCS#1 or PKCS#8, or EC)", Secret: true}

// tokenResponseSettingsKey is the key of oauth2 and jwt_bearer.
var tokenResponseSettingsKey = Key{Name: "token_response_settings", Kind: KindObject,
	Doc: `settings taken from token response fields after every token ({"base_url": "instance_url"}); each value must be an https URL`}

// checkTokenResponseSettingsKey checks token_response_settings.
func checkTokenResponseSettingsKey(s Spec) []*SpecError {
	var errs []*SpecError
	for _, name := range slices.Sorted(maps.Keys(s.TokenResponseSettings)) {
		if !tokenFieldRE.MatchString(name) {
			errs = append(errs, specError("token_response_settings", "%q is not a setting name", name))
		}
		if f := s.TokenResponseSettings[name]; !tokenFieldRE.MatchString(f) {
			errs = append(errs, specError("token_response_settings."+name, "%q is not a top-level field name of the token response (like instance_url)", f))
		}
	}
	return errs
}

// addPlaceholderSettings adds the settings named by the {placeholders} of
// texts to out, once each, not secret unless out already has them.
func addPlaceholderSettings(out []Setting, desc string, texts ...string) []Setting {
	for _, t := range texts {
		for _, n := range placeholders.Names(t) {
			if !slices.ContainsFunc(out, func(s Setting) bool { return s.Name == n }) {
				out = append(out, Setting{Name: n, Description: desc})
			}
		}
	}
	return out
}

func buildOAuth2(s Spec, env Env) (Authenticator, error) {
	tu, err := env.url("token_url", s.TokenURL)
	if err != nil {
		return nil, err
	}
	cfg := OAuth2Config{
		GrantType:             GrantType(s.GrantType),
		TokenURL:              tu,
		ClientID:              env.Setting("client_id"),
		ClientSecret:          Secret(env.Setting("client_secret")),
		Scopes:                strings.Fields(env.expand(s.Scope)),
		ClientAuth:            ClientAuth(s.ClientAuth),
		Header:                s.Header,
		TokenType:             s.TokenType,
		TokenResponseSettings: s.TokenResponseSettings,
		OnToken:               env.OnToken,
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
	if len(s.TokenParams) > 0 {
		cfg.EndpointParams = url.Values{}
		for k, v := range s.TokenParams {
			cfg.EndpointParams.Set(k, env.expand(v))
		}
	}
	if cfg.ClientAuth == ClientAuthPrivateKeyJWT {
		cfg.ClientSecret = ""
		cfg.PrivateKey = Secret(env.Setting("private_key"))
		cfg.KeyID = env.expand(s.KeyID)
		if _, err := parsePrivateKey(cfg.PrivateKey.Reveal()); err != nil {
			return nil, settingError("private_key", err)
		}
	}
	return NewOAuth2(cfg, env.Client)
}

// settingError is a problem with the value of a setting; it names the
// setting and never quotes the value.
func settingError(name string, err error) error {
	return fmt.Errorf("setting %q: %w", name, err)
}
