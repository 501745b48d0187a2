package paginate_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"

	"github.com/saasconnect/saasconnect/paginate"
)

// letters is an in-memory listing paged three items at a time; the cursor
// is the index of a page's first item.
func letters(_ context.Context, cursor string) (paginate.Page[string], error) {
	const all = "abcdefgh"
	from, _ := strconv.Atoi(cursor)
	to := min(from+3, len(all))
	var p paginate.Page[string]
	for _, r := range all[from:to] {
		p.Items = append(p.Items, string(r))
	}
	if to < len(all) {
		p.Next = strconv.Itoa(to)
	}
	return p, nil
}

func ExamplePages() {
	for page, err := range paginate.Pages(context.Background(), letters, "") {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		// Process the page, then checkpoint page.Next: a later run can
		// resume with Pages(ctx, letters, page.Next).
		fmt.Printf("%v next=%q\n", page.Items, page.Next)
	}
	// Output:
	// [a b c] next="3"
	// [d e f] next="6"
	// [g h] next=""
}

func ExampleAll() {
	for item, err := range paginate.All(context.Background(), letters, "3") {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Print(item, " ")
		if item == "g" {
			break // no further page is fetched
		}
	}
	fmt.Println()
	// Output:
	// d e f g
}

func ExampleCollect() {
	failing := func(ctx context.Context, cursor string) (paginate.Page[string], error) {
		if cursor == "" {
			return paginate.Page[string]{Items: []string{"a", "b"}, Next: "2"}, nil
		}
		return paginate.Page[string]{}, errors.New("status 503")
	}
	items, err := paginate.Collect(paginate.All(context.Background(), failing, ""))
	fmt.Println(items, err)
	// Output:
	// [a b] paginate: page 2: status 503
}

func ExampleParseLinkHeader() {
	links, err := paginate.ParseLinkHeader(`<https://acme.okta.com/api/v1/users?limit=200>; rel="self", ` +
		`<https://acme.okta.com/api/v1/users?after=00u1xke1apZnmHgpB1d7&limit=200>; rel="next"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range links {
		if l.HasRel("next") {
			fmt.Println(l.URI)
		}
	}
	// Output:
	// https://acme.okta.com/api/v1/users?after=00u1xke1apZnmHgpB1d7&limit=200
}

func ExampleConfig_Validate() {
	cfg := paginate.Config{Type: paginate.CursorLimit, LimitField: "limit", PageSize: -5}
	fmt.Println(cfg.Validate())
	// Output:
	// cursor_field: required by pagination type "cursor_limit"
	// cursor_path: required by pagination type "cursor_limit"
	// page_size: must not be negative, got -5
}

// decodeRecords is a minimal FetchPage: it finds the records under the
// object keys given (none: a top-level array). The connector's also
// retries, authenticates, caps the body and finds the records with a JSON
// path.
func decodeRecords(keys ...string) paginate.FetchPage {
	return func(ctx context.Context, req *http.Request) (paginate.Response, error) {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return paginate.Response{}, err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return paginate.Response{}, fmt.Errorf("status %d", resp.StatusCode)
		}
		dec := json.NewDecoder(resp.Body)
		dec.UseNumber()
		var body any
		if err := dec.Decode(&body); err != nil {
			return paginate.Response{}, err
		}
		recs := body
		for _, k := range keys {
			m, _ := recs.(map[string]any)
			recs = m[k]
		}
		r := paginate.Response{StatusCode: resp.StatusCode, Header: resp.Header, Body: body}
		r.Records, _ = recs.([]any)
		return r, nil
	}
}

// An Okta-style listing: the next page is in the Link header.
func ExampleWalker_Walk() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("after") {
		case "":
			w.Header().Add("Link", `</api/v1/users?after=u2&limit=2>; rel="next"`)
			fmt.Fprint(w, `[{"id":"u1"},{"id":"u2"}]`)
		case "u2":
			fmt.Fprint(w, `[{"id":"u3"}]`)
		}
	}))
	defer srv.Close()

	first, _ := url.Parse(srv.URL + "/api/v1/users")
	w := &paginate.Walker{
		Config: paginate.Config{Type: paginate.LinkHeader, LimitField: "limit", PageSize: 2},
		Fetch:  decodeRecords(),
	}
	for resp, err := range w.Walk(context.Background(), paginate.Request{URL: first}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(resp.URL.RequestURI(), len(resp.Records), "records")
	}
	// Output:
	// /api/v1/users?limit=2 2 records
	// /api/v1/users?after=u2&limit=2 1 records
}

// A CyberArk-style POST query paged inside the JSON body, with the total in
// the first response: no request is sent for a page past it.
func ExampleWalker_Walk_bodyPaging() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var q struct {
			Args struct{ PageNumber, PageSize int }
		}
		_ = json.NewDecoder(r.Body).Decode(&q)
		fmt.Printf("server: page %d of size %d\n", q.Args.PageNumber, q.Args.PageSize)
		fmt.Fprintf(w, `{"Result":{"Count":4,"Results":[{"Row":{"ID":"%d-a"}},{"Row":{"ID":"%d-b"}}]}}`, q.Args.PageNumber, q.Args.PageNumber)
	}))
	defer srv.Close()

	first, _ := url.Parse(srv.URL + "/Redrock/query")
	w := &paginate.Walker{
		Config: paginate.Config{
			Type: paginate.PageNumber, In: paginate.InBody,
			PageField: "Args.PageNumber", PageSizeField: "Args.PageSize", PageSize: 2,
			TotalPath: "Result.Count",
		},
		Fetch: decodeRecords("Result", "Results"),
	}
	body := map[string]any{"Script": "Select ID from User", "Args": map[string]any{"Caching": -1}}
	pages := 0
	for _, err := range w.Walk(context.Background(), paginate.Request{Method: http.MethodPost, URL: first, Body: body}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		pages++
	}
	fmt.Println(pages, "pages")
	// Output:
	// server: page 1 of size 2
	// server: page 2 of size 2
	// 2 pages
}

// A next link to another host is refused, so the credentials of the first
// request are never sent there.
func ExampleErrCrossOrigin() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"value":[{"id":"1"}],"@odata.nextLink":"https://elsewhere.example/v1.0/users?$skiptoken=2"}`)
	}))
	defer srv.Close()

	first, _ := url.Parse(srv.URL + "/v1.0/users")
	w := &paginate.Walker{
		Config: paginate.Config{Type: paginate.NextURL, NextURLPath: `["@odata.nextLink"]`},
		Fetch:  decodeRecords("value"),
	}
	for _, err := range w.Walk(context.Background(), paginate.Request{URL: first}) {
		if err != nil {
			fmt.Println(errors.Is(err, paginate.ErrCrossOrigin))
		}
	}
	// Output:
	// true
}

// ExampleTypes lists the keys each pagination type reads, the source for a
// schema of the `pagination` section.
func ExampleTypes() {
	for _, t := range paginate.Types() {
		if t.Name == paginate.CursorLimit {
			fmt.Println(t.Name, "requires", t.Required)
			fmt.Println(t.Name, "accepts", t.Optional)
		}
	}
	// Output:
	// cursor_limit requires [cursor_field cursor_path]
	// cursor_limit accepts [limit_field max_cursor_bytes next_request_url next_request_body in page_size total_path has_more_path last_page_path max_pages]
}

// A Dropbox-style listing: the first POST goes to members/list_v2 with the
// page size in the body, every next one to members/list/continue_v2 with
// only the cursor, while has_more is true.
func ExampleWalker_Walk_continueAtAnotherURL() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Printf("server: %s %s\n", r.URL.Path, body)
		if r.URL.Path == "/2/team/members/list_v2" {
			fmt.Fprint(w, `{"members":[{"id":"a"},{"id":"b"}],"cursor":"AAE2","has_more":true}`)
			return
		}
		fmt.Fprint(w, `{"members":[{"id":"c"}],"cursor":"AAE3","has_more":false}`)
	}))
	defer srv.Close()

	first, _ := url.Parse(srv.URL + "/2/team/members/list_v2")
	w := &paginate.Walker{
		Config: paginate.Config{
			Type: paginate.CursorLimit, In: paginate.InBody,
			CursorField: "cursor", CursorPath: "cursor", HasMorePath: "has_more",
			NextRequestURL:  "/2/team/members/list/continue_v2",
			NextRequestBody: map[string]any{"cursor": paginate.CursorPlaceholder},
		},
		Fetch: decodeRecords("members"),
	}
	records := 0
	for resp, err := range w.Walk(context.Background(), paginate.Request{Method: http.MethodPost, URL: first, Body: map[string]any{"limit": 2}}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		records += len(resp.Records)
	}
	fmt.Println(records, "records")
	// Output:
	// server: /2/team/members/list_v2 {"limit":2}
	// server: /2/team/members/list/continue_v2 {"cursor":"AAE2"}
	// 3 records
}

// A walk stopped after its first page, resumed by another Walker from the
// serialised checkpoint: the first page is not requested again, and the
// api_key the vendor echoes in its links is not in the checkpoint.
func ExampleWalker_WalkFrom() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("after") {
		case "":
			w.Header().Add("Link", `</api/v1/users?after=u2&limit=2&api_key=k3y>; rel="next"`)
			fmt.Fprint(w, `[{"id":"u1"},{"id":"u2"}]`)
		case "u2":
			fmt.Fprint(w, `[{"id":"u3"}]`)
		}
	}))
	defer srv.Close()

	first, _ := url.Parse(srv.URL + "/api/v1/users?api_key=k3y")
	cfg := paginate.Config{Type: paginate.LinkHeader, LimitField: "limit", PageSize: 2}
	ctx := context.Background()
	var saved []byte
	w := &paginate.Walker{Config: cfg, Fetch: decodeRecords()}
	for resp, err := range w.Walk(ctx, paginate.Request{URL: first}) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(resp.URL.RequestURI(), len(resp.Records), "records")
		saved, _ = resp.Next.MarshalBinary()
		break
	}
	fmt.Println("secret in the checkpoint:", strings.Contains(string(saved), "k3y"))

	var from paginate.Checkpoint
	if err := from.UnmarshalBinary(saved); err != nil {
		fmt.Println("error:", err)
		return
	}
	again := &paginate.Walker{Config: cfg, Fetch: decodeRecords()}
	for resp, err := range again.WalkFrom(ctx, paginate.Request{URL: first}, from) {
		if err != nil {
			fmt.Println("error:", err)
			return
		}
		fmt.Println(resp.URL.RequestURI(), len(resp.Records), "records, done:", resp.Next.Done())
	}
	// Output:
	// /api/v1/users?api_key=k3y&limit=2 2 records
	// secret in the checkpoint: false
	// /api/v1/users?after=u2&limit=2&api_key=k3y 1 records, done: true
}
