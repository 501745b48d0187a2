package filter

import (
	"slices"
	"testing"
)

func TestRecordPaths(t *testing.T) {
	tests := []struct {
		conds []Condition
		want  []string
	}{
		{conds: nil},
		{conds: []Condition{{Field: "type", Operator: Equal}, {Field: "", Operator: Exists}, {Field: "roles[*].name", Operator: Exists}}, want: []string{"type", "roles[*].name"}},
		{conds: []Condition{
			{Not: &Condition{Any: []Condition{{Field: "is_bot", Operator: Exists}, {Not: &Condition{Field: "flags.app", Operator: Exists}}}}},
			{Any: []Condition{{Field: "email", Operator: EndsWith, Value: ".com"}}},
		}, want: []string{"is_bot", "flags.app", "email"}},
	}
	for _, tt := range tests {
		if got := RecordPaths(tt.conds...); !slices.Equal(got, tt.want) {
			t.Errorf("RecordPaths(%v) = %v, want %v", tt.conds, got, tt.want)
		}
	}
}
