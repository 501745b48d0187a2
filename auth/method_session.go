package auth

import (
	"net/http"

	placeholders "github.com/saasconnect/saasconnect/internal/placeholder"
)

// LoginAuthBasic is the session login_auth that sends the username and
// password settings as HTTP Basic credentials on the login request.
const LoginAuthBasic = "basic"

// sessionMethod gets a token from a login request.
var sessionMethod = MethodInfo{
	Name: MethodSession,
	Doc:  "a token from a login request whose body's {placeholders} name secret settings",
	Keys: []Key{
		{Name: "login_url", Kind: KindURL, Required: true, Missing: "missing: session auth needs the login endpoint", Doc: "the login endpoint"},
		{Name: "token_path", Kind: KindTokenPath, Required: true, Missing: "missing: where the login response holds the token (a JSON path, or header:<Name>)",
			Doc: "where the login response holds the token"},
		{Name: "login_format", Kind: KindString, Enum: []string{FormatJSON, FormatForm}, Invalid: "unknown format", Doc: "login body encoding (default json)"},
		{Name: "login_method", Kind: KindString, Enum: []string{http.MethodPost, http.MethodGet, http.MethodPut}, Invalid: "unsupported method",
			Doc: "login request method (default POST)"},
		{Name: "login_body", Kind: KindObject, Doc: "login request body"},
		{Name: "login_auth", Kind: KindString, Enum: []string{LoginAuthBasic}, Invalid: "unknown login authentication",
			Doc: "basic sends the username and password settings as HTTP Basic credentials on the login request"},
		{Name: "expires_in", Kind: KindDuration, Doc: "how long a token lives; empty = until a 401"},
		headerKey,
		tokenTypeKey,
	},
	Settings: func(s Spec) []Setting {
		var out []Setting
		seen := map[string]bool{}
		if s.LoginAuth == LoginAuthBasic {
			out = append(out, Setting{Name: "username", Description: "login user name"},
				Setting{Name: "password", Description: "login password", Secret: true})
			seen["username"], seen["password"] = true, true
		}
		for _, name := range placeholders.InValue(map[string]any(s.LoginBody)) {
			if !seen[name] {
				seen[name] = true
				out = append(out, Setting{Name: name, Description: "session login value", Secret: true})
			}
		}
		return out
	},
	Build: buildSession,
}

func buildSession(s Spec, env Env) (Authenticator, error) {
	lu, err := env.url("login_url", s.LoginURL)
	if err != nil {
		return nil, err
	}
	values := map[string]Secret{}
	for _, n := range placeholders.InValue(map[string]any(s.LoginBody)) {
		values[n] = Secret(env.Setting(n))
	}
	exp, _ := parseDuration(s.ExpiresIn)
	cfg := SessionConfig{
		LoginURL: lu, Method: s.LoginMethod, Body: s.LoginBody, Values: values,
		Format: s.LoginFormat, TokenPath: s.TokenPath, Header: s.Header,
		TokenType: s.TokenType, ExpiresIn: exp,
		OnToken: env.OnToken,
	}
	if s.LoginAuth == LoginAuthBasic {
		cfg.BasicUser, cfg.BasicPassword = env.Setting("username"), Secret(env.Setting("password"))
		if cfg.BasicUser == "" {
			return nil, settingError("username", errRequired)
		}
	}
	return NewSession(cfg, env.Client)
}
