package redact

import (
	"strings"
	"testing"
)

// BenchmarkString redacts a 2 KiB error body holding a URL, form pairs and
// JSON members with a Set of three secrets.
func BenchmarkString(b *testing.B) {
	s := New("hunter2!", "tok-123456", "rt/+=xyz")
	s.AddBasic("alice", "hunter2!")
	text := strings.Repeat(`GET https://h.test/p?token=abc&page=2 {"access_token":"x","scope":"a"} grant_type=x&refresh_token=y tok-123456 `, 20)[:MaxBody]
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Body([]byte(text))
	}
}
