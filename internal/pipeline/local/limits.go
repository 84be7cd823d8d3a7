package local

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// cgroupRoot is where the host mounts its cgroup hierarchies.
const cgroupRoot = "/sys/fs/cgroup"

// limits are a Process step's cgroups (v1): cpu for cpuLimit and
// cpuRequest (CFS quota and shares), memory for memoryLimit and
// memoryRequest (hard and soft limits; the kernel kills the step's
// processes beyond the hard one). Each is made under the server's own
// cgroup of that controller, so a step never has more than the server.
//
// On a host whose controllers are cgroup v2 (or not writable by the
// server) a Process step's limits are not enforced and its log says so:
// v2 lets a process create child groups with controllers only where the
// system delegates a subtree to it, which the engine does not assume.
type limits struct {
	dirs   []string
	memory string
}

// limitsFor makes step id's cgroups for r; nil (and a note for the log)
// when r limits nothing or the host cannot.
func limitsFor(name string, r *devopsv1alpha1.StepResources) (*limits, string, error) {
	if r == nil {
		return nil, "", nil
	}
	type setting struct{ file, value string }
	want := map[string][]setting{}
	if q := r.CPULimit; q != nil && !q.IsZero() {
		want["cpu"] = append(want["cpu"], setting{"cpu.cfs_period_us", "100000"}, setting{"cpu.cfs_quota_us", strconv.FormatInt(max(1000, q.MilliValue()*100), 10)})
	}
	if q := r.CPURequest; q != nil && !q.IsZero() {
		want["cpu"] = append(want["cpu"], setting{"cpu.shares", strconv.FormatInt(max(2, q.MilliValue()*1024/1000), 10)})
	}
	if q := r.MemoryLimit; q != nil && !q.IsZero() {
		want["memory"] = append(want["memory"], setting{"memory.limit_in_bytes", strconv.FormatInt(q.Value(), 10)})
	}
	if q := r.MemoryRequest; q != nil && !q.IsZero() {
		want["memory"] = append(want["memory"], setting{"memory.soft_limit_in_bytes", strconv.FormatInt(q.Value(), 10)})
	}
	if len(want) == 0 {
		return nil, "", nil
	}
	own, err := ownCgroups()
	if err != nil {
		return nil, "Resource limits are not enforced here (no cgroup v1 hierarchy of the server's): " + err.Error(), nil
	}
	l := &limits{}
	for _, controller := range []string{"cpu", "memory"} {
		settings := want[controller]
		if len(settings) == 0 {
			continue
		}
		parent, ok := own[controller]
		if !ok {
			l.remove()
			return nil, fmt.Sprintf("Resource limits are not enforced here (no cgroup v1 %s controller)", controller), nil
		}
		dir := filepath.Join(parent, name)
		if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			l.remove()
			return nil, fmt.Sprintf("Resource limits are not enforced here (%v)", err), nil
		}
		l.dirs = append(l.dirs, dir)
		if controller == "memory" {
			l.memory = dir
		}
		for _, s := range settings {
			if err := os.WriteFile(filepath.Join(dir, s.file), []byte(s.value), 0o644); err != nil {
				l.remove()
				return nil, "", fmt.Errorf("set %s of the step's cgroup: %w", s.file, err)
			}
		}
	}
	return l, "", nil
}

// ownCgroups are the directories of the server's own cgroups (v1), by
// controller.
func ownCgroups() (map[string]string, error) {
	b, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 || parts[1] == "" {
			continue // cgroup v2's 0::/path
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c != "cpu" && c != "memory" {
				continue
			}
			dir := filepath.Join(cgroupRoot, parts[1], parts[2])
			if syscall.Access(dir, 2 /* W_OK */) == nil {
				out[c] = dir
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("none writable")
	}
	return out, nil
}

// wrap is argv run inside the cgroups: a shell that moves itself in
// before it becomes the step (exec), so nothing of the step ever runs
// outside them.
func (l *limits) wrap(argv []string) []string {
	if l == nil {
		return argv
	}
	join := `for d in "$@"; do echo $$ > "$d/cgroup.procs" || exit 125; done; exec "$0" ` + shellWords(argv[1:])
	return append([]string{"/bin/sh", "-c", join, argv[0]}, l.dirs...)
}

// shellWords quotes words for sh.
func shellWords(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
	}
	return strings.Join(q, " ")
}

// oomKilled says whether the kernel killed a process of the step for
// going beyond its memory limit.
func (l *limits) oomKilled() bool {
	if l == nil || l.memory == "" {
		return false
	}
	b, err := os.ReadFile(filepath.Join(l.memory, "memory.oom_control"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if n, ok := strings.CutPrefix(line, "oom_kill "); ok {
			return strings.TrimSpace(n) != "0"
		}
	}
	return false
}

// remove kills what is left in the cgroups (a process that left the
// step's process group still counts) and removes them.
func (l *limits) remove() {
	if l == nil {
		return
	}
	removeCgroups(l.dirs)
}

// removeCgroups kills the processes of dirs and removes them.
func removeCgroups(dirs []string) {
	for _, dir := range dirs {
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			b, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
			if err != nil {
				break
			}
			pids := strings.Fields(string(b))
			if len(pids) == 0 || time.Now().After(deadline) {
				break
			}
			for _, p := range pids {
				if pid, err := strconv.Atoi(p); err == nil {
					_ = syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
		_ = os.Remove(dir)
	}
}
