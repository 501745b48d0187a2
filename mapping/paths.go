package mapping

import "slices"

// RecordPaths returns the paths s reads in each record, as written: each
// field's path followed by its fallbacks (fields in name order), then
// LastActivityField. Empty paths are left out. It does not validate s, and
// is safe for concurrent use.
//
// A decoder that materialises only part of each record must keep these.
func (s Spec) RecordPaths() []string {
	var out []string
	names := make([]string, 0, len(s.Fields))
	for name := range s.Fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if p := s.Fields[name]; p != "" {
			out = append(out, p)
		}
		for _, p := range s.Fallbacks[name] {
			if p != "" {
				out = append(out, p)
			}
		}
	}
	if s.LastActivityField != "" {
		out = append(out, s.LastActivityField)
	}
	return out
}
