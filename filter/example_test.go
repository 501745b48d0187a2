package filter_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/saasconnect/saasconnect/filter"
)

func Example() {
	// The GitHub Copilot template keeps seats assigned to users.
	keep, err := filter.Compile(
		filter.Condition{Field: "assignee.type", Operator: filter.Equal, Value: "User"},
		filter.Condition{Field: "pending_cancellation_date", Operator: filter.NotExists},
	)
	if err != nil {
		panic(err)
	}
	d := json.NewDecoder(strings.NewReader(`
		{"assignee":{"login":"octocat","type":"User"},"pending_cancellation_date":null}
		{"assignee":{"login":"justice-league","type":"Team"},"pending_cancellation_date":null}
		{"assignee":{"login":"octokitten","type":"User"},"pending_cancellation_date":"2021-11-01"}`))
	d.UseNumber()
	for d.More() {
		var rec map[string]any
		if err := d.Decode(&rec); err != nil {
			panic(err)
		}
		fmt.Println(rec["assignee"].(map[string]any)["login"], keep.Match(rec))
	}
	// Output:
	// octocat true
	// justice-league false
	// octokitten false
}

func ExampleCompile_errors() {
	_, err := filter.Compile(
		filter.Condition{Field: "status", Operator: "eq", Value: "ACTIVE"},
		filter.Condition{Field: "roles", Operator: filter.In, Value: "admin"},
	)
	fmt.Println(err)
	// Output:
	// filter: filters[0].operator: unknown operator "eq" (want one of equal, not_equal, in, not_in, contains, not_contains, starts_with, ends_with, matches, exists, not_exists)
	// filter: filters[1].value: in needs a list value (got a string)
}

func ExampleNot() {
	active := filter.MustCompile(filter.Condition{Field: "status", Operator: filter.In, Value: []any{"ACTIVE", "PROVISIONED"}})
	admin := filter.MustCompile(filter.Condition{Field: "roles", Operator: filter.Contains, Value: "admin"})
	inactiveAdmins := filter.And(filter.Not(active), admin)

	rec := map[string]any{"status": "SUSPENDED", "roles": []any{"admin", "user"}}
	fmt.Println(inactiveAdmins.Match(rec))
	// Output: true
}
