package main

import (
	"fmt"
	"net/http"
)

// fakeKey is the API key the fake Acme Chat API accepts.
const fakeKey = "acme-demo-key"

// fakeAcme is a stand-in for the Acme Chat API, so the program runs with no
// network: workspace W0123's members in three pages of two, linked by
// meta.next_cursor. It checks the X-Acme-Key header like the real API
// would, and answers 401 without it.
func fakeAcme() http.Handler {
	pages := map[string]string{
		"": `{"members": [
			{"id": "U01", "kind": "member", "state": "enabled", "role": "admin",
			 "profile": {"email": "ada@acme-corp.example", "display_name": "Ada Lovelace"},
			 "billing": {"plan": "pro"}, "last_seen_at": 1795166100},
			{"id": "U02", "kind": "bot", "state": "enabled", "role": "member",
			 "profile": {"display_name": "Deploy Bot"},
			 "billing": {"plan": "free"}, "last_seen_at": 1795506000}
		], "meta": {"next_cursor": "dXNlcjpVMDI="}}`,
		"dXNlcjpVMDI=": `{"members": [
			{"id": "U03", "kind": "member", "state": "enabled", "role": "member",
			 "profile": {"email": "grace@acme-corp.example", "display_name": "Grace Hopper"},
			 "billing": {"plan": "pro"}, "last_seen_at": 1780308000},
			{"id": "U04", "kind": "member", "state": "invited", "role": "member",
			 "profile": {"email": "linus@acme-corp.example", "display_name": "Linus Torvalds"},
			 "billing": {"plan": "free"}, "last_seen_at": null}
		], "meta": {"next_cursor": "dXNlcjpVMDQ="}}`,
		"dXNlcjpVMDQ=": `{"members": [
			{"id": "U05", "kind": "member", "state": "disabled", "role": "guest",
			 "profile": {"email": "ken@partner.example", "display_name": "Ken Thompson"},
			 "billing": {"plan": "pro"}, "last_seen_at": 1793448000}
		], "meta": {"next_cursor": null}}`,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/workspaces/W0123/members", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Acme-Key") != fakeKey {
			http.Error(w, `{"error": "invalid_api_key"}`, http.StatusUnauthorized)
			return
		}
		if r.URL.Query().Get("limit") != "2" {
			http.Error(w, `{"error": "limit must be 2 in this fake"}`, http.StatusBadRequest)
			return
		}
		page, ok := pages[r.URL.Query().Get("cursor")]
		if !ok {
			http.Error(w, `{"error": "invalid_cursor"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, page)
	})
	return mux
}
