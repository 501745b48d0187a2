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

// recordWriter writes records of one type in one output format. Close
// flushes.
type recordWriter[T any] interface {
	Write(T) error
	Close() error
}

// userWriter writes users in one output format.
type userWriter = recordWriter[saasconnect.User]

// formats maps --format values to writers.
var formats = map[string]func(io.Writer) userWriter{
	"jsonl": newJSONLWriter,
	"csv":   newCSVWriter,
	"table": newTableWriter,
}

// layout is how a record type is shown in the csv and table formats: the
// CSV header and row, and the table header and row (cells are escaped by
// the table writer).
type layout[T any] struct {
	columns   []string
	row       func(T) []string
	tableHead []string
	tableRow  func(T) []string
}

// newRecordWriter returns the writer of format ("jsonl", "csv" or "table")
// for records laid out by l; csvRaw writes CSV cells verbatim.
func newRecordWriter[T any](format string, csvRaw bool, l layout[T], w io.Writer) recordWriter[T] {
	switch format {
	case "csv":
		return &csvWriter[T]{w: csv.NewWriter(w), raw: csvRaw, columns: l.columns, row: l.row}
	case "table":
		return newTableOf(w, l.tableHead, l.tableRow)
	}
	return newJSONLOf[T](w)
}

type jsonlWriter[T any] struct {
	buf *bufio.Writer
	enc *json.Encoder
}

func newJSONLOf[T any](w io.Writer) *jsonlWriter[T] {
	buf := bufio.NewWriter(w)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	return &jsonlWriter[T]{buf: buf, enc: enc}
}

func newJSONLWriter(w io.Writer) userWriter { return newJSONLOf[saasconnect.User](w) }

func (w *jsonlWriter[T]) Write(v T) error { return w.enc.Encode(v) }
func (w *jsonlWriter[T]) Close() error    { return w.buf.Flush() }

// csvColumns are the columns of the csv and table formats.
var csvColumns = []string{"id", "email", "name", "first_name", "last_name", "status", "role", "department", "title", "last_activity", "activity", "application", "connector"}

func userRow(u saasconnect.User) []string {
	return []string{u.ID, u.Email, u.Name, u.FirstName, u.LastName, string(u.Status), u.Role, u.Department, u.Title, rfc3339(u.LastActivity), string(u.Activity), u.Application, u.Connector}
}

// rfc3339 formats t as RFC 3339, "" for the zero time.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339)
}

// shortTime formats t for a table, "-" for the zero time.
func shortTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02 15:04")
}

// count formats an optional count, "" when unknown.
func count(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// userLayout is the users' csv and table layout.
var userLayout = layout[saasconnect.User]{
	columns:   csvColumns,
	row:       userRow,
	tableHead: []string{"EMAIL", "NAME", "STATUS", "ACTIVITY", "LAST ACTIVITY", "ID"},
	tableRow: func(u saasconnect.User) []string {
		return []string{u.Email, u.Name, string(u.Status), string(u.Activity), shortTime(u.LastActivity), u.ID}
	},
}

// licenseLayout is the licenses' csv and table layout.
var licenseLayout = layout[saasconnect.License]{
	columns: []string{"id", "name", "product", "total", "assigned", "connector"},
	row: func(l saasconnect.License) []string {
		return []string{l.ID, l.Name, l.Product, count(l.Total), count(l.Assigned), l.Connector}
	},
	tableHead: []string{"NAME", "PRODUCT", "TOTAL", "ASSIGNED", "ID"},
	tableRow: func(l saasconnect.License) []string {
		return []string{l.Name, l.Product, count(l.Total), count(l.Assigned), l.ID}
	},
}

// applicationLayout is the applications' csv and table layout.
var applicationLayout = layout[saasconnect.Application]{
	columns: []string{"id", "name", "label", "status", "sign_on_mode", "created", "last_used", "assigned_users", "connector"},
	row: func(a saasconnect.Application) []string {
		return []string{a.ID, a.Name, a.Label, a.Status, a.SignOnMode, rfc3339(a.Created), rfc3339(a.LastUsed), count(a.AssignedUsers), a.Connector}
	},
	tableHead: []string{"NAME", "LABEL", "STATUS", "SIGN-ON", "LAST USED", "USERS", "ID"},
	tableRow: func(a saasconnect.Application) []string {
		return []string{a.Name, a.Label, a.Status, a.SignOnMode, shortTime(a.LastUsed), count(a.AssignedUsers), a.ID}
	},
}

// assignmentLayout is the assignments' csv and table layout.
var assignmentLayout = layout[saasconnect.Assignment]{
	columns: []string{"kind", "target_id", "user_id", "user_email", "last_used", "connector"},
	row: func(a saasconnect.Assignment) []string {
		return []string{a.Kind, a.TargetID, a.UserID, a.UserEmail, rfc3339(a.LastUsed), a.Connector}
	},
	tableHead: []string{"KIND", "TARGET", "USER ID", "USER EMAIL", "LAST USED"},
	tableRow: func(a saasconnect.Assignment) []string {
		return []string{a.Kind, a.TargetID, a.UserID, a.UserEmail, shortTime(a.LastUsed)}
	},
}

// csvWriter writes RFC 4180 CSV. Unless raw, a cell that a spreadsheet
// would run as a formula (it starts with = + - @, a tab or a carriage
// return) is prefixed with a single quote ('), which spreadsheets show as
// text; --csv-raw turns that off for programs that read the file.
type csvWriter[T any] struct {
	w       *csv.Writer
	header  bool
	raw     bool
	columns []string
	row     func(T) []string
}

func newCSVWriter(w io.Writer) userWriter {
	return newRecordWriter("csv", false, userLayout, w)
}

// newRawCSVWriter writes CSV with cells exactly as the vendor sent them.
func newRawCSVWriter(w io.Writer) userWriter {
	return newRecordWriter("csv", true, userLayout, w)
}

// neutralizeFormula returns s prefixed with ' when a spreadsheet would read
// it as a formula.
func neutralizeFormula(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func (w *csvWriter[T]) Write(v T) error {
	if !w.header {
		w.header = true
		if err := w.w.Write(w.columns); err != nil {
			return err
		}
	}
	row := w.row(v)
	if !w.raw {
		for i := range row {
			row[i] = neutralizeFormula(row[i])
		}
	}
	return w.w.Write(row)
}

func (w *csvWriter[T]) Close() error {
	if !w.header {
		w.header = true
		w.w.Write(w.columns)
	}
	w.w.Flush()
	return w.w.Error()
}

// tableWriter aligns columns of vendor text with control characters escaped
// (see escapeText), so a value can neither drive the terminal nor start a
// row or column of its own, so it buffers rows until Close; it shows the
// columns a person reads first.
type tableWriter[T any] struct {
	tw  *tabwriter.Writer
	row func(T) []string
	n   int
}

func newTableOf[T any](w io.Writer, head []string, row func(T) []string) *tableWriter[T] {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	return &tableWriter[T]{tw: tw, row: row}
}

func newTableWriter(w io.Writer) userWriter { return newRecordWriter("table", false, userLayout, w) }

func (w *tableWriter[T]) Write(v T) error {
	w.n++
	row := w.row(v)
	for i := range row {
		row[i] = cell(row[i])
	}
	_, err := fmt.Fprintln(w.tw, strings.Join(row, "\t"))
	return err
}

func (w *tableWriter[T]) Close() error { return w.tw.Flush() }

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
