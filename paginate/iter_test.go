package paginate

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// intPages serves the integers 1..n in pages of size, the cursor being the
// index of the page's first item.
func intPages(n, size int, calls *int) FetchFunc[int] {
	return func(ctx context.Context, cursor string) (Page[int], error) {
		*calls++
		from := 0
		if cursor != "" {
			var err error
			if from, err = strconv.Atoi(cursor); err != nil {
				return Page[int]{}, err
			}
		}
		var p Page[int]
		for i := from; i < n && i < from+size; i++ {
			p.Items = append(p.Items, i+1)
		}
		if from+size < n {
			p.Next = strconv.Itoa(from + size)
		}
		return p, nil
	}
}

func TestAll(t *testing.T) {
	tests := []struct {
		name      string
		n, size   int
		cursor    string
		want      []int
		wantCalls int
	}{
		{name: "empty", n: 0, size: 3, want: nil, wantCalls: 1},
		{name: "one short page", n: 2, size: 3, want: []int{1, 2}, wantCalls: 1},
		{name: "exactly full pages", n: 6, size: 3, want: []int{1, 2, 3, 4, 5, 6}, wantCalls: 2},
		{name: "last page short", n: 7, size: 3, want: []int{1, 2, 3, 4, 5, 6, 7}, wantCalls: 3},
		{name: "resume from cursor", n: 7, size: 3, cursor: "3", want: []int{4, 5, 6, 7}, wantCalls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			seq := All(t.Context(), intPages(tt.n, tt.size, &calls), tt.cursor)
			got, err := Collect(seq)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantCalls, calls)

			// Reusable: a second range starts again from the cursor.
			got, err = Collect(seq)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, 2*tt.wantCalls, calls)
		})
	}
}

func TestPagesNextIsCheckpoint(t *testing.T) {
	calls := 0
	var nexts []string
	for p, err := range Pages(t.Context(), intPages(7, 3, &calls), "") {
		require.NoError(t, err)
		nexts = append(nexts, p.Next)
	}
	assert.Equal(t, []string{"3", "6", ""}, nexts)
}

func TestPagesErrors(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name      string
		fetch     FetchFunc[int]
		cancelAt  int // cancel the context after this many pages (0: never)
		wantItems []int
		wantErr   error
		wantMsg   string
	}{
		{
			name: "fetch error on page 2",
			fetch: func(_ context.Context, c string) (Page[int], error) {
				if c == "" {
					return Page[int]{Items: []int{1}, Next: "b"}, nil
				}
				return Page[int]{}, boom
			},
			wantItems: []int{1},
			wantErr:   boom,
			wantMsg:   "paginate: page 2: boom",
		},
		{
			name: "cursor loop",
			fetch: func(_ context.Context, c string) (Page[int], error) {
				next := map[string]string{"": "a", "a": "b", "b": "a"}[c]
				return Page[int]{Items: []int{len(c)}, Next: next}, nil
			},
			wantItems: []int{0, 1, 1},
			wantErr:   ErrCursorLoop,
			wantMsg:   "paginate: page 3: ",
		},
		{
			name: "cursor loop back to the start",
			fetch: func(_ context.Context, c string) (Page[int], error) {
				return Page[int]{Items: []int{1}, Next: "x"}, nil
			},
			wantItems: []int{1, 1},
			wantErr:   ErrCursorLoop,
		},
		{
			name: "context cancelled before the first page",
			fetch: func(_ context.Context, c string) (Page[int], error) {
				return Page[int]{Items: []int{1}}, nil
			},
			cancelAt: -1,
			wantErr:  context.Canceled,
			wantMsg:  "paginate: page 1: context canceled",
		},
		{
			name: "context cancelled between pages",
			fetch: func(_ context.Context, c string) (Page[int], error) {
				return Page[int]{Items: []int{1}, Next: c + "x"}, nil
			},
			cancelAt:  2,
			wantItems: []int{1, 1},
			wantErr:   context.Canceled,
			wantMsg:   "paginate: page 3: context canceled",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			if tt.cancelAt < 0 {
				cancel()
			}
			var got []int
			pages, errs := 0, 0
			for p, err := range Pages(ctx, tt.fetch, "") {
				if err != nil {
					errs++
					assert.ErrorIs(t, err, tt.wantErr)
					assert.Contains(t, err.Error(), tt.wantMsg)
					assert.Zero(t, p)
					continue
				}
				require.Zero(t, errs, "a page after the error")
				got = append(got, p.Items...)
				if pages++; pages == tt.cancelAt {
					cancel()
				}
			}
			assert.Equal(t, 1, errs)
			assert.Equal(t, tt.wantItems, got)
		})
	}
}

func TestAllEarlyBreak(t *testing.T) {
	calls := 0
	var got []int
	for v, err := range All(t.Context(), intPages(100, 3, &calls), "") {
		require.NoError(t, err)
		got = append(got, v)
		if v == 4 {
			break
		}
	}
	assert.Equal(t, []int{1, 2, 3, 4}, got)
	assert.Equal(t, 2, calls, "no page is fetched after break")
}

func TestAllErrorIsLastWithZeroItem(t *testing.T) {
	fetch := func(_ context.Context, c string) (Page[string], error) {
		if c == "" {
			return Page[string]{Items: []string{"a", "b"}, Next: "2"}, nil
		}
		return Page[string]{}, fmt.Errorf("status 500")
	}
	var vals []string
	var errs []error
	for v, err := range All(t.Context(), fetch, "") {
		vals = append(vals, v)
		errs = append(errs, err)
	}
	assert.Equal(t, []string{"a", "b", ""}, vals)
	require.Len(t, errs, 3)
	assert.NoError(t, errs[0])
	assert.NoError(t, errs[1])
	assert.EqualError(t, errs[2], "paginate: page 2: status 500")

	got, err := Collect(All(t.Context(), fetch, ""))
	assert.Equal(t, []string{"a", "b"}, got)
	assert.EqualError(t, err, "paginate: page 2: status 500")
}
