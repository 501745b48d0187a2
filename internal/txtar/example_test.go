package txtar_test

import (
	"fmt"

	"github.com/saasconnect/saasconnect/internal/txtar"
)

func ExampleParse() {
	a := txtar.Parse([]byte("two pages\n-- 1.request --\nGET /users HTTP/1.1\n-- want.json --\n[]\n"))
	fmt.Printf("comment %q\n", a.Comment)
	for _, f := range a.Files {
		fmt.Printf("%s: %q\n", f.Name, f.Data)
	}
	// Output:
	// comment "two pages\n"
	// 1.request: "GET /users HTTP/1.1\n"
	// want.json: "[]\n"
}
