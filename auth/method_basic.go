package auth

// basicMethod is HTTP Basic auth with the username and password settings.
var basicMethod = MethodInfo{
	Name: MethodBasic,
	Doc:  "HTTP Basic credentials from the username and password settings",
	Settings: func(Spec) []Setting {
		return []Setting{
			{Name: "username", Description: "user name for HTTP Basic auth"},
			{Name: "password", Description: "password for HTTP Basic auth", Secret: true},
		}
	},
	Build: func(_ Spec, env Env) (Authenticator, error) {
		return Basic{Username: env.Setting("username"), Password: Secret(env.Setting("password"))}, nil
	},
}
