package connector

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/saasconnect/saasconnect"
)

// Consolidate merges the users found by several instances of one vendor
// (several tenants, orgs or workspaces) into one list with one entry per
// person.
//
// Two records are the same person when they share an email (compared
// case-insensitively, surrounding spaces ignored) or an ID; the relation is
// transitive, so a record with only an ID joins the group of a record that
// has that ID and an email. In each group the record with the latest
// LastActivity wins (on a tie, the one that comes first in the arguments);
// its empty fields are filled from the other records, most recently active
// first. Status [saasconnect.StatusUnknown] and Activity
// [saasconnect.ActivityUnknown] count as empty. Extra maps are merged into a
// new map, the winner's keys winning. Raw is the winner's, or the first
// non-empty one. Records with neither email nor ID are kept as they are.
//
// The result is sorted by lower-cased email, then ID. Consolidate does not
// modify its arguments; a user that was not merged is returned as is (its
// Extra and Raw still shared with the input).
func Consolidate(users ...[]saasconnect.User) []saasconnect.User {
	var all []saasconnect.User
	for _, list := range users {
		all = append(all, list...)
	}
	if len(all) == 0 {
		return nil
	}

	// Union-find over record indexes, joined by email and ID keys.
	parent := make([]int, len(all))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) {
		ra, rb := find(a), find(b)
		if ra == rb {
			return
		}
		if rb < ra {
			ra, rb = rb, ra
		}
		parent[rb] = ra // the lower index is the root: deterministic
	}
	firstByKey := make(map[string]int, 2*len(all))
	join := func(key string, i int) {
		if j, ok := firstByKey[key]; ok {
			union(i, j)
		} else {
			firstByKey[key] = i
		}
	}
	for i, u := range all {
		if e := normEmail(u.Email); e != "" {
			join("e:"+e, i)
		}
		if u.ID != "" {
			join("i:"+u.ID, i)
		}
	}

	groups := make(map[int][]int, len(all))
	for i := range all {
		r := find(i)
		groups[r] = append(groups[r], i)
	}
	out := make([]saasconnect.User, 0, len(groups))
	for _, members := range groups { // order fixed by the sort below
		out = append(out, merge(all, members))
	}
	slices.SortStableFunc(out, func(a, b saasconnect.User) int {
		return cmp.Or(
			cmp.Compare(normEmail(a.Email), normEmail(b.Email)),
			cmp.Compare(a.ID, b.ID),
			// Identity-less records and true ties: keep a total order.
			cmp.Compare(a.Name, b.Name),
			a.LastActivity.Compare(b.LastActivity),
		)
	})
	return out
}

func normEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// merge returns the consolidated record of members (indexes into all, in
// ascending order).
func merge(all []saasconnect.User, members []int) saasconnect.User {
	if len(members) == 1 {
		return all[members[0]]
	}
	// Most recently active first; stable, so ties keep argument order.
	slices.SortStableFunc(members, func(a, b int) int {
		return all[b].LastActivity.Compare(all[a].LastActivity)
	})
	w := all[members[0]]
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	extra := maps.Clone(w.Extra)
	for _, i := range members[1:] {
		o := all[i]
		fill(&w.ID, o.ID)
		fill(&w.Email, o.Email)
		fill(&w.Name, o.Name)
		fill(&w.FirstName, o.FirstName)
		fill(&w.LastName, o.LastName)
		fill(&w.Role, o.Role)
		fill(&w.Department, o.Department)
		fill(&w.Title, o.Title)
		fill(&w.Application, o.Application)
		fill(&w.Connector, o.Connector)
		if (w.Status == "" || w.Status == saasconnect.StatusUnknown) && o.Status != "" && (w.Status == "" || o.Status != saasconnect.StatusUnknown) {
			w.Status = o.Status
		}
		if (w.Activity == "" || w.Activity == saasconnect.ActivityUnknown) && o.Activity != "" && (w.Activity == "" || o.Activity != saasconnect.ActivityUnknown) {
			w.Activity = o.Activity
		}
		if w.LastActivity.IsZero() {
			w.LastActivity = o.LastActivity
		}
		if len(w.Raw) == 0 {
			w.Raw = o.Raw
		}
		for k, v := range o.Extra {
			if _, ok := extra[k]; !ok {
				if extra == nil {
					extra = make(map[string]any)
				}
				extra[k] = v
			}
		}
	}
	w.Extra = extra
	return w
}
