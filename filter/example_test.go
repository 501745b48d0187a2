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
	// filter: filters[0].operator: unknown operator "eq" (want one of equal, not_equal, in, not_in, contains, not_contains, starts_with, ends_with, matches, exists, not_exists, bits_any, bits_all, bits_none)
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

func ExampleCondition_groups() {
	// Slack: keep people (not bots, not the Slackbot) whose email is a
	// company address or who are in engineering.
	var conds []filter.Condition
	err := json.Unmarshal([]byte(`[
		{"not": {"any": [
			{"field": "is_bot", "operator": "equal", "value": true},
			{"field": "id", "operator": "equal", "value": "USLACKBOT"}
		]}},
		{"any": [
			{"field": "profile.email", "operator": "matches", "value": "@example\\.(com|org)$"},
			{"field": "profile.title", "operator": "starts_with", "value": "Eng"}
		]}
	]`), &conds)
	if err != nil {
		panic(err)
	}
	keep := filter.MustCompile(conds...)
	for _, rec := range []string{
		`{"id": "U1", "is_bot": false, "profile": {"email": "ana@example.com"}}`,
		`{"id": "U2", "is_bot": false, "profile": {"email": "ben@contractor.example", "title": "Engineer"}}`,
		`{"id": "U3", "is_bot": false, "profile": {"email": "cy@contractor.example"}}`,
		`{"id": "B1", "is_bot": true, "profile": {"email": "bot@example.com"}}`,
		`{"id": "USLACKBOT", "is_bot": false, "profile": {}}`,
	} {
		var v map[string]any
		if err := json.Unmarshal([]byte(rec), &v); err != nil {
			panic(err)
		}
		fmt.Println(v["id"], keep.Match(v))
	}
	// Output:
	// U1 true
	// U2 true
	// U3 false
	// B1 false
	// USLACKBOT false
}
