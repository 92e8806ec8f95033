//go:build unix

package e2e

import (
	"math"
	"syscall"
)

// freeBytes is the space left for an unprivileged writer in dir's file
// system, or the most there is when that cannot be told.
func freeBytes(dir string) uint64 {
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return math.MaxUint64
	}
	return fs.Bavail * uint64(fs.Bsize)
}
