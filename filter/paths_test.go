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
	}
	for _, tt := range tests {
		if got := RecordPaths(tt.conds...); !slices.Equal(got, tt.want) {
			t.Errorf("RecordPaths(%v) = %v, want %v", tt.conds, got, tt.want)
		}
	}
}
