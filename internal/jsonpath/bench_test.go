package jsonpath

import "testing"

func BenchmarkGetSimple(b *testing.B) {
	doc := decode(b, oktaUser)
	p := MustCompile("profile.email")
	b.ReportAllocs()
	for b.Loop() {
		p.Get(doc)
	}
}

func BenchmarkGetFilter(b *testing.B) {
	doc := decode(b, scimUser)
	p := MustCompile("emails[?(@.primary==true)].value")
	b.ReportAllocs()
	for b.Loop() {
		p.First(doc)
	}
}
