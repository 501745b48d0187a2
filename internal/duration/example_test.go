package duration_test

import (
	"fmt"

	"github.com/saasconnect/saasconnect/internal/duration"
)

func ExampleParse() {
	for _, s := range []string{"90d", "1.5d", "1d12h", "720h", "1 day"} {
		d, err := duration.Parse(s)
		fmt.Println(d, err)
	}
	// Output:
	// 2160h0m0s <nil>
	// 36h0m0s <nil>
	// 36h0m0s <nil>
	// 720h0m0s <nil>
	// 0s not a duration: "1 day" (want a duration like "720h" or days like "90d")
}
