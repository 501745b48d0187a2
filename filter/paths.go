package filter

// RecordPaths returns the paths the conditions read in each record (their
// Field), in order, empty ones left out. It does not validate them, and is
// safe for concurrent use.
//
// A decoder that materialises only part of each record must keep these.
func RecordPaths(conds ...Condition) []string {
	var out []string
	for _, c := range conds {
		if c.Field != "" {
			out = append(out, c.Field)
		}
	}
	return out
}
