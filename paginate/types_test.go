package paginate

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTypes(t *testing.T) {
	common := []string{"in", "page_size", "total_path", "has_more_path", "last_page_path", "max_pages"}
	want := []TypeInfo{
		{Name: None, Required: []string{}, Optional: []string{}},
		{Name: OffsetLimit, Required: []string{"offset_field"}, Optional: append([]string{"limit_field", "start", "total_pages_path"}, common...)},
		{Name: PageNumber, Required: []string{"page_field"}, Optional: append([]string{"page_size_field", "start", "total_pages_path"}, common...)},
		{Name: CursorLimit, Required: []string{"cursor_field", "cursor_path"}, Optional: append([]string{"limit_field", "max_cursor_bytes", "next_request_url", "next_request_body"}, common...)},
		{Name: LinkHeader, Required: []string{}, Optional: append([]string{"limit_field", "max_cursor_bytes"}, common...)},
		{Name: NextURL, Required: []string{"next_url_path"}, Optional: append([]string{"limit_field", "max_cursor_bytes"}, common...)},
	}
	assert.Equal(t, want, Types())

	got := Types()
	got[1].Required[0] = "changed"
	assert.Equal(t, "offset_field", Types()[1].Required[0], "Types returns a copy")

	raw, err := json.Marshal(Types()[3])
	require.NoError(t, err)
	assert.JSONEq(t, `{"name":"cursor_limit","required":["cursor_field","cursor_path"],
		"optional":["limit_field","max_cursor_bytes","next_request_url","next_request_body","in","page_size","total_path","has_more_path","last_page_path","max_pages"]}`, string(raw))
}

// TestTypesMatchValidate checks, for every type and every key, that
// Validate accepts the key exactly when Types lists it, and asks exactly
// for the required keys.
func TestTypesMatchValidate(t *testing.T) {
	for _, info := range Types() {
		t.Run(string(info.Name), func(t *testing.T) {
			base := Config{Type: info.Name}
			for _, k := range info.Required {
				base = withKey(t, base, k)
			}
			assert.ElementsMatch(t, info.Required, configFieldsOrNone(t, Config{Type: info.Name}.Validate()))
			for _, k := range configKeys {
				err := withKey(t, base, k).Validate()
				fields := configFieldsOrNone(t, err)
				used := slices.Contains(info.Required, k) || slices.Contains(info.Optional, k)
				assert.Equal(t, !used, slices.Contains(fields, k) && !slices.Contains(info.Required, k),
					"key %s: Validate = %v", k, err)
			}
		})
	}
}

// withKey returns c with the setting at JSON key k given a valid value.
func withKey(t *testing.T, c Config, k string) Config {
	t.Helper()
	v := reflect.ValueOf(&c).Elem()
	for i := range v.NumField() {
		if jsonKey(v.Type().Field(i)) != k {
			continue
		}
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			f.SetString("x")
			if k == "in" {
				f.SetString(InQuery)
			}
		case reflect.Int:
			f.SetInt(2)
		case reflect.Pointer:
			f.Set(reflect.ValueOf(intp(1)))
		case reflect.Map:
			f.Set(reflect.ValueOf(map[string]any{"cursor": CursorPlaceholder}))
		}
		if k == "limit_field" || k == "page_size_field" {
			c.PageSize = 2
		}
		if k == "next_request_url" || k == "next_request_body" {
			c.In = InBody
		}
		return c
	}
	t.Fatalf("no Config key %q", k)
	return c
}

func configFieldsOrNone(t *testing.T, err error) []string {
	if err == nil {
		return nil
	}
	return configFields(t, err)
}

// headerToken is a toy pagination type written as the package
// documentation's recipe says: one strategy and one registry row. The
// next page's token comes in the X-Next-Token response header and goes in
// cursor_field.
const headerTokenType Type = "header_token"

type headerToken struct{}

func (headerToken) prepare(*plan, Config)    {}
func (headerToken) shortPageEnds(*plan) bool { return false }
func (headerToken) step(*plan) int           { return 0 }

func (headerToken) build(p *plan, pos position, set func(field string, v any)) {
	set(p.limit, p.size)
	if pos.cursor != "" {
		set(p.cursor, pos.cursor)
	}
}

func (headerToken) advance(_ context.Context, w *walk, _ *http.Request, pos position, resp *Response) (position, bool, error) {
	tok := resp.Header.Get("X-Next-Token")
	if tok == "" {
		return position{}, true, nil
	}
	if err := w.p.checkCursorLen("X-Next-Token header", len(tok)); err != nil {
		return position{}, true, err
	}
	return position{n: pos.n + 1, cursor: tok}, false, nil
}

// TestRecipeToyType registers headerToken with one row and checks that
// Types, Validate and Walk know it, with loop detection and the cursor cap
// for free.
func TestRecipeToyType(t *testing.T) {
	saved := registry
	registry = append(slices.Clone(registry), typeDef{
		name: headerTokenType, required: []string{"cursor_field"},
		optional: []string{"limit_field", "max_cursor_bytes"}, strategy: headerToken{},
	})
	t.Cleanup(func() { registry = saved })

	assert.Contains(t, Types(), TypeInfo{Name: headerTokenType, Required: []string{"cursor_field"},
		Optional: []string{"limit_field", "max_cursor_bytes", "in", "page_size", "total_path", "has_more_path", "last_page_path", "max_pages"}})
	assert.NoError(t, Config{Type: headerTokenType, CursorField: "token", LimitField: "n", PageSize: 2}.Validate())
	assert.ElementsMatch(t, []string{"cursor_field", "next_url_path"},
		configFields(t, Config{Type: headerTokenType, NextURLPath: "next"}.Validate()))

	tests := []struct {
		name    string
		next    func(tok int) string // the token after page tok (from 0)
		cfg     Config
		wantIDs int
		wantErr string
	}{
		{name: "walks", next: func(tok int) string {
			if tok >= 2 {
				return ""
			}
			return strconv.Itoa(tok + 1)
		}, wantIDs: 6},
		{name: "loop", next: func(int) string { return "1" }, wantIDs: 4, wantErr: "paginate: page 2: GET"},
		{name: "cap", next: func(int) string { return "123456789" }, cfg: Config{MaxCursorBytes: 4}, wantIDs: 2,
			wantErr: "X-Next-Token header: the response's next position is 9 bytes, more than max_cursor_bytes (4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				tok := atoi(r.URL.Query().Get("token"), 0)
				if next := tt.next(tok); next != "" {
					w.Header().Set("X-Next-Token", next)
				}
				writeJSON(w, people(6)[2*tok:2*tok+2])
			})
			u, err := url.Parse(srv.URL + "/users")
			require.NoError(t, err)
			cfg := tt.cfg
			cfg.Type, cfg.CursorField, cfg.LimitField, cfg.PageSize = headerTokenType, "token", "n", 2
			w := &Walker{Config: cfg, Fetch: jsonFetch(srv.Client(), "", "")}
			resps, err := collect(t, w.Walk(t.Context(), Request{URL: u}))
			assert.Len(t, ids(resps), tt.wantIDs)
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, wantIDs(6), ids(resps))
				assert.Equal(t, []string{"/users?n=2", "/users?n=2&token=1", "/users?n=2&token=2"}, srv.requests())
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			if tt.name == "loop" {
				assert.ErrorIs(t, err, ErrCursorLoop)
				assert.Equal(t, wantIDs(4), ids(resps), "no record twice")
			}
		})
	}
}

// TestValidateRefusesCostlyPaths: a response path whose evaluation could
// grow faster than the page is refused with the key and the offset.
func TestValidateRefusesCostlyPaths(t *testing.T) {
	err := Config{Type: CursorLimit, CursorField: "c", CursorPath: "$..*..*..*", HasMorePath: "meta..more"}.Validate()
	require.Error(t, err)
	assert.ElementsMatch(t, []string{"cursor_path"}, configFields(t, err))
	assert.ErrorContains(t, err, `cursor_path: jsonpath: more than one recursive descent '..' (the first is at offset 1): the work would grow faster than the document at offset 4 in "$..*..*..*"`)
}
