package connector

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/saasconnect/saasconnect/internal/jsonpath"
)

// The values of response.records_as.
const (
	// RecordsAsArray: records_path holds an array of records (the default).
	RecordsAsArray = "array"
	// RecordsAsValues: records_path holds an object keyed by id (Slack's
	// billable_info); its values are the records, in key order, and each
	// record's key is readable at the path "$key".
	RecordsAsValues = "values"
)

// RecordKey is the record key that holds, with records_as "values", the
// key of the object entry a record came from; the path "$key" reads it.
const RecordKey = jsonpath.KeyName

// decodeValues decodes one page whose records are the values of the object
// at records (records_as "values"). It decodes fully (decodePage, which
// returns the document with the error it gives for an object where an
// array was expected) and takes the object's values, sorted by key, each an
// object that gets its key at RecordKey. With keepRaw, a record's raw bytes
// are its value re-encoded, without RecordKey.
func decodeValues(body io.Reader, limit int64, records *jsonpath.Path, keepRaw bool) (decodedPage, error) {
	page, err := decodePage(body, limit, records, false)
	var rpe *RecordsPathError
	switch {
	case err == nil && page.Records != nil:
		return decodedPage{Body: page.Body, Size: page.Size},
			fmt.Errorf("records_path `%s` holds a JSON array, not an object of records keyed by id (response.records_as is values)", records)
	case err == nil:
		return page, nil // null: no records
	case !errors.As(err, &rpe) || rpe.Kind != "object":
		return page, err
	}
	obj, _ := records.Get(page.Body)
	recs, raw, err := recordValues(obj.(map[string]any), records.String(), keepRaw)
	page.Records, page.Raw = recs, raw
	return page, err
}

// recordValues returns the values of obj as records, sorted by key, each
// with its key at RecordKey, and with keepRaw their encodings.
func recordValues(obj map[string]any, path string, keepRaw bool) ([]any, []json.RawMessage, error) {
	if len(obj) == 0 {
		return nil, nil, nil
	}
	recs := make([]any, 0, len(obj))
	var raw []json.RawMessage
	for _, k := range sortedKeys(obj) {
		rec, ok := obj[k].(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("records_path `%s` (records_as values): the value at key %q is a JSON %s, not an object", path, k, jsonKind(obj[k]))
		}
		if keepRaw {
			b, err := json.Marshal(rec)
			if err != nil {
				return nil, nil, fmt.Errorf("record %q: %w", k, err)
			}
			raw = append(raw, b)
		}
		rec[RecordKey] = k
		recs = append(recs, rec)
	}
	return recs, raw, nil
}
