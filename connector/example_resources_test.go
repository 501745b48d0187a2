package connector_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"

	"github.com/saasconnect/saasconnect"
	"github.com/saasconnect/saasconnect/connector"
)

// ExampleConnector_RunAll declares a licenses listing next to the users
// listing and runs both: one Report per resource.
func ExampleConnector_RunAll() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer s3cr3t-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/users":
			fmt.Fprint(w, `{"users": [{"id": "u1", "mail": "ada@example.com", "skus": ["E3"]}]}`)
		case "/licenses":
			fmt.Fprint(w, `{"value": [{"skuId": "E3", "skuPartNumber": "ENTERPRISEPACK", "prepaid": 25, "consumed": 1},
			                          {"skuId": "FREE", "skuPartNumber": "FLOW_FREE", "consumed": 4}]}`)
		}
	}))
	defer srv.Close()
	t, err := connector.ParseTemplate([]byte(`{
	  "version": 1,
	  "settings": [{"name": "base_url", "default": "https://api.example.com"}],
	  "auth": {"method": "api_key", "token_type": "Bearer"},
	  "request": {"users_url": "{base_url}/users"},
	  "response": {"records_path": "users", "fields": {"id": "id", "email": "mail", "licenses": "skus"}},
	  "licenses": {
	    "request": {"url": "{base_url}/licenses"},
	    "response": {"records_path": "value", "fields": {"id": "skuId", "name": "skuPartNumber", "total": "prepaid", "assigned": "consumed"}}
	  }
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := connector.New(t, "tenant", connector.Settings{"api_key": "s3cr3t-token", "base_url": srv.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Resources())
	reps, err := c.RunAll(context.Background(), connector.Sinks{
		Users: func(u saasconnect.User) error { fmt.Println("user", u.Email, u.Licenses); return nil },
		Licenses: func(l saasconnect.License) error {
			total := "unknown"
			if l.Total != nil {
				total = fmt.Sprint(*l.Total)
			}
			fmt.Println("license", l.Name, "assigned", *l.Assigned, "of", total)
			return nil
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	for _, r := range slices.Sorted(maps.Keys(reps)) {
		fmt.Println(r, reps[r].Status, "records:", reps[r].Kept)
	}
	// Output:
	// [users licenses]
	// user ada@example.com [E3]
	// license ENTERPRISEPACK assigned 1 of 25
	// license FLOW_FREE assigned 4 of unknown
	// licenses succeeded records: 2
	// users succeeded records: 1
}
