//go:build tools

// Package tools pins the chosen dependencies in go.mod while the packages that
// use them are being written. Remove once every dependency is imported.
package tools

import (
	_ "github.com/PaesslerAG/jsonpath"
	_ "github.com/google/go-cmp/cmp"
	_ "github.com/stretchr/testify/assert"
	_ "golang.org/x/oauth2"
	_ "golang.org/x/time/rate"
)
