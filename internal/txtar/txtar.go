// Package txtar reads and writes the txtar archive format used by the Go
// toolchain's tests: a free-form comment, then files, each introduced by a
// marker line "-- NAME --".
//
//	comment text
//	-- 1.request --
//	GET /users HTTP/1.1
//	-- want.json --
//	[]
//
// A marker line is "-- ", a name without surrounding spaces, and " --" alone
// on a line. Every file's data ends with a newline once formatted. Parse
// never fails: text that is not a marker belongs to the current file (or
// the comment). Archives are plain values, not safe for concurrent
// mutation.
package txtar

import (
	"bytes"
	"strings"
)

// Archive is a parsed txtar file.
type Archive struct {
	Comment []byte
	Files   []File
}

// File is one named section of an archive.
type File struct {
	Name string
	Data []byte
}

var (
	newlineMarker = []byte("\n-- ")
	marker        = []byte("-- ")
	markerEnd     = []byte(" --")
)

// Parse parses data. The returned archive's slices alias data.
func Parse(data []byte) *Archive {
	a := new(Archive)
	var name string
	a.Comment, name, data = findFileMarker(data)
	for name != "" {
		f := File{Name: name}
		f.Data, name, data = findFileMarker(data)
		a.Files = append(a.Files, f)
	}
	return a
}

// Format returns the serialized form of a. A file's data that does not end
// in a newline gets one; so does a non-empty comment.
func Format(a *Archive) []byte {
	var buf bytes.Buffer
	buf.Write(fixNL(a.Comment))
	for _, f := range a.Files {
		buf.WriteString("-- " + f.Name + " --\n")
		buf.Write(fixNL(f.Data))
	}
	return buf.Bytes()
}

// File returns the data of the first file named name.
func (a *Archive) File(name string) (data []byte, ok bool) {
	for _, f := range a.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// Set replaces the data of the first file named name, or appends a new
// file when there is none.
func (a *Archive) Set(name string, data []byte) {
	for i := range a.Files {
		if a.Files[i].Name == name {
			a.Files[i].Data = data
			return
		}
	}
	a.Files = append(a.Files, File{Name: name, Data: data})
}

// findFileMarker finds the next marker line in data and returns the text
// before it, the marker's name, and the text after its line. With no marker
// it returns data, "", nil.
func findFileMarker(data []byte) (before []byte, name string, after []byte) {
	var i int
	for {
		if name, after = isMarker(data[i:]); name != "" {
			return data[:i], name, after
		}
		j := bytes.Index(data[i:], newlineMarker)
		if j < 0 {
			return fixNL(data), "", nil
		}
		i += j + 1 // positioned at start of new possible marker
	}
}

// isMarker reports whether data begins with a marker line, and if so its
// name and the text after the line.
func isMarker(data []byte) (name string, after []byte) {
	if !bytes.HasPrefix(data, marker) {
		return "", nil
	}
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data, after = data[:i], data[i+1:]
	}
	data = bytes.TrimSuffix(data, []byte("\r"))
	if !bytes.HasSuffix(data, markerEnd) || len(data) < len(marker)+len(markerEnd) {
		return "", nil
	}
	name = strings.TrimSpace(string(data[len(marker) : len(data)-len(markerEnd)]))
	return name, after
}

// fixNL returns data with a final newline added when it is non-empty and
// lacks one.
func fixNL(data []byte) []byte {
	if len(data) == 0 || data[len(data)-1] == '\n' {
		return data
	}
	d := make([]byte, len(data)+1)
	copy(d, data)
	d[len(data)] = '\n'
	return d
}
