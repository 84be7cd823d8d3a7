package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// envDurabilityChild, when set to a DSN, turns the test binary into the
// writer child of TestSIGKILLDurability (see TestMain).
const envDurabilityChild = "WHEELHOUSE_STORE_DURABILITY_CHILD_DSN"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(envDurabilityChild); dsn != "" {
		os.Exit(durabilityChild(dsn))
	}
	os.Exit(m.Run())
}

// durabilityChild appends audit entries from two goroutines until it is
// killed (or a bound is reached), printing each entry's id on stdout only
// after its INSERT has committed.
func durabilityChild(dsn string) int {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Open(ctx, dsn, Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200000 && ctx.Err() == nil; i++ {
				e := &AuditEntry{Username: fmt.Sprintf("writer%d", w), Action: "durability.append", Method: "POST",
					Target: fmt.Sprintf("/durability/%d/%d", w, i), Outcome: OutcomeSuccess, StatusCode: 200}
				if err := s.Audit().Append(ctx, e); err != nil {
					errs <- err
					return
				}
				// One write(2) per line: lines from both writers never mix.
				if _, err := os.Stdout.WriteString(strconv.FormatUint(e.ID, 10) + "\n"); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// TestSIGKILLDurability runs a child process that commits audit rows in a
// loop on a SQLite store, SIGKILLs it mid-run, and checks that every row the
// child reported committed is in the reopened database, which passes
// PRAGMA integrity_check. It repeats this a few times on the same file.
func TestSIGKILLDurability(t *testing.T) {
	dsn := "sqlite://" + filepath.Join(t.TempDir(), "durable", "wheelhouse.db")
	s := openStore(t, dsn)
	if _, err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	s.Close()

	reported := map[uint64]bool{}
	for round, killAfter := range []int{1, 150, 700} {
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^$", "-test.count=1")
		cmd.Env = append(os.Environ(), envDurabilityChild+"="+dsn)
		var stderr safeBuffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		seen, killed := 0, false
		for sc.Scan() {
			id, err := strconv.ParseUint(sc.Text(), 10, 64)
			if err != nil {
				t.Fatalf("round %d: child printed %q", round, sc.Text())
			}
			reported[id] = true
			seen++
			if seen == killAfter && !killed {
				if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				killed = true
			}
		}
		err = cmd.Wait()
		var exitErr *exec.ExitError
		if !killed || !errors.As(err, &exitErr) || exitErr.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: child was not killed mid-run (killed %v, wait %v, %d ids); stderr:\n%s", round, killed, err, seen, stderr.String())
		}
		t.Logf("round %d: child reported %d committed rows before SIGKILL landed", round, seen)

		s := openStore(t, dsn)
		var ids []uint64
		if err := s.DB().Model(&AuditEntry{}).Pluck("id", &ids).Error; err != nil {
			t.Fatal(err)
		}
		present := make(map[uint64]bool, len(ids))
		for _, id := range ids {
			present[id] = true
		}
		for id := range reported {
			if !present[id] {
				t.Fatalf("round %d: row %d was reported committed but is missing after SIGKILL", round, id)
			}
		}
		var check []string
		if err := s.DB().Raw("PRAGMA integrity_check").Scan(&check).Error; err != nil {
			t.Fatal(err)
		}
		if len(check) != 1 || check[0] != "ok" {
			t.Fatalf("round %d: integrity_check: %v", round, check)
		}
		s.Close()
	}
}

// safeBuffer is a bytes.Buffer that exec's copying goroutine and the test
// may use at once.
type safeBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
