package mapping

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Suggestion proposes a path for one field. Field is a system field name
// or "last_activity"; Path is a simple path that reads it from records
// shaped like the sample; Confidence is in (0, 1]: above 0.8 the name and
// the value both fit, around 0.5 only one of them does. Sample is the
// sample's value at Path, as text (shortened), to show to a person.
type Suggestion struct {
	Field      string  `json:"field"`
	Path       string  `json:"path"`
	Confidence float64 `json:"confidence"`
	Sample     string  `json:"sample,omitempty"`
}

// SuggestThreshold is the lowest confidence Suggest reports.
const SuggestThreshold = 0.35

// Suggest proposes a mapping from one sample vendor record (decoded JSON):
// at most one path per system field and for "last_activity", in the order
// of SystemFields with last_activity last. Fields it finds no plausible
// value for are left out.
//
// Each value in the sample is scored for each field by its key's similarity
// to the names vendors use for that field (email, emailAddr, mail,
// userPrincipalName; lastLogin, last_activity_at,
// signInActivity.lastSignInDateTime; …), by the shape of the value (an
// email-looking string for email, a parseable timestamp for
// last_activity, a boolean or status word for status) and by where it sits
// (keys under profile, attributes, assignee or Row are as good as top-level
// ones; ids under type, team or group are not the user's). Arrays are read
// at index 0, so SCIM's emails become emails[0].value. Each path is
// proposed for one field only, the most confident first.
//
// Suggest is a heuristic for a person to review, not a contract: its
// choices may change between versions.
func Suggest(sample any) []Suggestion {
	var leaves []leaf
	collect(sample, "", "", 0, &leaves)
	type cand struct {
		field int
		leaf  int
		conf  float64
	}
	var cands []cand
	for fi := range suggestFields {
		for li := range leaves {
			if c := suggestFields[fi].score(&leaves[li]); c >= SuggestThreshold {
				cands = append(cands, cand{fi, li, min(c, 1)})
			}
		}
	}
	slices.SortStableFunc(cands, func(a, b cand) int {
		if c := cmp.Compare(b.conf, a.conf); c != 0 {
			return c
		}
		if c := cmp.Compare(a.field, b.field); c != 0 {
			return c
		}
		return cmp.Compare(leaves[a.leaf].depth, leaves[b.leaf].depth)
	})
	chosen := make([]*Suggestion, len(suggestFields))
	used := make(map[string]bool)
	for _, c := range cands {
		l := &leaves[c.leaf]
		if chosen[c.field] != nil || used[l.path] {
			continue
		}
		used[l.path] = true
		chosen[c.field] = &Suggestion{
			Field:      suggestFields[c.field].name,
			Path:       l.path,
			Confidence: math.Round(c.conf*100) / 100,
			Sample:     sampleText(l.value),
		}
	}
	var out []Suggestion
	for _, s := range chosen {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}

// leaf is one value of the sample with where it sits.
type leaf struct {
	path   string
	key    string // normalised name: the key, or the parent's for SCIM "value"
	parent string // normalised parent key
	depth  int    // wrapper objects (profile, attributes, …) do not count
	value  any
}

// wrappers are object keys that hold the user itself.
var wrappers = map[string]bool{
	"profile": true, "attributes": true, "row": true, "assignee": true, "user": true, "actor": true,
	"member": true, "person": true, "fields": true, "account": true, "data": true, "resource": true,
	"urnietfparamsscimschemasextensionenterprise20user": true,
}

// collect appends the leaves of v (objects walked in key order, arrays at
// index 0) to out. key is v's key in its parent object.
func collect(v any, path, key string, depth int, out *[]leaf) {
	if depth > 6 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		// A SCIM multi-valued attribute sent as one object ("emails":
		// {"value":…}): read it as element 0 so that arrays match too.
		if _, isAttr := x["value"]; isAttr && strings.HasSuffix(key, "s") {
			collectElem(x, path+"[0]", key, depth, out)
			return
		}
		collectObject(x, path, key, depth, false, out)
	case []any:
		if len(x) == 0 {
			*out = append(*out, leaf{path: path, key: normalise(key), depth: depth, value: x})
			return
		}
		if obj, isObj := x[0].(map[string]any); isObj {
			collectElem(obj, path+"[0]", key, depth, out)
			return
		}
		*out = append(*out, leaf{path: path + "[0]", key: normalise(key), depth: depth, value: x[0]})
	default:
		*out = append(*out, leaf{path: path, key: normalise(key), depth: depth, value: v})
	}
}

// collectObject walks an object. Its values count one level deeper unless
// it is the record, a wrapper (profile, attributes, …) or an element of a
// multi-valued attribute (elem).
func collectObject(x map[string]any, path, key string, depth int, elem bool, out *[]leaf) {
	keys := make([]string, 0, len(x))
	for k := range x {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	d := depth + 1
	if path == "" || elem || wrappers[normalise(key)] {
		d = depth
	}
	start := len(*out)
	for _, k := range keys {
		collect(x[k], joinPath(path, k), k, d, out)
	}
	nk := normalise(key)
	for i := start; i < len(*out); i++ {
		if (*out)[i].parent == "" {
			(*out)[i].parent = nk
		}
	}
}

// collectElem walks an element of a multi-valued attribute: its "value"
// and "display" keys are named after the attribute ("emails[0].value" is
// an email).
func collectElem(obj map[string]any, path, key string, depth int, out *[]leaf) {
	start := len(*out)
	collectObject(obj, path, key, depth, true, out)
	arr := normalise(key)
	for i := start; i < len(*out); i++ {
		l := &(*out)[i]
		if l.parent == arr && (l.key == "value" || l.key == "display") {
			l.key = arr
		}
	}
}

// joinPath appends key to a simple path, bracketing keys that are not dot
// keys.
func joinPath(path, key string) string {
	simple := key != ""
	for i := 0; i < len(key); i++ {
		switch key[i] {
		case '.', '[', ']', '*', '?', '(', ')', '@', ',', ':', '$', '=', '<', '>', '!', '&', '|', '\'', '"', '\\',
			' ', '\t', '\n', '\r', '\v', '\f':
			simple = false
		}
	}
	switch {
	case !simple:
		return path + "[" + strconv.Quote(key) + "]"
	case path == "":
		return key
	}
	return path + "." + key
}

// normalise lower-cases s and drops everything but letters and digits:
// "first-name", "firstName" and "first_name" all become "firstname".
func normalise(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
		}
	}
	return b.String()
}

// A suggestField scores leaves for one field.
type suggestField struct {
	name  string
	names map[string]float64 // normalised key -> name score
	// partial is a list of substrings that give a weaker name match.
	partial []string
	// avoid lists substrings of keys that are never this field.
	avoid []string
	// avoidParent lists substrings of parent keys whose values are not
	// the user's (a team's name, a manager's email).
	avoidParent []string
	shape       func(v any) float64 // 0 (impossible) .. 1 (typical)
}

var suggestFields = []suggestField{
	{name: "id",
		names: map[string]float64{"id": 1, "userid": 1, "uid": 0.7, "guid": 0.8, "gid": 0.8, "personid": 0.5, "accountid": 0.6,
			"memberid": 0.8, "teammemberid": 0.8,
			"externalid": 0.4, "employeeid": 0.4, "objectid": 0.7},
		avoid: []string{"node", "org", "tenant", "company", "team", "group", "manager", "role", "type", "request", "project", "image"},
		avoidParent: []string{"node", "org", "tenant", "company", "team", "group", "manager", "role", "type", "request", "project", "image",
			"links", "meta", "credentials", "provider"},
		shape: idShape},
	{name: "email",
		names: map[string]float64{"email": 1, "mail": 0.95, "emailaddr": 1, "emailaddress": 1, "primaryemail": 1, "workemail": 0.95,
			"emails": 0.95, "userprincipalname": 0.7, "upn": 0.6, "username": 0.6, "login": 0.6, "user": 0.3},
		partial:     []string{"email"},
		avoid:       []string{"personal", "second", "alternate", "secondary", "other", "backup", "recovery", "manager", "verified", "visualstudio"},
		avoidParent: []string{"manager", "team", "group", "org", "company"},
		shape:       emailShape},
	{name: "name",
		names: map[string]float64{"displayname": 1, "name": 0.95, "fullname": 1, "full": 0.7, "formatted": 0.8, "login": 0.5,
			"username": 0.5, "nickname": 0.4, "preferredname": 0.5, "githubcomname": 0.9},
		avoid:       []string{"first", "last", "given", "family", "middle", "company", "team", "group", "org", "manager", "file", "domain", "project", "editor", "type"},
		avoidParent: []string{"company", "team", "group", "org", "manager", "project", "provider", "credentials", "type", "links", "roles", "meta"},
		shape:       textShape},
	{name: "first_name",
		names: map[string]float64{"firstname": 1, "givenname": 1, "first": 0.7, "fname": 0.8},
		shape: textShape},
	{name: "last_name",
		names: map[string]float64{"lastname": 1, "familyname": 1, "surname": 1, "last": 0.6, "lname": 0.8},
		shape: textShape},
	{name: "status",
		names: map[string]float64{"status": 1, "userstatus": 1, "accountstatus": 0.95, "state": 0.7, "active": 0.9, "isactive": 0.9,
			"accountenabled": 0.95, "enabled": 0.8, "loginenabled": 0.6, "suspended": 0.7, "suspendedflag": 0.85, "disabled": 0.7,
			"deactivated": 0.7, "locked": 0.5, "deleted": 0.7, "archived": 0.7},
		avoid: []string{"changed", "date", "time", "updated", "reason"},
		shape: statusShape},
	{name: "role",
		names: map[string]float64{"role": 1, "roles": 0.9, "userrole": 1, "persona": 0.6, "personaenumvalue": 0.7, "accesslevel": 0.6,
			"accesslevelid": 0.5, "usertype": 0.6, "seattype": 0.7, "licensetype": 0.5, "roleid": 0.6, "roleids": 0.5},
		avoid: []string{"type", "request"},
		shape: textShape},
	{name: "department",
		names: map[string]float64{"department": 1, "dept": 0.9, "departmentname": 1, "division": 0.6},
		shape: textShape},
	{name: "title",
		names: map[string]float64{"title": 1, "jobtitle": 1, "position": 0.6, "jobtitletitle": 1},
		shape: textShape},
	{name: "last_activity",
		names: map[string]float64{"lastlogin": 1, "lastlogindate": 1, "lastloginat": 1, "lastloginon": 1, "lastactivity": 1,
			"lastactivityat": 1, "lastactivitydate": 1, "lastsignin": 1, "lastsigninat": 1, "lastsignindatetime": 1, "lastsignedin": 0.9,
			"lastseen": 0.9, "lastseenat": 0.9, "lastrequestat": 0.9, "lastaccess": 0.9, "lastaccessed": 0.9, "lastaccessedat": 0.9,
			"lastused": 0.8, "lastusedat": 0.8, "lastactive": 0.9, "lastactiveat": 0.9, "lastsuccessfulsignindatetime": 0.95,
			"lastnoninteractivesignindatetime": 0.7, "lastauthenticatedat": 0.8, "lastlogintime": 1},
		partial: []string{"lastlogin", "lastsign", "lastactiv", "lastseen", "lastaccess", "lastrequest", "lastused"},
		avoid:   []string{"created", "updated", "modified", "changed", "password", "editor", "requestid", "ip", "location", "device", "client"},
		shape:   timeShape},
}

func (f *suggestField) score(l *leaf) float64 {
	for _, a := range f.avoid {
		if strings.Contains(l.key, a) {
			return 0
		}
	}
	for _, a := range f.avoidParent {
		if strings.Contains(l.parent, a) {
			return 0
		}
	}
	// A generic key (persona.enumValue, Dropbox's status[".tag"]) is named
	// by its parent too.
	n := max(f.names[l.key], f.names[l.parent+l.key])
	if l.key == "tag" || l.key == "enumvalue" || l.key == "code" {
		n = max(n, f.names[l.parent])
	}
	if n == 0 {
		for _, p := range f.partial {
			if strings.Contains(l.key, p) {
				n = 0.6
				break
			}
		}
	}
	if n == 0 {
		return 0
	}
	s := f.shape(l.value)
	if s == 0 {
		return 0
	}
	c := n * s
	// Values nested in objects that are not the user (team, type, …) are
	// less likely to be the user's.
	depth := l.depth
	if f.name == "last_activity" && depth > 0 &&
		(strings.Contains(l.parent, "activ") || strings.Contains(l.parent, "signin") || strings.Contains(l.parent, "login")) {
		depth-- // Graph's signInActivity object holds the user's own activity
	}
	for range depth {
		c *= 0.8
	}
	return c
}

func idShape(v any) float64 {
	switch x := v.(type) {
	case string:
		if x == "" || strings.ContainsAny(x, " @") {
			return 0.3
		}
		return 1
	case json.Number, float64:
		return 1
	}
	return 0
}

func emailShape(v any) float64 {
	switch x := v.(type) {
	case string:
		if looksLikeEmail(x) {
			return 1
		}
		if strings.Contains(x, "EMAIL") { // redacted fixtures
			return 0.8
		}
		if x == "" {
			return 0.5
		}
		return 0.25
	case nil:
		return 0.6
	}
	return 0
}

// looksLikeEmail reports whether s is local@domain.tld, roughly.
func looksLikeEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || strings.ContainsAny(s, " \t<>,") || strings.Count(s, "@") != 1 {
		return false
	}
	dot := strings.LastIndexByte(s, '.')
	return dot > at+1 && dot < len(s)-1
}

func textShape(v any) float64 {
	switch x := v.(type) {
	case string:
		if x == "" {
			return 0.5
		}
		if looksLikeEmail(x) {
			return 0.7
		}
		return 1
	case nil:
		return 0.7
	case json.Number, float64:
		return 0.4
	}
	return 0
}

func statusShape(v any) float64 {
	switch x := v.(type) {
	case bool:
		return 1
	case string:
		if x == "true" || x == "false" {
			return 0.8
		}
		for _, w := range []string{"active", "inactive", "suspended", "deprovisioned", "disabled", "enabled", "pending",
			"staged", "provisioned", "locked", "invited", "deleted"} {
			if strings.Contains(strings.ToLower(x), w) {
				return 1
			}
		}
		if len(x) <= 20 && !strings.ContainsAny(x, " @/") {
			return 0.6
		}
		return 0.2
	case json.Number, float64:
		return 0.3
	case nil:
		return 0.5
	}
	return 0
}

func timeShape(v any) float64 {
	switch v.(type) {
	case nil:
		return 0.8 // never logged in, in this sample
	case bool, map[string]any, []any:
		return 0
	}
	if _, _, err := ParseTime(v, ""); err != nil {
		return 0
	}
	return 1
}

// sampleText renders v for Suggestion.Sample.
func sampleText(v any) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		s = x
	case json.Number:
		s = string(x)
	default:
		s = fmt.Sprint(x)
	}
	if len(s) > 60 {
		s = strings.ToValidUTF8(s[:57], "") + "..."
	}
	return s
}
