//go:build !unix

package flexera

import "os"

// tryLock takes no lock outside unix (see LockState).
func tryLock(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) error { return nil }
