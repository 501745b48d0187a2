//go:build unix

package safefile

import (
	"os"
	"syscall"
)

// openRead opens path for reading without blocking on a FIFO that replaced
// the file after the stat (O_NONBLOCK has no effect on regular files), and
// without following a final symbolic link when noFollow is set.
func openRead(path string, noFollow bool) (*os.File, error) {
	flag := os.O_RDONLY | syscall.O_NONBLOCK
	if noFollow {
		flag |= syscall.O_NOFOLLOW
	}
	return os.OpenFile(path, flag, 0)
}
