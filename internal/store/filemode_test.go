package store

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSQLiteFileModes checks that the database and its -wal and -shm
// files are readable by their owner only: created so, and tightened when
// an older start left them 0644.
func TestSQLiteFileModes(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wheelhouse.db")
	check := func(when string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			info, err := os.Stat(p)
			if err != nil {
				t.Fatalf("%s: %v", when, err)
			}
			if m := info.Mode().Perm(); m != 0o600 {
				t.Errorf("%s: %s has mode %04o, want 0600", when, filepath.Base(p), m)
			}
		}
	}
	write := func(s *Store) {
		t.Helper()
		if _, err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		mustCreateUser(t, s, "u"+filepath.Base(t.TempDir()), RoleUser)
	}

	s := openStore(t, "sqlite://"+path)
	write(s)
	check("new database")
	s.Close()

	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o644); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	write(openStore(t, "sqlite://"+path))
	check("database left 0644")
}
