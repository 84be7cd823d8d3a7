package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// stepNice is the scheduling priority of a step's processes: below the
// server's, so a busy build does not starve the API and the controllers.
const stepNice = 10

// proc is a command run as its own process group.
type proc struct {
	argv []string
	env  []string
	dir  string
	out  io.Writer
	// record is the file that names the group while it runs (see
	// killLeftovers).
	record string
	// container, when set, is a podman container the command runs: it is
	// recorded too, and stopped with podman on abort.
	container string
	// stop, when set, is called once when ctx ends, beside the signals.
	stop func()
	// cgroups the command runs in (limits), recorded too.
	cgroups []string
}

// ended is how a proc ended: its exit code (128+signal when killed, as
// shells report it) and whether ctx ended it.
type ended struct {
	code     int
	ctxEnded error
}

// record is what a run/ file says of a running step.
type record struct {
	PGID int `json:"pgid"`
	// Boot and Start (the leader's start time in clock ticks since boot)
	// tell a group of this boot from a later one that reused the number.
	Boot      string   `json:"boot"`
	Start     uint64   `json:"start"`
	Container string   `json:"container,omitempty"`
	Cgroups   []string `json:"cgroups,omitempty"`
}

// run runs p to its end. Its processes form one group, niced, with
// SIGKILL as their leader's parent-death signal; when ctx ends, the group
// gets SIGTERM and, KillGrace later, SIGKILL. When the leader exits by
// itself, what it left in the group (a daemon, a `sleep &`) is stopped the
// same way: a step leaves nothing running. Output of the whole group goes
// to p.out through one pipe, read until every holder of it is gone.
func (e *Engine) run(ctx context.Context, p proc) (ended, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return ended{}, err
	}
	defer r.Close()
	cmd := exec.Command(p.argv[0], p.argv[1:]...)
	cmd.Dir, cmd.Env = p.dir, p.env
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return ended{}, fmt.Errorf("start %s: %w", p.argv[0], err)
	}
	pgid := cmd.Process.Pid
	_ = syscall.Setpriority(syscall.PRIO_PGRP, pgid, stepNice)
	rec := record{PGID: pgid, Boot: e.bootID, Start: startTime(pgid), Container: p.container, Cgroups: p.cgroups}
	if b, err := json.Marshal(rec); err == nil && p.record != "" {
		if err := os.WriteFile(p.record, b, 0o600); err != nil {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			_ = cmd.Wait()
			return ended{}, fmt.Errorf("record the step's process group: %w", err)
		}
		defer os.Remove(p.record)
	}
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(p.out, r)
		close(copied)
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()

	var res ended
	select {
	case <-waited:
	case <-ctx.Done():
		res.ctxEnded = ctx.Err()
		if p.stop != nil {
			go p.stop()
		}
		e.stopGroup(pgid, rec.Start, waited)
	}
	// The leader is gone; so must the rest of its group be.
	e.stopGroup(pgid, rec.Start, nil)
	select {
	case <-copied:
	case <-time.After(2 * time.Second):
		// A process that left the group (setsid) holds the pipe: its
		// output is not the step's any more.
	}
	st := cmd.ProcessState
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.code = 128 + int(ws.Signal())
	} else {
		res.code = st.ExitCode()
	}
	return res, nil
}

// stopGroup sends the group pgid SIGTERM, then SIGKILL after KillGrace,
// until none of its processes is left (or, with leader set, until the
// leader has been waited for and the rest is gone).
func (e *Engine) stopGroup(pgid int, start uint64, leader <-chan error) {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	deadline := time.Now().Add(e.opts.KillGrace)
	killed := false
	for {
		if leader != nil {
			select {
			case <-leader:
				leader = nil
			default:
			}
		}
		if leader == nil && len(groupMembers(pgid, start)) == 0 {
			return
		}
		if !killed && time.Now().After(deadline) {
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			killed = true
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// killLeftovers kills the steps a previous server on this Root recorded as
// running and never saw end (it was killed itself): their process groups
// and podman containers. It also removes what that server's
// publishImage and Prepare had in Root/tmp (a registry's auth file among
// them) and buildah's working containers.
func (e *Engine) killLeftovers() error {
	runs, err := filepath.Glob(filepath.Join(e.opts.Root, "workspaces", "*", "*", "run"))
	if err != nil {
		return fmt.Errorf("local engine: %w", err)
	}
	for _, dir := range runs {
		e.killRecorded(context.Background(), dir)
	}
	tmp, _ := os.ReadDir(filepath.Join(e.opts.Root, "tmp"))
	for _, t := range tmp {
		if t.Name() != "git-home" {
			if err := os.RemoveAll(filepath.Join(e.opts.Root, "tmp", t.Name())); err != nil {
				return fmt.Errorf("local engine: remove leftovers: %w", err)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(e.opts.Root, "buildah", "root")); err == nil {
		if out, err := e.buildah("rm", "--all").CombinedOutput(); err != nil {
			e.opts.Logger.Warn("Could not remove buildah's working containers", "error", err, "output", strings.TrimSpace(string(out)))
		}
	}
	return nil
}

// killRecorded kills what the records in dir name and removes them.
func (e *Engine) killRecorded(ctx context.Context, dir string) {
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		var rec record
		if err == nil && json.Unmarshal(b, &rec) == nil {
			if rec.Container != "" {
				_ = e.podman(ctx, "rm", "--force", "--ignore", "--time", "0", rec.Container).Run()
			}
			if rec.Boot == e.bootID && rec.PGID > 1 && len(groupMembers(rec.PGID, rec.Start)) > 0 {
				e.opts.Logger.Info("Killing a step left running by a previous server", "pgid", rec.PGID, "record", f)
				_ = syscall.Kill(-rec.PGID, syscall.SIGKILL)
				waitGone(rec.PGID, rec.Start, 5*time.Second)
			}
			removeCgroups(rec.Cgroups)
		}
		os.Remove(f)
	}
}

// waitGone waits up to d for the group to have no process left.
func waitGone(pgid int, start uint64, d time.Duration) {
	for deadline := time.Now().Add(d); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if len(groupMembers(pgid, start)) == 0 {
			return
		}
	}
}

// groupMembers are the live (not zombie) processes of group pgid that
// started no earlier than its leader did (start): a group of ours, not a
// later one that reused the number. While the leader lives its start
// time must match.
func groupMembers(pgid int, start uint64) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, de := range entries {
		pid, err := strconv.Atoi(de.Name())
		if err != nil {
			continue
		}
		st, ok := procStat(pid)
		if !ok || st.pgrp != pgid || st.state == "Z" || st.state == "X" {
			continue
		}
		if pid == pgid && start != 0 && st.start != start {
			return nil
		}
		if st.start < start {
			continue
		}
		pids = append(pids, pid)
	}
	return pids
}

type stat struct {
	state string
	pgrp  int
	start uint64
}

// procStat reads the state, process group and start time of pid.
func procStat(pid int) (stat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return stat{}, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return stat{}, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return stat{}, false
	}
	pgrp, err1 := strconv.Atoi(f[2])
	start, err2 := strconv.ParseUint(f[19], 10, 64)
	if err1 != nil || err2 != nil {
		return stat{}, false
	}
	return stat{state: f[0], pgrp: pgrp, start: start}, true
}

// startTime is pid's start time, 0 when unknown.
func startTime(pid int) uint64 {
	st, _ := procStat(pid)
	return st.start
}

// bootID tells this boot from others: a recorded group of another boot
// is long gone.
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// endMessage says why ctx ended a step.
func endMessage(err error, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) {
		if timeout > 0 {
			return "killed after its timeout of " + shortDuration(timeout)
		}
		return "killed at the execution's deadline"
	}
	return "aborted"
}

// shortDuration prints d as a user wrote it: 10m, not 10m0s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
