package flexera

import (
	"fmt"
	"testing"
)

func BenchmarkEncodeFiles(b *testing.B) {
	for _, limit := range []int64{DefaultMaxFileSize, 1 << 40} {
		b.Run(fmt.Sprint(limit), func(b *testing.B) { benchEncode(b, limit) })
	}
}

func benchEncode(b *testing.B, limit int64) {
	recs := genRecords(200000, false)
	b.ResetTimer()
	for b.Loop() {
		files := 0
		_ = encodeFiles(recs, limit, func(f encodedFile) error { files++; return nil })
		b.ReportMetric(float64(files), "files")
	}
}
