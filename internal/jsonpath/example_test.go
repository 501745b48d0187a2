package jsonpath_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

func Example() {
	// A SCIM user, decoded the way connectors decode records.
	d := json.NewDecoder(strings.NewReader(`{"id":"1","emails":[
		{"value":"home@example.com","primary":false},
		{"value":"work@example.com","primary":true}]}`))
	d.UseNumber()
	var rec any
	if err := d.Decode(&rec); err != nil {
		panic(err)
	}

	first := jsonpath.MustCompile("emails[0].value")
	primary := jsonpath.MustCompile("emails[?(@.primary==true)].value")

	v, ok := first.Get(rec)
	fmt.Println(v, ok, first.Simple())
	v, ok = primary.Get(rec)
	fmt.Println(v, ok, primary.Simple())
	v, ok = primary.First(rec)
	fmt.Println(v, ok)

	_, err := jsonpath.Compile(`emails[0`)
	fmt.Println(err)
	// Output:
	// home@example.com true true
	// [work@example.com] true false
	// work@example.com true
	// jsonpath: unterminated '[' at offset 6 in "emails[0"
}

// ExampleCheck shows an expression refused because its cost would grow
// faster than the document, with the offset of the problem.
func ExampleCheck() {
	fmt.Println(jsonpath.Check("$..users"))
	fmt.Println(jsonpath.Check("$..*..*"))
	// Output:
	// <nil>
	// jsonpath: more than one recursive descent '..' (the first is at offset 1): the work would grow faster than the document at offset 4 in "$..*..*"
}
