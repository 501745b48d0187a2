package connector_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

// seatsAPI is a tiny vendor API for the examples: two pages of seats behind
// a bearer token.
func seatsAPI() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cr3t-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Query().Get("page") {
		case "1":
			fmt.Fprint(w, `{"seats":[
				{"assignee":{"id":1,"login":"ada","email":"ada@example.com","type":"User"},"last_activity_at":"2026-11-19T08:00:00Z"},
				{"assignee":{"id":2,"login":"build-bot","type":"Bot"},"last_activity_at":null}]}`)
		case "2":
			fmt.Fprint(w, `{"seats":[
				{"assignee":{"id":3,"login":"grace","email":"grace@example.com","type":"User"},"last_activity_at":"2026-06-01T08:00:00Z"}]}`)
		default:
			fmt.Fprint(w, `{"seats":[]}`)
		}
	}))
}

const seatsTemplate = `{
  "version": 1,
  "slug": "seats",
  "name": "Seats",
  "settings": [
    {"name": "org", "required": true, "description": "organization login"},
    {"name": "base_url", "default": "https://api.example.com"}
  ],
  "auth": {"method": "api_key", "token_type": "Bearer"},
  "request": {"users_url": "{base_url}/orgs/{org}/seats"},
  "pagination": {"type": "page_number", "page_field": "page", "page_size_field": "per_page", "page_size": 2},
  "response": {
    "records_path": "seats",
    "fields": {"id": "assignee.id", "name": "assignee.login", "email": "assignee.email"}
  },
  "filters": [{"field": "assignee.type", "operator": "equal", "value": "User"}],
  "activity": {"type": "user", "last_activity_field": "last_activity_at"}
}`

func ExampleParseTemplate() {
	t, err := connector.ParseTemplate([]byte(seatsTemplate))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Slug, t.Pagination.Type, t.Response.RecordsPath)
	for _, s := range t.Settings() {
		fmt.Printf("%s required=%v secret=%v\n", s.Name, s.Required, s.Secret)
	}

	// Unknown keys are errors, located by their JSON path.
	_, err = connector.ParseTemplate([]byte(`{"version": 1, "pagination": {"type": "cursor_limit", "curser_path": "next"}}`))
	fmt.Println(err)
	// Output:
	// seats page_number seats
	// org required=true secret=false
	// base_url required=false secret=false
	// api_key required=true secret=true
	// ca_file required=false secret=false
	// template: pagination.curser_path: unknown key "curser_path"
}

func ExampleTemplate_Validate() {
	t, _ := connector.ParseTemplate([]byte(`{
	  "version": 1,
	  "auth": {"method": "oauth2", "grant_type": "client_credentials", "client_auth": "header"},
	  "request": {"users_url": "https://api.example.com/{tenant}/users?api_key=abc"},
	  "pagination": {"type": "cursor_limit", "cursor_field": "cursor"},
	  "response": {"records_path": "data", "fields": {"email": "mail"}},
	  "filters": [{"field": "kind", "operator": "equals", "value": "user"}]
	}`))
	err := t.Validate()
	var problems interface{ Unwrap() []error }
	if errors.As(err, &problems) {
		for _, e := range problems.Unwrap() {
			var te *connector.TemplateError
			if errors.As(e, &te) {
				fmt.Println(te.Path)
			}
		}
	}
	// Output:
	// auth.token_url
	// request.users_url
	// request.users_url
	// pagination.cursor_path
	// filters[0].operator
}

func ExampleNew() {
	srv := seatsAPI()
	defer srv.Close()
	t, _ := connector.ParseTemplate([]byte(seatsTemplate))

	c, err := connector.New(t, "seats-acme", connector.Settings{
		"org":      "acme",
		"api_key":  "s3cr3t-token", // usually from a secret store
		"base_url": srv.URL,        // the default points at the real API
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for u, err := range c.Users(context.Background()) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(u.ID, u.Email, u.Connector)
	}

	// A missing required setting is named.
	_, err = connector.New(t, "seats-acme", connector.Settings{"api_key": "s3cr3t-token"})
	fmt.Println(err)
	// Output:
	// 1 ada@example.com seats-acme
	// 3 grace@example.com seats-acme
	// connector "seats-acme": missing required setting "org" (organization login)
}

func ExampleConnector_Run() {
	srv := seatsAPI()
	defer srv.Close()
	t, _ := connector.ParseTemplate([]byte(seatsTemplate))
	c, err := connector.New(t, "seats-acme",
		connector.Settings{"org": "acme", "api_key": "s3cr3t-token", "base_url": srv.URL},
		connector.WithClock(func() time.Time { return time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC) }))
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := c.Run(context.Background(), func(u saasconnect.User) error {
		fmt.Println(u.Name, u.Activity)
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	fmt.Println(rep.Status, "pages:", rep.Pages, "requests:", rep.Requests)
	fmt.Println("seen:", rep.Seen, "kept:", rep.Kept, "filtered:", rep.Filtered)
	fmt.Println("active:", rep.Activity.Active, "inactive:", rep.Activity.Inactive)
	// Output:
	// ada active
	// grace inactive
	// succeeded pages: 2 requests: 2
	// seen: 3 kept: 2 filtered: 1
	// active: 1 inactive: 1
}

func ExampleConnector_Test() {
	srv := seatsAPI()
	defer srv.Close()
	t, _ := connector.ParseTemplate([]byte(seatsTemplate))
	c, _ := connector.New(t, "seats-acme", connector.Settings{"org": "acme", "api_key": "wrong", "base_url": srv.URL})
	err := c.Test(context.Background())
	var te *connector.TestError
	if errors.As(err, &te) {
		fmt.Println(te.Problem, errors.Is(err, connector.ErrUnauthorized))
	}
	// Output:
	// credentials true
}
