package filter

// RecordPaths returns the paths the conditions read in each record (their
// Field, and those of the conditions in their any and not groups, depth
// first), in order, empty ones left out. It does not validate them, and is
// safe for concurrent use.
//
// A decoder that materialises only part of each record must keep these.
func RecordPaths(conds ...Condition) []string {
	var out []string
	var add func(c Condition)
	add = func(c Condition) {
		if c.Field != "" {
			out = append(out, c.Field)
		}
		for _, g := range c.Any {
			add(g)
		}
		if c.Not != nil {
			add(*c.Not)
		}
	}
	for _, c := range conds {
		add(c)
	}
	return out
}
