package auth

// noneMethod sends requests without credentials (public APIs).
var noneMethod = MethodInfo{
	Name:  MethodNone,
	Doc:   "no credentials",
	Build: func(Spec, Env) (Authenticator, error) { return None{}, nil },
}
