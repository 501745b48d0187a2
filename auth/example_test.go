package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"

	"github.com/saasconnect/saasconnect/auth"
)

// echoAuth is a fake API that echoes the credentials it received.
func echoAuth() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "Authorization=%q api_token=%q", r.Header.Get("Authorization"), r.URL.Query().Get("api_token"))
	}))
}

func getBody(c *http.Client, url string) string {
	resp, err := c.Get(url)
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// A Transport adds the credentials of an Authenticator to every request of
// an http.Client.
func ExampleTransport() {
	api := echoAuth()
	defer api.Close()

	client := &http.Client{Transport: &auth.Transport{
		Auth: auth.APIKey{Key: "okta-api-token", TokenType: "SSWS"},
		Base: api.Client().Transport, // nil means http.DefaultTransport
	}}
	fmt.Println(getBody(client, api.URL+"/api/v1/users"))
	// Output: Authorization="SSWS okta-api-token" api_token=""
}

func ExampleAPIKey() {
	keys := []auth.APIKey{
		{Key: "ghp_example", TokenType: "Bearer"},          // GitHub
		{Key: "bugsnag-token", TokenType: "token"},         // Bugsnag
		{Key: "figd_example", Header: "X-Figma-Token"},     // Figma
		{Key: "practitest-token", QueryParam: "api_token"}, // PractiTest
	}
	for _, k := range keys {
		req, _ := http.NewRequest(http.MethodGet, "https://api.example.com/users?page=2", nil)
		if err := k.Authenticate(req.Context(), req); err != nil {
			log.Fatal(err)
		}
		fmt.Println(req.Header, req.URL)
	}
	// Output:
	// map[Authorization:[Bearer ghp_example]] https://api.example.com/users?page=2
	// map[Authorization:[token bugsnag-token]] https://api.example.com/users?page=2
	// map[X-Figma-Token:[figd_example]] https://api.example.com/users?page=2
	// map[] https://api.example.com/users?page=2&api_token=practitest-token
}

func ExampleBasic() {
	api := echoAuth()
	defer api.Close()
	client := &http.Client{Transport: &auth.Transport{Auth: auth.Basic{Username: "admin", Password: "secret"}}}
	fmt.Println(getBody(client, api.URL))
	// Output: Authorization="Basic YWRtaW46c2VjcmV0" api_token=""
}

// OAuth2 client credentials with the credentials in the HTTP Basic header,
// as Domo and Autodesk expect. The token is requested once and reused.
func ExampleNewOAuth2() {
	tokenRequests := 0
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tokenRequests++
		id, secret, _ := r.BasicAuth()
		r.ParseForm()
		fmt.Printf("token request: client %s (secret %d bytes), grant_type=%s scope=%s\n",
			id, len(secret), r.PostForm.Get("grant_type"), r.PostForm.Get("scope"))
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"at-1","token_type":"bearer","expires_in":3600}`)
	}))
	defer idp.Close()
	api := echoAuth()
	defer api.Close()

	o, err := auth.NewOAuth2(auth.OAuth2Config{
		GrantType:    auth.GrantClientCredentials,
		TokenURL:     idp.URL + "/oauth/token",
		ClientID:     "domo-client",
		ClientSecret: "domo-secret",
		ClientAuth:   auth.ClientAuthHeader,
		Scopes:       []string{"user"},
	}, idp.Client())
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: &auth.Transport{Auth: o}}
	for range 2 {
		fmt.Println(getBody(client, api.URL+"/v1/users"))
	}
	fmt.Println("token requests:", tokenRequests)
	// Output:
	// token request: client domo-client (secret 11 bytes), grant_type=client_credentials scope=user
	// Authorization="Bearer at-1" api_token=""
	// Authorization="Bearer at-1" api_token=""
	// token requests: 1
}

// A Workfront-style session login: a form body filled from Values, the token
// read from the JSON response and sent in the SessionID header.
func ExampleNewSession() {
	wf := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/attask/api/v15.0/login":
			r.ParseForm()
			fmt.Println("login as", r.PostForm.Get("username"))
			io.WriteString(w, `{"data":{"sessionID":"a1b2c3","userID":"u1"}}`)
		default:
			fmt.Fprintf(w, "SessionID=%s", r.Header.Get("SessionID"))
		}
	}))
	defer wf.Close()

	s, err := auth.NewSession(auth.SessionConfig{
		LoginURL:  wf.URL + "/attask/api/v15.0/login",
		Body:      map[string]any{"username": "{username}", "password": "{password}"},
		Values:    map[string]auth.Secret{"username": "admin@example.com", "password": "p@ss&word"},
		Format:    auth.FormatForm,
		TokenPath: "data.sessionID",
		Header:    "SessionID",
	}, wf.Client())
	if err != nil {
		log.Fatal(err)
	}
	client := &http.Client{Transport: &auth.Transport{Auth: s}}
	fmt.Println(getBody(client, wf.URL+"/attask/api/v15.0/user/search"))
	// Output:
	// login as admin@example.com
	// SessionID=a1b2c3
}

func ExampleSecret() {
	pw := auth.Secret("hunter2")
	fmt.Printf("%v %+v %#v %s %q\n", pw, pw, pw, pw, pw)
	b, _ := json.Marshal(map[string]auth.Secret{"password": pw})
	fmt.Println(string(b))
	slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})).Info("login", "password", pw)
	fmt.Println(pw.Reveal())
	// Output:
	// [REDACTED] [REDACTED] [REDACTED] [REDACTED] "[REDACTED]"
	// {"password":"[REDACTED]"}
	// level=INFO msg=login password=[REDACTED]
	// hunter2
}

// Token endpoint failures are *TokenErrors; a rejected credential matches
// ErrInvalidCredentials, and no secret appears in the message.
func ExampleTokenError() {
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":"invalid_client","error_description":"unknown client"}`)
	}))
	defer idp.Close()
	o, _ := auth.NewOAuth2(auth.OAuth2Config{
		GrantType: auth.GrantClientCredentials, TokenURL: idp.URL + "/token",
		ClientID: "id", ClientSecret: "wrong-secret", ClientAuth: auth.ClientAuthBody,
	}, idp.Client())

	_, err := o.Token(context.Background())
	var te *auth.TokenError
	fmt.Println(errors.As(err, &te), te.StatusCode, te.ErrorCode)
	fmt.Println(errors.Is(err, auth.ErrInvalidCredentials))
	// Output:
	// true 401 invalid_client
	// true
}
