package mapping

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// benchRecord is a typical Okta-shaped user with 20 mapped fields.
const benchRecord = `{"id":"00u1xke1apZnmHgpB1d7","status":"ACTIVE","created":"2021-11-17T16:11:16.000Z",
	"activated":"2021-11-18T10:00:00.000Z","statusChanged":null,"lastLogin":"2022-05-04T19:50:52.000Z",
	"lastUpdated":"2022-05-24T15:39:09.000Z","passwordChanged":"2022-01-01T00:00:00.000Z","type":{"id":"oty2di92xFgQTiKEJ1d6"},
	"profile":{"firstName":"Ben","lastName":"Richler","displayName":"Ben Richler","mobilePhone":null,"secondEmail":"",
	"department":"Engineering","title":"Staff Engineer","userType":"Employee","organization":"Acme","costCenter":"CC-42",
	"employeeNumber":12345678901234567,"manager":"Ada Lovelace","city":"Berlin","countryCode":"DE",
	"login":"ben.richler@example.com","email":"ben.richler@example.com"},
	"credentials":{"provider":{"type":"OKTA","name":"OKTA"}}}`

var benchSpec = Spec{
	Fields: map[string]string{
		"id": "id", "email": "profile.email", "name": "profile.displayName", "first_name": "profile.firstName",
		"last_name": "profile.lastName", "status": "status", "role": "profile.userType", "department": "profile.department",
		"title": "profile.title", "login": "profile.login", "organization": "profile.organization",
		"cost_center": "profile.costCenter", "employee_number": "profile.employeeNumber", "manager": "profile.manager",
		"city": "profile.city", "country": "profile.countryCode", "provider": "credentials.provider.type",
		"type_id": "type.id", "created": "created",
	},
	StatusValues:      map[string]string{"ACTIVE": "active", "SUSPENDED": "suspended", "DEPROVISIONED": "deprovisioned"},
	LastActivityField: "lastLogin",
}

// BenchmarkMap maps one decoded 20-field record (19 fields + last activity).
func BenchmarkMap(b *testing.B) {
	m := MustCompile(benchSpec)
	rec := decodeJSON(b, benchRecord)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Map(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMapSystemOnly maps the same record with system fields only (no
// Extra map to allocate).
func BenchmarkMapSystemOnly(b *testing.B) {
	spec := Spec{Fields: map[string]string{}, StatusValues: benchSpec.StatusValues, LastActivityField: "lastLogin"}
	for _, f := range SystemFields() {
		spec.Fields[f] = benchSpec.Fields[f]
	}
	m := MustCompile(spec)
	rec := decodeJSON(b, benchRecord)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Map(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeAndMap includes decoding the record (UseNumber), as a
// connector does per record.
func BenchmarkDecodeAndMap(b *testing.B) {
	m := MustCompile(benchSpec)
	b.ReportAllocs()
	b.SetBytes(int64(len(benchRecord)))
	for b.Loop() {
		d := json.NewDecoder(strings.NewReader(benchRecord))
		d.UseNumber()
		var rec any
		if err := d.Decode(&rec); err != nil {
			b.Fatal(err)
		}
		if _, err := m.Map(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTypedStruct is the hand-written baseline: decode into a typed
// struct and copy the fields (no generic mapping at all).
func BenchmarkTypedStruct(b *testing.B) {
	type oktaUser struct {
		ID        string    `json:"id"`
		Status    string    `json:"status"`
		LastLogin time.Time `json:"lastLogin"`
		Created   string    `json:"created"`
		Type      struct {
			ID string `json:"id"`
		} `json:"type"`
		Profile struct {
			FirstName, LastName, DisplayName, Department, Title, UserType string
			Organization, CostCenter, Manager, City, CountryCode          string
			EmployeeNumber                                                json.Number
			Login, Email                                                  string
		} `json:"profile"`
		Credentials struct {
			Provider struct{ Type string } `json:"provider"`
		} `json:"credentials"`
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(benchRecord)))
	for b.Loop() {
		var u oktaUser
		if err := json.Unmarshal([]byte(benchRecord), &u); err != nil {
			b.Fatal(err)
		}
		_ = u
	}
}

func BenchmarkParseTime(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := ParseTime("2022-05-04T19:50:52.000Z", ""); err != nil {
			b.Fatal(err)
		}
	}
}
