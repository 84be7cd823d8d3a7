package logstore_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
)

func newFS(t *testing.T, dir string) *logstore.FS {
	t.Helper()
	s, err := logstore.NewFS(dir)
	if err != nil {
		t.Fatalf("NewFS: %v", err)
	}
	return s
}

func TestFSContract(t *testing.T) {
	testContract(t, func(t *testing.T) opener {
		dir := t.TempDir()
		return func() logstore.Store { return newFS(t, dir) }
	})
}

// TestFSLayout pins the files a log leaves, which an operator may look at
// and which survive upgrades: the log, its seal marker, the execution's.
func TestFSLayout(t *testing.T) {
	dir := t.TempDir()
	s := newFS(t, dir)
	w := create(t, s, key)
	write(t, w, "x\n")
	logPath := filepath.Join(dir, "team-a", "build-7", "0-1.log")
	sealPath := filepath.Join(dir, "team-a", "build-7", "0-1.sealed")
	g := gomega.NewWithT(t)
	g.Expect(os.ReadFile(logPath)).To(gomega.Equal([]byte("x\n")))
	g.Expect(sealPath).NotTo(gomega.BeAnExistingFile())
	closeLog(t, w)
	g.Expect(sealPath).To(gomega.BeARegularFile())
	g.Expect(os.ReadFile(logPath)).To(gomega.Equal([]byte("x\n")), "the seal is a sidecar: the log holds only what was written")
	g.Expect(s.Seal(t.Context(), "team-a", "build-7", "given up")).To(gomega.Succeed())
	g.Expect(filepath.Join(dir, "team-a", "build-7", "sealed")).To(gomega.BeARegularFile())
	g.Expect(os.ReadFile(logPath)).To(gomega.Equal([]byte("x\n")), "Seal appends only to logs not sealed yet")

	// A refused key leaves nothing behind, inside the directory or out.
	_, err := s.Create(t.Context(), logstore.Key{Namespace: "..", Execution: "escape"})
	g.Expect(err).To(gomega.MatchError(logstore.ErrInvalidKey))
	g.Expect(filepath.Join(dir, "..", "escape")).NotTo(gomega.BeAnExistingFile())
	entries, err := os.ReadDir(dir)
	g.Expect(err).NotTo(gomega.HaveOccurred())
	g.Expect(entries).To(gomega.HaveLen(1))
}

// TestFSFollowAnotherProcess follows a log written through another store
// over the same directory, as a second process would: nothing wakes the
// follower but its poll of the file.
func TestFSFollowAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	writer, reader := newFS(t, dir), newFS(t, dir)
	f := follow(t, reader, key, 0) // before the log exists
	w := create(t, writer, key)
	write(t, w, "from another process\n")
	eventually(t, f.text).Should(gomega.Equal("from another process\n"))
	write(t, w, "more\n")
	eventually(t, f.text).Should(gomega.Equal("from another process\nmore\n"))
	closeLog(t, w)
	if err := f.end(t); err != nil {
		t.Fatalf("follower ended with %v", err)
	}
}

// TestFSFollowAcrossCreateAgain follows a log that is created again while
// followed (its step started over): the follower goes on with the new log
// from its start and ends when that one is sealed.
func TestFSFollowAcrossCreateAgain(t *testing.T) {
	for name, sameProcess := range map[string]bool{"same process": true, "another process": false} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writer := newFS(t, dir)
			reader := writer
			if !sameProcess {
				reader = newFS(t, dir)
			}
			w := create(t, writer, key)
			write(t, w, "first try\n")
			f := follow(t, reader, key, 0)
			eventually(t, f.text).Should(gomega.Equal("first try\n"))
			again := create(t, writer, key)
			if _, err := w.Write([]byte("stale")); err == nil {
				t.Error("the replaced writer still writes")
			}
			write(t, again, "second try\n")
			eventually(t, f.text).Should(gomega.Equal("first try\nsecond try\n"))
			closeLog(t, again)
			if err := f.end(t); err != nil {
				t.Fatalf("follower ended with %v", err)
			}
			expectRead(t, reader, key, 0, "second try\n")
		})
	}
}

// TestFSSealFromAnotherProcess seals, after a restart, a log whose writer
// is in another process (here: another store), and checks a follower of
// the first process ends too.
func TestFSSealFromAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	old, restarted := newFS(t, dir), newFS(t, dir)
	w := create(t, old, key)
	write(t, w, "running\n")
	f := follow(t, old, key, 0)
	eventually(t, f.text).Should(gomega.Equal("running\n"))
	if err := restarted.Seal(t.Context(), key.Namespace, key.Execution, "given up"); err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if err := f.end(t); err != nil {
		t.Fatalf("follower ended with %v", err)
	}
	gomega.NewWithT(t).Expect(f.text()).To(gomega.Equal("running\ngiven up\n"))
}

func TestNewFSNeedsADirectory(t *testing.T) {
	if _, err := logstore.NewFS(""); err == nil {
		t.Error("NewFS(\"\") succeeded")
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := logstore.NewFS(filepath.Join(file, "logs")); err == nil {
		t.Error("NewFS under a file succeeded")
	}
}
