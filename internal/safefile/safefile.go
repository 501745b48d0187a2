// Package safefile reads the files saasconnect is pointed at (templates,
// schedule configurations, Flexera state, CA bundles, samples) with the same
// rules everywhere: only regular files, at most MaxSize bytes, and the read
// stops when its context is cancelled.
//
// A path that names a device (/dev/zero), a FIFO, a socket or a directory is
// refused before it is read, so a read can neither grow memory without bound
// nor block forever. The type is checked twice: with a stat of the path
// before it is opened (a FIFO is never opened) and with a stat of the opened
// file (the path cannot be swapped in between).
//
// The functions are safe for concurrent use.
package safefile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// MaxSize is the largest file the functions read: 16 MiB. Templates, state
// files and CA bundles are far smaller; a larger file is refused.
const MaxSize = 16 << 20

// ErrNotRegular is returned (wrapped in an *fs.PathError) for a path that is not
// a regular file: a device, FIFO, socket, directory, or, for ReadNoFollow, a
// symbolic link.
var ErrNotRegular = errors.New("not a regular file")

// ErrTooLarge is returned (wrapped in an *fs.PathError) for a file larger than
// the limit.
var ErrTooLarge = errors.New("file too large")

// chunk is how much is read between two checks of the context.
const chunk = 256 << 10

// ReadFile reads the regular file at path (a symbolic link is followed) and
// returns its content. It fails with an error wrapping ErrNotRegular for
// anything but a regular file, ErrTooLarge beyond MaxSize bytes, ctx.Err()
// when ctx ends during the read (checked between chunks of 256 KiB, so a
// small file is read whole), or the *fs.PathError of the open or read
// (errors.Is(err, fs.ErrNotExist) for a missing file).
func ReadFile(ctx context.Context, path string) ([]byte, error) {
	return read(ctx, path, MaxSize, false)
}

// ReadNoFollow is ReadFile for a file that must not be a symbolic link: a
// link is refused with ErrNotRegular, whatever it points to.
func ReadNoFollow(ctx context.Context, path string) ([]byte, error) {
	return read(ctx, path, MaxSize, true)
}

// ReadLimit is ReadFile with a smaller (or larger) limit than MaxSize.
func ReadLimit(ctx context.Context, path string, limit int64) ([]byte, error) {
	return read(ctx, path, limit, false)
}

func read(ctx context.Context, path string, limit int64, noFollow bool) ([]byte, error) {
	stat := os.Stat
	if noFollow {
		stat = os.Lstat
	}
	fi, err := stat(path)
	if err != nil {
		return nil, err
	}
	if err := check(path, fi, limit); err != nil {
		return nil, err
	}
	f, err := openRead(path, noFollow)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(path, fi, limit); err != nil {
		return nil, err
	}
	out := make([]byte, 0, min(fi.Size(), limit)+1)
	buf := make([]byte, chunk)
	for {
		n, err := f.Read(buf)
		out = append(out, buf[:n]...)
		if int64(len(out)) > limit {
			return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (more than %d bytes)", ErrTooLarge, limit)}
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if n == len(buf) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
	}
}

// check refuses anything but a regular file of at most limit bytes.
func check(path string, fi fs.FileInfo, limit int64) error {
	if !fi.Mode().IsRegular() {
		return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(fi.Mode()))}
	}
	if fi.Size() > limit {
		return &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w (%d bytes, the limit is %d)", ErrTooLarge, fi.Size(), limit)}
	}
	return nil
}

// kind names a file mode's type for error messages.
func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}
