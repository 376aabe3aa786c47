package redistest

import "syscall"

// sysProcAttr has the kernel kill the server if the test binary dies
// without running its cleanups (a panic or a -timeout), so no server is
// left behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
