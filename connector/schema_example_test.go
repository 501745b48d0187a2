package connector_test

import (
	"encoding/json"
	"fmt"

	"github.com/saasconnect/saasconnect/connector"
)

// The schema is generated from the template types and the auth and
// pagination tables; editors read the copy in schema/template.schema.json.
func ExampleSchema() {
	var s struct {
		Schema     string `json:"$schema"`
		Properties struct {
			Auth struct {
				Properties struct {
					Method struct {
						Enum []any `json:"enum"`
					} `json:"method"`
				} `json:"properties"`
			} `json:"auth"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(connector.Schema(), &s); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Schema)
	methods, _ := json.Marshal(s.Properties.Auth.Properties.Method.Enum)
	fmt.Println(string(methods))
	// Output:
	// https://json-schema.org/draft/2020-12/schema
	// ["",null,"none","api_key","basic","oauth2","session","jwt_bearer"]
}
