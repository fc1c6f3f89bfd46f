package atomicfile

import (
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// openAnonymous opens an unnamed file in dir (O_TMPFILE): it has no name
// until linkAnonymous gives it one, so a process killed before that leaves
// nothing behind. ok is false when the kernel, the file system or a missing
// /proc cannot do it, and the caller falls back to a named temporary file.
func openAnonymous(dir string, perm os.FileMode) (f *os.File, ok bool, err error) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		return nil, false, nil // linkat through /proc is impossible
	}
	fd, err := unix.Open(dir, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, uint32(perm.Perm()))
	switch {
	case err == nil:
		return os.NewFile(uintptr(fd), dir+"/(unnamed)"), true, nil
	case errors.Is(err, unix.EOPNOTSUPP), errors.Is(err, unix.EISDIR), errors.Is(err, unix.EINVAL):
		return nil, false, nil // no O_TMPFILE here
	default:
		return nil, false, &os.PathError{Op: "open", Path: dir, Err: err}
	}
}

// linkAnonymous gives the unnamed file f the name path. Like link(2) it
// fails with EEXIST, and never replaces, when path exists. linkat with
// AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH; the /proc/self/fd path
// with AT_SYMLINK_FOLLOW needs nothing.
func linkAnonymous(f *os.File, path string) error {
	src := "/proc/self/fd/" + strconv.Itoa(int(f.Fd()))
	if err := unix.Linkat(unix.AT_FDCWD, src, unix.AT_FDCWD, path, unix.AT_SYMLINK_FOLLOW); err != nil {
		return &os.LinkError{Op: "linkat", Old: src, New: path, Err: err}
	}
	return nil
}
