package connector

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

func TestDecodePage(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		path    string
		limit   int64
		want    int // records
		wantErr string
	}{
		{name: "records at path", body: `{"seats":[{"id":1},{"id":2}],"total":2}`, path: "seats", want: 2},
		{name: "bare array", body: `[{"id":1}]`, path: "", want: 1},
		{name: "nested", body: `{"data":{"users":[{"id":1}]}}`, path: "data.users", want: 1},
		{name: "null means none", body: `{"seats":null}`, path: "seats", want: 0},
		{name: "empty array", body: `{"seats":[]}`, path: "seats", want: 0},
		{name: "wildcard", body: `{"Result":{"Results":[{"Row":{"ID":"a"}},{"Row":{"ID":"b"}}]}}`, path: "Result.Results[*].Row", want: 2},
		{name: "wildcard nothing", body: `{"Result":{"Results":[]}}`, path: "Result.Results[*].Row", want: 0},
		{name: "missing key names the keys", body: `{"users":[],"total_count":0}`, path: "seats", wantErr: "response has no `seats` key; top-level keys are total_count, users"},
		{name: "not an array", body: `{"seats":{"id":1}}`, path: "seats", wantErr: "records_path `seats` holds a JSON object, not an array"},
		{name: "syntax error offset", body: `{"seats":[{"id":1},]}`, path: "seats", wantErr: "invalid JSON at byte offset 20"},
		{name: "truncated", body: `{"seats":[{"id":1},{"id"`, path: "seats", wantErr: "truncated JSON: body ended at byte offset 24"},
		{name: "empty body", body: ``, path: "seats", wantErr: "empty response body"},
		{name: "trailing data", body: `{"seats":[]} {"x":1}`, path: "seats", wantErr: "unexpected data after the JSON document at byte offset 12"},
		{name: "too large", body: `{"seats":[{"id":1},{"id":2}]}`, path: "seats", limit: 10, wantErr: "response body too large: more than 10 bytes"},
		{name: "exactly the limit", body: `{"seats":[]}`, path: "seats", limit: 12, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			limit := tt.limit
			if limit == 0 {
				limit = 1 << 20
			}
			for _, raw := range []bool{false, true} {
				page, err := decodePage(strings.NewReader(tt.body), limit, jsonpath.MustCompile(tt.path), raw)
				if tt.wantErr != "" {
					require.ErrorContains(t, err, tt.wantErr)
					continue
				}
				require.NoError(t, err)
				assert.Len(t, page.Records, tt.want)
				assert.Equal(t, int64(len(tt.body)), page.Size)
				if raw {
					assert.Len(t, page.Raw, tt.want)
				} else {
					assert.Nil(t, page.Raw)
				}
			}
		})
	}
}

func TestDecodePageRawVerbatim(t *testing.T) {
	body := `{"seats": [ {"b": 2, "a": 1.50},
	{"id":"x"} ]}`
	page, err := decodePage(strings.NewReader(body), 1<<20, jsonpath.MustCompile("seats"), true)
	require.NoError(t, err)
	require.Len(t, page.Raw, 2)
	assert.Equal(t, `{"b": 2, "a": 1.50}`, string(page.Raw[0]))
	assert.Equal(t, json.Number("1.50"), page.Records[0].(map[string]any)["a"])

	// General paths re-encode.
	page, err = decodePage(strings.NewReader(`{"r":[{"row":{"b":1,"a":2}}]}`), 1<<20, jsonpath.MustCompile("r[*].row"), true)
	require.NoError(t, err)
	assert.JSONEq(t, `{"a":2,"b":1}`, string(page.Raw[0]))
}

func TestDecodePageReadErrors(t *testing.T) {
	boom := errors.New("connection reset by peer")
	r := io.MultiReader(strings.NewReader(`{"seats":[`), iotest.ErrReader(boom))
	_, err := decodePage(r, 1<<20, jsonpath.MustCompile("seats"), false)
	require.ErrorIs(t, err, boom)
	assert.ErrorContains(t, err, "byte offset 10")

	// A body cut short by the transport (io.ErrUnexpectedEOF) is truncation.
	r = io.MultiReader(strings.NewReader(`{"seats":[{"id":1}`), iotest.ErrReader(io.ErrUnexpectedEOF))
	_, err = decodePage(r, 1<<20, jsonpath.MustCompile("seats"), false)
	assert.ErrorContains(t, err, "truncated JSON: body ended at byte offset 18")
}
