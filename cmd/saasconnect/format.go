package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/saasconnect/saasconnect"
)

// userWriter writes users in one output format. Close flushes.
type userWriter interface {
	Write(saasconnect.User) error
	Close() error
}

// formats maps --format values to writers.
var formats = map[string]func(io.Writer) userWriter{
	"jsonl": newJSONLWriter,
	"csv":   newCSVWriter,
	"table": newTableWriter,
}

type jsonlWriter struct {
	buf *bufio.Writer
	enc *json.Encoder
}

func newJSONLWriter(w io.Writer) userWriter {
	buf := bufio.NewWriter(w)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &jsonlWriter{buf: buf, enc: enc}
}

func (w *jsonlWriter) Write(u saasconnect.User) error { return w.enc.Encode(u) }
func (w *jsonlWriter) Close() error                   { return w.buf.Flush() }

// csvColumns are the columns of the csv and table formats.
var csvColumns = []string{"id", "email", "name", "first_name", "last_name", "status", "role", "department", "title", "last_activity", "activity", "application", "connector"}

func userRow(u saasconnect.User) []string {
	last := ""
	if !u.LastActivity.IsZero() {
		last = u.LastActivity.Format(time.RFC3339)
	}
	return []string{u.ID, u.Email, u.Name, u.FirstName, u.LastName, string(u.Status), u.Role, u.Department, u.Title, last, string(u.Activity), u.Application, u.Connector}
}

// csvWriter writes RFC 4180 CSV. Unless raw, a cell that a spreadsheet
// would run as a formula (it starts with = + - @, a tab or a carriage
// return) is prefixed with a single quote ('), which spreadsheets show as
// text; --csv-raw turns that off for programs that read the file.
type csvWriter struct {
	w      *csv.Writer
	header bool
	raw    bool
}

func newCSVWriter(w io.Writer) userWriter { return &csvWriter{w: csv.NewWriter(w)} }

// newRawCSVWriter writes CSV with cells exactly as the vendor sent them.
func newRawCSVWriter(w io.Writer) userWriter { return &csvWriter{w: csv.NewWriter(w), raw: true} }

// neutralizeFormula returns s prefixed with ' when a spreadsheet would read
// it as a formula.
func neutralizeFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (w *csvWriter) Write(u saasconnect.User) error {
	if !w.header {
		w.header = true
		if err := w.w.Write(csvColumns); err != nil {
			return err
		}
	}
	row := userRow(u)
	if !w.raw {
		for i := range row {
			row[i] = neutralizeFormula(row[i])
		}
	}
	return w.w.Write(row)
}

func (w *csvWriter) Close() error {
	if !w.header {
		w.header = true
		w.w.Write(csvColumns)
	}
	w.w.Flush()
	return w.w.Error()
}

// tableWriter aligns columns of vendor text with control characters escaped
// (see escapeText), so a value can neither drive the terminal nor start a
// row or column of its own, so it buffers rows until Close; it shows the
// columns a person reads first.
type tableWriter struct {
	tw *tabwriter.Writer
	n  int
}

func newTableWriter(w io.Writer) userWriter {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tSTATUS\tACTIVITY\tLAST ACTIVITY\tID")
	return &tableWriter{tw: tw}
}

func (w *tableWriter) Write(u saasconnect.User) error {
	w.n++
	last := "-"
	if !u.LastActivity.IsZero() {
		last = u.LastActivity.Format("2006-01-02 15:04")
	}
	_, err := fmt.Fprintf(w.tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cell(u.Email), cell(u.Name), cell(string(u.Status)), cell(string(u.Activity)), last, cell(u.ID))
	return err
}

func (w *tableWriter) Close() error { return w.tw.Flush() }

// cell is a table cell: "-" for nothing, else s with control characters
// escaped.
func cell(s string) string { return dash(escapeText(s)) }

// escapeText returns s with every character that could drive a terminal or
// forge a line or column escaped Go-style: C0 and C1 controls (ESC, CR, LF,
// tab, ...) as \n, \t, \x1b or \u009b, bidirectional and line-separator
// format characters as \u202e, and invalid UTF-8 bytes as \xff. Other text,
// non-ASCII letters included, is kept.
func escapeText(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				fmt.Fprintf(&b, `\x%02x`, s[i])
				continue
			}
		}
		if !escapedRune(r) {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRuneToASCII(r) // '\n', '\x1b', '\u202e'
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}

// escapeLines is escapeText for multi-line messages (errors.Join): line
// breaks are kept, and every line after the first is indented, so a line
// break inside a vendor's text cannot forge a line of its own.
func escapeLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = escapeText(l)
	}
	return strings.Join(lines, "\n  ")
}

func needsEscape(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || escapedRune(r) {
			return true
		}
	}
	return false
}

func escapedRune(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r >= 0x200e && r <= 0x200f, r >= 0x2028 && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true // direction marks, line and paragraph separators, embeddings and isolates
	}
	return false
}
