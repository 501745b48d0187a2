package respath_test

import (
	"context"
	"fmt"
	"net/http"

	"github.com/saasconnect/saasconnect/internal/respath"
)

func Example() {
	header := http.Header{"X-Total-Count": {"42"}}
	body := map[string]any{"meta": map[string]any{"next": "abc"}}
	for _, expr := range []string{"header: X-Total-Count", "meta.next", "header:X Total"} {
		s, err := respath.Compile(expr)
		if err != nil {
			fmt.Println(err)
			continue
		}
		v, ok, _ := s.Get(context.Background(), header, body)
		fmt.Println(s, v, ok)
	}
	// Output:
	// header:X-Total-Count 42 true
	// meta.next abc true
	// "header:X Total": header name "X Total" is not an RFC 7230 token: byte offset 8 (' ') is not allowed
}
