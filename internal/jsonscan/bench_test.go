package jsonscan

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// benchPage is a users page shaped like connectortest's: 100 records of
// about 15 fields.
func benchPage() []byte {
	var b bytes.Buffer
	b.WriteString(`{"data":[`)
	for i := range 100 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"u%08d","email":"user%08d@example.com","type":"User","status":"ACTIVE","role":"member",`+
			`"profile":{"first_name":"Ken","last_name":"Liskov","display_name":"Ken Liskov","department":"Finance","title":"Director","locale":"en-US"},`+
			`"last_activity_at":"2025-12-01T01:54:43Z","created_at":"2024-09-23T00:00:00Z","employee_number":%d,"phone":"+1-555-9465",`+
			`"mfa_enabled":true,"seat":"pro","tags":["Finance","pro"]}`, i, i, 100000+i)
	}
	b.WriteString(`],"total":100000}`)
	return b.Bytes()
}

var sinkAny any

func BenchmarkPage(b *testing.B) {
	data := benchPage()
	d, err := NewDecoder(Spec{
		Records: compile(b, "data")[0],
		RecordPaths: compile(b, "id", "email", "type", "status", "role", "profile.first_name", "profile.last_name",
			"profile.display_name", "profile.department", "profile.title", "last_activity_at", "seat"),
		DocPaths: compile(b, "total"),
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("jsonscan-projection", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			p, err := d.Decode(data, false)
			if err != nil {
				b.Fatal(err)
			}
			sinkAny = p.Doc
		}
	})
	b.Run("jsonscan-full", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			v, err := Decode(data)
			if err != nil {
				b.Fatal(err)
			}
			sinkAny = v
		}
	})
	b.Run("encoding-json-any", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.UseNumber()
			var v any
			if err := dec.Decode(&v); err != nil {
				b.Fatal(err)
			}
			sinkAny = v
		}
	})
	type user struct {
		ID, Email, Type, Status, Role string
		Profile                       struct {
			FirstName   string `json:"first_name"`
			LastName    string `json:"last_name"`
			DisplayName string `json:"display_name"`
			Department  string
			Title       string
		}
		LastActivityAt *string `json:"last_activity_at"`
		Seat           string
	}
	b.Run("encoding-json-struct", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var v struct {
				Data  []user
				Total int
			}
			if err := json.Unmarshal(data, &v); err != nil {
				b.Fatal(err)
			}
			sinkAny = v.Data
		}
	})
}
