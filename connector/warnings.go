package connector

import "errors"

// ErrDeprecated is wrapped by every problem [Template.Warnings] reports.
var ErrDeprecated = errors.New("deprecated")

// Warnings reports what in t still works but is deprecated, one
// *TemplateError per place, each wrapping ErrDeprecated and naming what to
// write instead; nil when there is nothing. It does not validate t (see
// Validate), and is safe for concurrent use on an unmodified t.
//
// Deprecated today: the response.fields.last_activity alias, which
// activity.last_activity_field replaces.
func (t Template) Warnings() []error {
	var out []error
	if _, ok := t.Response.Fields["last_activity"]; ok {
		out = append(out, &TemplateError{Path: "response.fields.last_activity",
			Err: deprecated("move this path to activity.last_activity_field (the alias still works)")})
	}
	return out
}

// deprecatedError is an ErrDeprecated problem with its advice.
type deprecatedError struct{ advice string }

func deprecated(advice string) error     { return &deprecatedError{advice} }
func (e *deprecatedError) Error() string { return "deprecated: " + e.advice }
func (e *deprecatedError) Unwrap() error { return ErrDeprecated }
