package jsonvalue_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonvalue"
)

func ExampleMapStrings() {
	body := map[string]any{"username": "{user}", "Args": map[string]any{"PageSize": 100}}
	filled := jsonvalue.MapStrings(body, func(s string) string {
		return strings.ReplaceAll(s, "{user}", "ada")
	})
	out, _ := json.Marshal(filled)
	fmt.Println(string(out))
	// Output: {"Args":{"PageSize":100},"username":"ada"}
}
