package auth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Key formats of the jwt_bearer method (key_format).
const (
	// KeyFormatGoogleJSON: the service_account_key setting holds the
	// content of a Google service account JSON key file.
	KeyFormatGoogleJSON = "google_json"
	// KeyFormatPEM: the private_key setting holds a PEM-encoded RSA key.
	KeyFormatPEM = "pem"
)

// jwtBearerMethod trades a signed JWT for an access token (RFC 7523).
var jwtBearerMethod = MethodInfo{
	Name: MethodJWTBearer,
	Doc:  "an access token for a signed JWT assertion (RFC 7523 JWT bearer grant: Google domain-wide delegation, Box JWT, Salesforce JWT bearer)",
	Keys: []Key{
		{Name: "key_format", Kind: KindString, Required: true, Missing: "missing (want google_json for a Google service account key file, or pem)",
			Enum: []string{KeyFormatGoogleJSON, KeyFormatPEM}, Invalid: "unknown key format",
			Doc: "google_json (the service_account_key setting holds the JSON key file) or pem (the private_key setting holds an RSA key)"},
		{Name: "token_url", Kind: KindURL, Doc: "the token endpoint (google_json: default the key file's token_uri)"},
		{Name: "scope", Kind: KindTemplate, Doc: "space-separated scopes, sent in the assertion"},
		{Name: "subject", Kind: KindTemplate, Doc: `the user to act as (sub claim), e.g. "{admin_email}"`},
		{Name: "issuer", Kind: KindTemplate, Doc: "the iss claim (google_json: default the key file's client_email)"},
		{Name: "audience", Kind: KindTemplate, Doc: "the aud claim (default token_url)"},
		{Name: "key_id", Kind: KindTemplate, Doc: "the kid header (google_json: default the key file's private_key_id)"},
		tokenResponseSettingsKey,
		headerKey,
		tokenTypeKey,
	},
	Settings: func(s Spec) []Setting {
		var out []Setting
		if s.KeyFormat == KeyFormatGoogleJSON {
			out = append(out, Setting{Name: "service_account_key", Description: "the content of the service account's JSON key file", Secret: true})
		} else {
			out = append(out, privateKeySetting)
		}
		return addPlaceholderSettings(out, "JWT assertion value", s.Subject, s.Issuer, s.Audience, s.KeyID, s.Scope)
	},
	Check: func(s Spec) []*SpecError {
		var errs []*SpecError
		if s.KeyFormat == KeyFormatPEM {
			if s.TokenURL == "" {
				errs = append(errs, specError("token_url", "missing: key_format pem needs the token endpoint"))
			}
			if s.Issuer == "" {
				errs = append(errs, specError("issuer", "missing: key_format pem needs the issuer (the client ID or consumer key)"))
			}
		}
		return append(errs, checkTokenResponseSettingsKey(s)...)
	},
	Build: buildJWTBearer,
	Label: func(s Spec) string { return "jwt_bearer (" + s.KeyFormat + ")" },
}

// googleKeyFile is the part of a Google service account key file used.
type googleKeyFile struct {
	Type         string `json:"type"`
	ClientEmail  string `json:"client_email"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	TokenURI     string `json:"token_uri"`
}

// parseGoogleKey reads a service account key file. Errors name the
// setting and never quote its content.
func parseGoogleKey(data string) (googleKeyFile, error) {
	var f googleKeyFile
	if strings.TrimSpace(data) == "" {
		return f, settingError("service_account_key", errRequired)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(data)))
	if err := dec.Decode(&f); err != nil {
		return f, settingError("service_account_key", fmt.Errorf("not a JSON key file (byte offset %d); the setting holds the file's content, not its path", dec.InputOffset()))
	}
	var errs []error
	if f.Type != "service_account" {
		errs = append(errs, errors.New(`"type" is not "service_account"`))
	}
	if f.ClientEmail == "" {
		errs = append(errs, errors.New(`"client_email" is missing`))
	}
	if _, err := parsePrivateKey(f.PrivateKey); err != nil {
		errs = append(errs, fmt.Errorf(`"private_key": %w`, err))
	}
	if err := errors.Join(errs...); err != nil {
		return f, settingError("service_account_key", err)
	}
	return f, nil
}

func buildJWTBearer(s Spec, env Env) (Authenticator, error) {
	cfg := JWTBearerConfig{
		Issuer:                env.expand(s.Issuer),
		Subject:               env.expand(s.Subject),
		Audience:              env.expand(s.Audience),
		Scopes:                strings.Fields(env.expand(s.Scope)),
		KeyID:                 env.expand(s.KeyID),
		TokenResponseSettings: s.TokenResponseSettings,
		Header:                s.Header,
		TokenType:             s.TokenType,
	}
	if cfg.Header == "" && cfg.TokenType != "" {
		cfg.Header = "Authorization"
	}
	tokenURL := s.TokenURL
	switch s.KeyFormat {
	case KeyFormatGoogleJSON:
		f, err := parseGoogleKey(env.Setting("service_account_key"))
		if err != nil {
			return nil, err
		}
		cfg.PrivateKey = Secret(f.PrivateKey)
		if cfg.Issuer == "" {
			cfg.Issuer = f.ClientEmail
		}
		if cfg.KeyID == "" {
			cfg.KeyID = f.PrivateKeyID
		}
		if tokenURL == "" {
			if f.TokenURI == "" {
				return nil, settingError("service_account_key", errors.New(`"token_uri" is missing: set auth.token_url`))
			}
			tokenURL = f.TokenURI
		}
	default:
		cfg.PrivateKey = Secret(env.Setting("private_key"))
		if _, err := parsePrivateKey(cfg.PrivateKey.Reveal()); err != nil {
			return nil, settingError("private_key", err)
		}
	}
	tu, err := env.url("token_url", tokenURL)
	if err != nil {
		return nil, err
	}
	cfg.TokenURL = tu
	return NewJWTBearer(cfg, env.Client)
}
