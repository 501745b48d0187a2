package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

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

type csvWriter struct {
	w      *csv.Writer
	header bool
}

func newCSVWriter(w io.Writer) userWriter { return &csvWriter{w: csv.NewWriter(w)} }

func (w *csvWriter) Write(u saasconnect.User) error {
	if !w.header {
		w.header = true
		if err := w.w.Write(csvColumns); err != nil {
			return err
		}
	}
	return w.w.Write(userRow(u))
}

func (w *csvWriter) Close() error {
	if !w.header {
		w.header = true
		w.w.Write(csvColumns)
	}
	w.w.Flush()
	return w.w.Error()
}

// tableWriter aligns columns, so it buffers rows until Close; it shows the
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
	_, err := fmt.Fprintf(w.tw, "%s\t%s\t%s\t%s\t%s\t%s\n", dash(u.Email), dash(u.Name), dash(string(u.Status)), dash(string(u.Activity)), last, dash(u.ID))
	return err
}

func (w *tableWriter) Close() error { return w.tw.Flush() }
