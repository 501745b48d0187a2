package connector

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// duplicateKeys reports every key that appears twice in one JSON object of
// data, as a *TemplateError at the key's path naming the byte offset of the
// second occurrence. encoding/json silently keeps the last value of a repeated
// key, which would hide a template mistake; data must be valid JSON.
func duplicateKeys(data []byte) []error {
	type frame struct {
		object bool
		path   string
		keys   map[string]bool
		index  int    // next array index
		key    string // last key read, while its value is pending
		keyed  bool   // an object whose key was read and whose value is next
	}
	var (
		errs  []error
		stack []*frame
	)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	// childPath is the path of the value about to be read.
	childPath := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		if top.object {
			return joinPath(top.path, top.key)
		}
		return fmt.Sprintf("%s[%d]", top.path, top.index)
	}
	// valueDone marks the pending value of the top frame as read.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := stack[len(stack)-1]
		if top.object {
			top.keyed = false
		} else {
			top.index++
		}
	}
	for {
		offset := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return errs // io.EOF, or invalid JSON that ParseTemplate reports itself
		}
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			if key, ok := tok.(string); ok && top.object && !top.keyed {
				if top.keys[key] {
					off := offset + int64(len(data[offset:])-len(bytes.TrimLeft(data[offset:], " \t\r\n,")))
					errs = append(errs, &TemplateError{Path: joinPath(top.path, key),
						Err: fmt.Errorf("duplicate key at byte offset %d (%s): JSON keeps only the last value", off, lineCol(data, off))})
				}
				top.keys[key] = true
				top.key, top.keyed = key, true
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, path: childPath(), keys: map[string]bool{}})
		case json.Delim('['):
			stack = append(stack, &frame{path: childPath()})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			valueDone()
		default:
			valueDone()
		}
	}
}
