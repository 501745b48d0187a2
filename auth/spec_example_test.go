package auth_test

import (
	"fmt"
	"strings"

	"github.com/saasconnect/saasconnect/auth"
)

// ExampleMethods lists each auth method's keys (a * marks a required one),
// as a JSON Schema generator would read them.
func ExampleMethods() {
	for _, m := range auth.Methods() {
		var keys []string
		for _, k := range m.Keys {
			if k.Required {
				k.Name += "*"
			}
			keys = append(keys, k.Name)
		}
		fmt.Println(strings.TrimSpace(string(m.Name) + ": " + strings.Join(keys, " ")))
	}
	// Output:
	// none:
	// api_key: token_type header query_param
	// basic:
	// oauth2: grant_type* token_url* scope client_auth* token_params key_id token_response_settings header token_type
	// session: login_url* token_path* login_format login_method login_body login_auth expires_in header token_type
	// jwt_bearer: key_format* token_url scope subject issuer audience key_id token_response_settings header token_type
}

// ExampleSpec_Validate shows errors keyed by the auth block's JSON names.
func ExampleSpec_Validate() {
	spec := auth.Spec{Method: auth.MethodOAuth2, GrantType: "implicit", TokenURL: "{base_url}/oauth/token", ClientAuth: "header"}
	fmt.Println(spec.Validate())
	// Output:
	// grant_type: grant type "implicit" needs a user in the loop (want client_credentials, password, refresh_token or a vendor's grant without a user)
}

// ExampleSpec_Build builds an API key authenticator from a spec and its
// settings.
func ExampleSpec_Build() {
	spec := auth.Spec{Method: auth.MethodAPIKey, Header: "X-Figma-Token"}
	for _, s := range spec.Settings() {
		fmt.Printf("needs %s (secret: %v)\n", s.Name, s.Secret)
	}
	a, err := spec.Build(auth.Env{Setting: func(name string) string { return "figd_example" }})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: %+v\n", spec.Label(), a)
	// Output:
	// needs api_key (secret: true)
	// api_key (X-Figma-Token): {Key:[REDACTED] TokenType: Header:X-Figma-Token QueryParam:}
}

// ExampleSpec_Settings shows the settings a Google Workspace service
// account template asks for: the key file's content, secret, and the admin
// its subject names.
func ExampleSpec_Settings() {
	spec := auth.Spec{Method: auth.MethodJWTBearer, KeyFormat: auth.KeyFormatGoogleJSON, Subject: "{admin_email}",
		Scope: "https://www.googleapis.com/auth/admin.directory.user.readonly"}
	fmt.Println(spec.Validate(), spec.Label())
	for _, s := range spec.Settings() {
		fmt.Printf("%s (secret: %v)\n", s.Name, s.Secret)
	}
	// Output:
	// <nil> jwt_bearer (google_json)
	// service_account_key (secret: true)
	// admin_email (secret: false)
}
