package mapping

import (
	"slices"
	"testing"
)

func TestSpecRecordPaths(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
		want []string
	}{
		{name: "empty", spec: Spec{}},
		{name: "fields in name order, each with its fallbacks, then last activity", spec: Spec{
			Fields:            map[string]string{"id": "uid", "email": "mail", "dept": "org.unit"},
			Fallbacks:         map[string][]string{"email": {"otherMails[0]", "upn"}},
			LastActivityField: "signIn.last",
		}, want: []string{"org.unit", "mail", "otherMails[0]", "upn", "uid", "signIn.last"}},
		{name: "empty paths left out", spec: Spec{Fields: map[string]string{"id": ""}, Fallbacks: map[string][]string{"id": {"", "x"}}}, want: []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.spec.RecordPaths(); !slices.Equal(got, tt.want) {
				t.Errorf("RecordPaths = %v, want %v", got, tt.want)
			}
		})
	}
}
