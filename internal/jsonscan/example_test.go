package jsonscan_test

import (
	"errors"
	"fmt"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
	"github.com/saasconnect/saasconnect/internal/jsonscan"
)

func steps(exprs ...string) [][]jsonpath.Step {
	var out [][]jsonpath.Step
	for _, e := range exprs {
		out = append(out, jsonpath.MustCompile(e).Keys())
	}
	return out
}

// A users page decoded by projection: only the mapped fields and the
// pagination values are materialised; the records' raw bytes are kept.
func ExampleDecoder() {
	page := []byte(`{
  "data": [
    {"id": "u1", "email": "ada@example.com", "profile": {"name": "Ada", "bio": "long text"}, "tags": ["a", "b"]},
    {"id": "u2", "email": "alan@example.com", "profile": {"name": "Alan"}, "tags": []}
  ],
  "meta": {"next_cursor": "Mg", "debug": {"trace": [1, 2, 3]}}
}`)
	d, err := jsonscan.NewDecoder(jsonscan.Spec{
		Records:     jsonpath.MustCompile("data").Keys(),
		RecordPaths: steps("id", "email", "profile.name"),
		DocPaths:    steps("meta.next_cursor"),
	})
	if err != nil {
		panic(err)
	}
	p, err := d.Decode(page, true)
	if err != nil {
		panic(err)
	}
	for i, rec := range p.Records {
		name, _ := jsonpath.MustCompile("profile.name").Get(rec)
		fmt.Printf("%v %v (%d raw bytes)\n", rec, name, len(p.Raw[i]))
	}
	fmt.Println(p.Doc.(map[string]any)["meta"])
	// Output:
	// map[email:ada@example.com id:u1 profile:map[name:Ada]] Ada (108 raw bytes)
	// map[email:alan@example.com id:u2 profile:map[name:Alan]] Alan (82 raw bytes)
	// map[next_cursor:Mg]
}

// Invalid JSON anywhere in the page is an error with encoding/json's byte
// offset, even in values that are not materialised.
func ExampleSyntaxError() {
	d, _ := jsonscan.NewDecoder(jsonscan.Spec{Records: jsonpath.MustCompile("data").Keys(), RecordPaths: steps("id")})
	_, err := d.Decode([]byte(`{"data":[{"id":1,"junk":[1,]}]}`), false)
	var se *jsonscan.SyntaxError
	fmt.Println(errors.As(err, &se), se.Offset, err)

	_, err = d.Decode([]byte(`{"data":[{"id":1},{"id"`), false)
	fmt.Println(errors.Is(err, jsonscan.ErrTruncated), err)
	// Output:
	// true 28 invalid character ']' looking for beginning of value
	// true unexpected end of JSON input
}
