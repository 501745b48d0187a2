package safefile_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/saasconnect/saasconnect/internal/safefile"
)

func ExampleReadFile() {
	_, err := safefile.ReadFile(context.Background(), "/dev/zero")
	fmt.Println(errors.Is(err, safefile.ErrNotRegular))
	// Output: true
}
