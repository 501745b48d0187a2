//go:build !unix

package safefile

import "os"

// openRead opens path for reading. Outside unix there is no O_NONBLOCK or
// O_NOFOLLOW: the stat before the open and the stat of the opened file are
// the only checks.
func openRead(path string, noFollow bool) (*os.File, error) {
	return os.Open(path)
}
