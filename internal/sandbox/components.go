package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// components are the processes kwokctl's binary runtime starts for a
// cluster; it keeps their pids in pids/NAME.pid and their output in
// logs/NAME.log.
var components = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller", "metrics-server"}

// deadComponent returns the first component of the cluster, other than
// those in ignore, whose process has exited (or is a zombie), with the tail
// of its log, or "" when all recorded processes live. Components without a
// pid file (not started, or stopped) are not reported.
func (m *Manager) deadComponent(name string, ignore ...string) (component, logTail string) {
	dir := m.clusterDir(name)
	for _, c := range components {
		if slices.Contains(ignore, c) {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, "pids", c+".pid"))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil || m.componentAlive(name, c, pid) {
			continue
		}
		log, _ := os.ReadFile(filepath.Join(dir, "logs", c+".log"))
		return c, lastLines(string(log), 10)
	}
	return "", ""
}

// componentAlive reports whether pid is a live process of the cluster's
// component: after a reboot a pid file may name an unrelated process, which
// kwokctl would take for the component and never start it.
func (m *Manager) componentAlive(name, component string, pid int) bool {
	if !processAlive(pid) {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(cmdline) == 0 {
		// No /proc, or a process in the middle of exec (its arguments
		// read empty for a moment): trust the signal check.
		return true
	}
	// The binary names itself first; a script names its interpreter first
	// and itself second (until it execs what it wraps), and must not count
	// as dead in that window.
	path := filepath.Join(m.clusterDir(name), "bin", component)
	args := bytes.SplitN(cmdline, []byte{0}, 3)
	return string(args[0]) == path || len(args) > 1 && string(args[1]) == path
}

// processAlive reports whether pid is a running process. A zombie (exited,
// not yet reaped by its parent) counts as dead.
func processAlive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // no /proc: trust the signal check
	}
	// Format: "PID (COMM) STATE ...", COMM may contain spaces or ')'.
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

// removeStalePIDs deletes the pid files of components whose process has
// exited. kwokctl treats them as stopped either way; removing them keeps a
// crash from before this start from looking like one during it.
func (m *Manager) removeStalePIDs(name string) {
	dir := filepath.Join(m.clusterDir(name), "pids")
	for _, c := range components {
		path := filepath.Join(dir, c+".pid")
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if pid, err := strconv.Atoi(strings.TrimSpace(string(raw))); err != nil || !m.componentAlive(name, c, pid) {
			_ = os.Remove(path)
		}
	}
}

// kwokctlWatched runs a kwokctl command that starts components and stops it
// as soon as one of them, other than those in ignore, exits: kwokctl itself
// would wait two minutes for an API server that cannot come up.
func (m *Manager) kwokctlWatched(ctx context.Context, name string, ignore []string, args ...string) error {
	m.removeStalePIDs(name)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	done := make(chan struct{})
	defer close(done)
	go func() {
		t := time.NewTicker(pollInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if c, logTail := m.deadComponent(name, ignore...); c != "" {
					cancel(&componentExitedError{component: c, logTail: logTail})
					return
				}
			}
		}
	}()
	_, err := m.kwokctl(ctx, name, args...)
	var exited *componentExitedError
	if cause := context.Cause(ctx); errors.As(cause, &exited) {
		return fmt.Errorf("%w (logs in %s)", cause, filepath.Join(m.clusterDir(name), "logs"))
	}
	return err
}
