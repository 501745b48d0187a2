package paginate

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func intp(i int) *int { return &i }

// configFields lists the Field of every *ConfigError joined in err.
func configFields(t *testing.T, err error) []string {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	var fields []string
	for _, e := range errs {
		var ce *ConfigError
		require.True(t, errors.As(e, &ce), "%T %v is not a *ConfigError", e, e)
		fields = append(fields, ce.Field)
	}
	return fields
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		wantFields []string // nil: valid
		wantMsg    string
	}{
		{name: "zero value is none", cfg: Config{}},
		{name: "none", cfg: Config{Type: None}},
		{name: "oracle offset with hasMore", cfg: Config{Type: OffsetLimit, OffsetField: "offset", LimitField: "limit", PageSize: 500, HasMorePath: "hasMore"}},
		{name: "scim startIndex from 1", cfg: Config{Type: OffsetLimit, OffsetField: "startIndex", LimitField: "count", PageSize: 200, Start: intp(1), TotalPath: "totalResults"}},
		{name: "practitest", cfg: Config{Type: PageNumber, PageField: "page[number]", PageSizeField: "page[size]", PageSize: 100, TotalPagesPath: "meta.total-pages"}},
		{name: "cyberark body", cfg: Config{Type: PageNumber, In: InBody, PageField: "Args.PageNumber", PageSizeField: "Args.PageSize", PageSize: 10000, TotalPath: "Result.Count"}},
		{name: "slack cursor, default page size", cfg: Config{Type: CursorLimit, CursorField: "cursor", CursorPath: "response_metadata.next_cursor", LimitField: "limit"}},
		{name: "namely last id", cfg: Config{Type: CursorLimit, CursorField: "after", CursorPath: "$last.id", LimitField: "limit", PageSize: 50}},
		{name: "okta link header", cfg: Config{Type: LinkHeader, LimitField: "limit", PageSize: 200}},
		{name: "bugsnag total header", cfg: Config{Type: LinkHeader, LimitField: "per_page", PageSize: 100, TotalPath: "header:X-Total-Count"}},
		{name: "graph next link", cfg: Config{Type: NextURL, NextURLPath: `["@odata.nextLink"]`, LimitField: "$top", PageSize: 999, MaxPages: 50}},
		{
			name:       "unknown type",
			cfg:        Config{Type: "scroll"},
			wantFields: []string{"type"},
			wantMsg:    `type: unknown pagination type "scroll"`,
		},
		{
			name:       "cursor_limit without cursor_field",
			cfg:        Config{Type: CursorLimit, CursorPath: "next"},
			wantFields: []string{"cursor_field"},
			wantMsg:    `cursor_field: required by pagination type "cursor_limit"`,
		},
		{
			name:       "every problem at once",
			cfg:        Config{Type: CursorLimit, In: "header", OffsetField: "offset", PageSize: -1, MaxPages: -2, NextURLPath: "x"},
			wantFields: []string{"offset_field", "cursor_field", "cursor_path", "next_url_path", "in", "page_size", "max_pages"},
		},
		{
			name:       "none takes nothing else",
			cfg:        Config{Type: None, PageSize: 10, HasMorePath: "more"},
			wantFields: []string{"has_more_path", "page_size"},
		},
		{
			name:       "offset without offset_field, limit without page_size",
			cfg:        Config{Type: OffsetLimit, LimitField: "limit", Start: intp(-1)},
			wantFields: []string{"offset_field", "start", "page_size"},
		},
		{
			name:       "page_size_field without page_size",
			cfg:        Config{Type: PageNumber, PageField: "page", PageSizeField: "per_page"},
			wantFields: []string{"page_size"},
			wantMsg:    `page_size: required with page_size_field "per_page"`,
		},
		{
			name:       "bad paths",
			cfg:        Config{Type: NextURL, NextURLPath: "a[", TotalPath: "header:", HasMorePath: "$..[?("},
			wantFields: []string{"next_url_path", "total_path", "has_more_path"},
		},
		{
			name:       "bad header names",
			cfg:        Config{Type: CursorLimit, CursorField: "after", CursorPath: "header:X Cursor", TotalPath: "header:X-Total:", HasMorePath: "header:  "},
			wantFields: []string{"cursor_path", "total_path", "has_more_path"},
			wantMsg:    `cursor_path: "header:X Cursor": header name "X Cursor" is not an RFC 7230 token: byte offset 8 (' ') is not allowed`,
		},
		{
			name:       "bad $last path",
			cfg:        Config{Type: CursorLimit, CursorField: "after", CursorPath: "$last.a["},
			wantFields: []string{"cursor_path"},
		},
		{
			name:       "body field with empty segment",
			cfg:        Config{Type: PageNumber, In: InBody, PageField: "Args..PageNumber"},
			wantFields: []string{"page_field"},
			wantMsg:    `page_field: "Args..PageNumber" is not a dot path into the request body`,
		},
		{
			name:       "fields of other types",
			cfg:        Config{Type: LinkHeader, PageField: "page", CursorPath: "c", Start: intp(1), TotalPagesPath: "pages"},
			wantFields: []string{"page_field", "cursor_path", "total_pages_path", "start"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.wantFields == nil {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.ElementsMatch(t, tt.wantFields, configFields(t, err), "error: %v", err)
			if tt.wantMsg != "" {
				assert.Contains(t, err.Error(), tt.wantMsg)
			}
		})
	}
}

func TestConfigJSONKeys(t *testing.T) {
	in := `{"type":"page_number","in":"body","page_field":"Args.PageNumber","page_size_field":"Args.PageSize",
		"page_size":100,"start":1,"max_pages":7,"total_path":"Result.Count"}`
	var c Config
	require.NoError(t, json.Unmarshal([]byte(in), &c))
	assert.Equal(t, Config{Type: PageNumber, In: InBody, PageField: "Args.PageNumber", PageSizeField: "Args.PageSize",
		PageSize: 100, Start: intp(1), MaxPages: 7, TotalPath: "Result.Count"}, c)
	require.NoError(t, c.Validate())

	// configKeys must list every JSON key but "type", so that Validate checks them all.
	raw, err := json.Marshal(Config{Type: OffsetLimit, In: "x", OffsetField: "x", LimitField: "x", PageField: "x",
		PageSizeField: "x", CursorField: "x", CursorPath: "x", NextURLPath: "x", TotalPath: "x", TotalPagesPath: "x",
		HasMorePath: "x", PageSize: 1, Start: intp(0), MaxPages: 1, MaxCursorBytes: 1, LastPagePath: "x",
		NextRequestURL: "x", NextRequestBody: map[string]any{"x": "x"}})
	require.NoError(t, err)
	var keys map[string]any
	require.NoError(t, json.Unmarshal(raw, &keys))
	delete(keys, "type")
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	assert.ElementsMatch(t, configKeys, names)
}
