package flexera

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

func genRecords(n int, compressible bool) []RosterRecord {
	r := rand.New(rand.NewPCG(1, 2))
	word := func() string {
		if compressible {
			return "name"
		}
		var b strings.Builder
		for range 12 + r.IntN(20) {
			b.WriteByte(byte('a' + r.IntN(26)))
		}
		return b.String()
	}
	out := make([]RosterRecord, n)
	for i := range out {
		email := fmt.Sprintf("%s.%d@example.com", word(), i)
		out[i] = RosterRecord{UniqueID: email, Email: email, FirstName: word(), LastName: word(), ActivatedAt: "2026-01-02T03:04:05.000Z"}
	}
	return out
}

func TestEncodeFilesSplitsByCompressedSize(t *testing.T) {
	tests := []struct {
		name         string
		records      int
		compressible bool
		max          int64
		minFiles     int
	}{
		{"incompressible 1 KiB", 200, false, 1024, 20},
		{"incompressible 4 KiB", 2000, false, 4096, 30},
		{"compressible 2 KiB", 3000, true, 2048, 2},
		{"fits one file", 50, false, DefaultMaxFileSize, 1},
		{"large 64 KiB", 5000, false, 64 << 10, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			recs := genRecords(tt.records, tt.compressible)
			var files []encodedFile
			var maxLine int
			for _, r := range recs {
				b, _ := json.Marshal(r)
				maxLine = max(maxLine, len(b)+1)
			}
			err := encodeFiles(recs, tt.max, func(f encodedFile) error {
				f.data = bytes.Clone(f.data)
				files = append(files, f)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(files) < tt.minFiles {
				t.Fatalf("%d files, want at least %d", len(files), tt.minFiles)
			}
			next := 0
			for i, f := range files {
				if int64(len(f.data)) >= tt.max {
					t.Errorf("file %d: %d bytes, limit %d", i+1, len(f.data), tt.max)
				}
				// Closed only when the next record really did not fit: the
				// file is within one record (plus gzip framing) of the limit.
				if i < len(files)-1 && int64(len(f.data)) < tt.max-int64(maxLine)-160 {
					t.Errorf("file %d: %d bytes, closed too early for limit %d (max line %d)", i+1, len(f.data), tt.max, maxLine)
				}
				if f.index != i+1 || f.first != next {
					t.Errorf("file %d: index %d first %d, want %d %d", i+1, f.index, f.first, i+1, next)
				}
				zr, err := gzip.NewReader(bytes.NewReader(f.data))
				if err != nil {
					t.Fatal(err)
				}
				plain, err := io.ReadAll(zr)
				if err != nil {
					t.Fatalf("file %d: %v", i+1, err)
				}
				lines := strings.Split(strings.TrimSuffix(string(plain), "\n"), "\n")
				if len(lines) != f.count {
					t.Fatalf("file %d: %d lines, count %d", i+1, len(lines), f.count)
				}
				for j, line := range lines {
					var got RosterRecord
					if err := json.Unmarshal([]byte(line), &got); err != nil || !reflect.DeepEqual(got, recs[next+j]) {
						t.Fatalf("file %d line %d: %q (%v), want record %d", i+1, j+1, line, err, next+j)
					}
				}
				next += f.count
			}
			if next != len(recs) {
				t.Fatalf("%d records in files, want %d", next, len(recs))
			}
		})
	}
}

func TestEncodeFilesRecordTooLarge(t *testing.T) {
	recs := genRecords(3, false)
	recs[1].LastName = strings.Repeat("x", 2000)
	err := encodeFiles(recs, 1024, func(encodedFile) error { return nil })
	if !errors.Is(err, ErrRecordTooLarge) || !strings.Contains(err.Error(), recs[1].UniqueID) {
		t.Fatalf("err = %v, want ErrRecordTooLarge naming %s", err, recs[1].UniqueID)
	}
	if err := encodeFiles(genRecords(1, false), 40, func(encodedFile) error { return nil }); !errors.Is(err, ErrRecordTooLarge) {
		t.Fatalf("first record too large: %v", err)
	}
}

func TestEncodeFilesEmitErrorStops(t *testing.T) {
	boom := errors.New("boom")
	calls := 0
	err := encodeFiles(genRecords(500, false), 1024, func(encodedFile) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Fatalf("err = %v after %d calls", err, calls)
	}
}

func TestDefaultMaxFileSizeUnderTenMB(t *testing.T) {
	if DefaultMaxFileSize > 10_000_000 {
		t.Fatalf("DefaultMaxFileSize %d is not under 10 MB", DefaultMaxFileSize)
	}
}
