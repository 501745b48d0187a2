package auth

// apiKeyMethod sends the api_key setting in a header or query parameter.
var apiKeyMethod = MethodInfo{
	Name: MethodAPIKey,
	Doc:  "a static key from the api_key setting, in a header or a query parameter",
	Keys: []Key{
		tokenTypeKey,
		headerKey,
		{Name: "query_param", Kind: KindString, Doc: "query parameter that carries the key instead of a header"},
	},
	Settings: func(Spec) []Setting {
		return []Setting{{Name: "api_key", Description: "API key or token", Secret: true}}
	},
	Check: func(s Spec) []*SpecError {
		var errs []*SpecError
		if s.Header != "" && s.QueryParam != "" {
			errs = append(errs, specError("query_param", "set either header or query_param, not both"))
		}
		if s.QueryParam != "" && s.TokenType != "" {
			errs = append(errs, specError("token_type", "a token type cannot be sent in a query parameter"))
		}
		return errs
	},
	Build: func(s Spec, env Env) (Authenticator, error) {
		return APIKey{Key: Secret(env.Setting("api_key")), TokenType: s.TokenType, Header: s.Header, QueryParam: s.QueryParam}, nil
	},
	Label: func(s Spec) string {
		switch {
		case s.QueryParam != "":
			return "api_key (query " + s.QueryParam + ")"
		case s.Header != "" && s.Header != "Authorization":
			return "api_key (" + s.Header + ")"
		case s.TokenType != "":
			return "api_key (" + s.TokenType + ")"
		}
		return "api_key"
	},
}
