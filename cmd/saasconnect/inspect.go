package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/saasconnect/saasconnect/connector"
	"github.com/saasconnect/saasconnect/internal/safefile"
	"github.com/saasconnect/saasconnect/mapping"
	"github.com/saasconnect/saasconnect/vendors"
)

// cmdVendors prints the prebuilt vendors.
func cmdVendors(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "vendors")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tSUPPORT\tAUTH\tPAGINATION\tLAST ACTIVITY")
	for _, t := range vendors.List() {
		last := t.Activity.LastActivityField
		if last == "" {
			last = "-"
		}
		pagination := string(t.Pagination.Type)
		if t.Source == connector.SourceLDAP {
			pagination = "ldap paged results"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.Slug, t.Name, t.Support, authLabel(t), pagination, last)
	}
	return tw.Flush()
}

func authLabel(t connector.Template) string {
	if t.Source == connector.SourceLDAP {
		return "ldap simple bind"
	}
	return t.Auth.Label()
}

// cmdValidate prints every problem of a template, one per line.
func cmdValidate(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "validate")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one template FILE")
	}
	path := fs.Arg(0)
	data, err := safefile.ReadFile(ctx, path)
	if err != nil {
		return err
	}
	t, err := connector.ParseTemplate(data)
	if err == nil {
		err = t.Validate()
		for _, w := range t.Warnings() {
			fmt.Fprintf(e.stderr, "%s: warning: %v\n", path, w)
		}
	}
	if err == nil {
		fmt.Fprintf(e.stdout, "%s: ok (resources: %s)\n", path, strings.Join(templateResources(t), ", "))
		return nil
	}
	problems := splitErrors(err)
	for _, p := range problems {
		fmt.Fprintf(e.stdout, "%s: %v\n", path, p)
	}
	fmt.Fprintf(e.stderr, "%s: %d problem(s)\n", path, len(problems))
	return errReported
}

// splitErrors flattens an errors.Join tree into its leaves.
func splitErrors(err error) []error {
	var j interface{ Unwrap() []error }
	if errors.As(err, &j) && err == j.(error) {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, splitErrors(e)...)
		}
		return out
	}
	return []error{err}
}

// cmdSettings prints the template's description (when it has one) as a
// first line, then the settings it needs, then the resources it declares
// when there are more than users.
func cmdSettings(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "settings")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one template FILE or vendor SLUG")
	}
	t, err := loadTemplateArg(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	if d := strings.Join(strings.Fields(t.Description), " "); d != "" {
		fmt.Fprintf(e.stdout, "%s\n\n", d)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SETTING\tREQUIRED\tSECRET\tDEFAULT\tENVIRONMENT\tDESCRIPTION")
	for _, s := range t.Settings() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, yesNo(s.Required), yesNo(s.Secret), dash(s.Default), envName(s.Name), s.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if res := templateResources(t); len(res) > 1 {
		fmt.Fprintf(e.stdout, "\nresources: %s (run --resource NAME or all)\n", strings.Join(res, ", "))
	}
	return nil
}

// templateResources names the listings t declares, users first, in the
// order run --resource all runs them.
func templateResources(t connector.Template) []string {
	out := []string{string(connector.ResourceUsers)}
	for _, l := range []struct {
		r    connector.Resource
		spec *connector.ListingSpec
	}{{connector.ResourceLicenses, t.Licenses}, {connector.ResourceApplications, t.Applications}, {connector.ResourceAssignments, t.Assignments}} {
		if l.spec != nil {
			out = append(out, string(l.r))
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cmdSuggest proposes a response.fields mapping for a sample record.
func cmdSuggest(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "suggest")
	sample := fs.String("sample", "", "a JSON `FILE` holding one vendor record (or a page; the first record is used)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *sample == "" || fs.NArg() > 0 {
		return usagef("want --sample FILE")
	}
	data, err := safefile.ReadFile(ctx, *sample)
	if err != nil {
		return err
	}
	rec, err := decodeSample(data)
	if err != nil {
		return fmt.Errorf("%s: %w", *sample, err)
	}
	suggestions := mapping.Suggest(rec)
	if len(suggestions) == 0 {
		return fmt.Errorf("%s: no field looks like a user field", *sample)
	}
	tw := tabwriter.NewWriter(e.stderr, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIELD\tPATH\tCONFIDENCE")
	fields := map[string]string{}
	activity := ""
	for _, s := range suggestions {
		fmt.Fprintf(tw, "%s\t%s\t%.2f\n", s.Field, s.Path, s.Confidence)
		if s.Field == "last_activity" {
			activity = s.Path
			continue
		}
		fields[s.Field] = s.Path
	}
	tw.Flush()
	out := map[string]any{"response": map[string]any{"fields": fields}}
	if activity != "" {
		out["activity"] = map[string]any{"type": "user", "last_activity_field": activity}
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// decodeSample decodes a sample record: an object, or the first object of an
// array, or the first array-of-objects value of an object page.
func decodeSample(data []byte) (any, error) {
	var v any
	if err := decodeJSON(data, &v); err != nil {
		return nil, err
	}
	switch x := v.(type) {
	case []any:
		if len(x) == 0 {
			return nil, errors.New("sample is an empty array")
		}
		return x[0], nil
	case map[string]any:
		return x, nil
	}
	return nil, errors.New("sample is not a JSON object or array")
}
