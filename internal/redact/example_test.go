package redact_test

import (
	"fmt"
	"net/url"

	"github.com/saasconnect/saasconnect/internal/redact"
)

func Example() {
	// Secret query parameters are hidden; the others stay readable.
	u, _ := url.Parse("https://api.example.com/v1/users?page=2&access_token=tok-123&sid=S1")
	fmt.Println(redact.URL(u))

	// A Set hides literal secrets in every encoding a server may echo.
	s := redact.New("hunter2!")
	s.AddBasic("alice", "hunter2!")
	s.AddToken("eyJhbGciOi.access") // a token obtained at run time
	fmt.Println(s.String(`401: {"error":"bad password hunter2%21","header":"Basic YWxpY2U6aHVudGVyMiE=","token":"eyJhbGciOi.access"}`))
	// Output:
	// https://api.example.com/v1/users?page=2&access_token=[REDACTED]&sid=[REDACTED]
	// 401: {"error":"bad password [REDACTED]","header":"Basic [REDACTED]","token":"[REDACTED]"}
}
