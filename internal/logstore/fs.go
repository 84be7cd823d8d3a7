package logstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The filesystem store's layout under its directory:
//
//	<namespace>/<execution>/<stage>-<step>.log     the log's bytes, nothing else
//	<namespace>/<execution>/<stage>-<step>.sealed  empty; present once the log is sealed
//	<namespace>/<execution>/sealed                 empty; present once the execution is sealed
//
// The seal is a sidecar file rather than a trailer in the log so that a
// log's bytes are exactly what its step wrote (offsets are plain byte
// positions, and a reader never has to tell a trailer from output), and so
// that sealing is one atomic file creation that a reader in any process
// can see. A log is always written before its marker, so a reader that
// sees the marker and then reads to the end has the whole log.
const (
	sealSuffix     = ".sealed"
	execSealedName = "sealed"
	// defaultPoll is how often a follower looks at the file for a writer
	// it cannot hear from: one in another process, or one that died with
	// the previous server. Writers in this process wake followers at once.
	defaultPoll = 250 * time.Millisecond
	// chunkSize bounds what a reader holds of a log at a time.
	chunkSize = 32 << 10
)

// FS keeps logs as files under one directory: the default store, and the
// S3 store's place for logs being written. Logs outlive the process: after
// a restart an unsealed log left by a dead writer stays readable and
// followable until the execution runner creates it again or seals it.
//
// One FS per directory per process: writers and followers in the same
// process meet through it (a write wakes every follower at once); a second
// process on the same directory is seen only through polling.
type FS struct {
	dir  string
	poll time.Duration

	mu   sync.Mutex
	logs map[Key]*logState
}

// logState is what this process's writer and followers of one log share.
// It lives while any of them holds it (see acquire and release), so memory
// follows the logs in use, not the logs written.
type logState struct {
	refs int // guarded by FS.mu

	mu sync.Mutex
	// changed is closed and replaced at every change of the log (a write,
	// a seal, its creation or deletion) to wake its followers.
	changed chan struct{}
	// writer is the open writer of this process, if any: Seal and Delete
	// cut it off, and a second Create replaces it.
	writer *fsWriter
	// deletions counts Deletes of the log's execution, so that a follower
	// waiting for the log ends when its execution is deleted.
	deletions int
}

// NewFS returns a filesystem store over dir, creating it (mode 0700: logs
// may hold what steps print about credentials) if needed.
func NewFS(dir string) (*FS, error) {
	if dir == "" {
		return nil, errors.New("log directory must not be empty")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create log directory: %w", err)
	}
	return &FS{dir: dir, poll: defaultPoll, logs: map[Key]*logState{}}, nil
}

func (s *FS) execDir(namespace, execution string) string {
	return filepath.Join(s.dir, namespace, execution)
}

func (s *FS) logPath(key Key) string {
	return filepath.Join(s.execDir(key.Namespace, key.Execution), stepName(key)+logSuffix)
}

func (s *FS) sealPath(key Key) string {
	return filepath.Join(s.execDir(key.Namespace, key.Execution), stepName(key)+sealSuffix)
}

func (s *FS) execSealPath(namespace, execution string) string {
	return filepath.Join(s.execDir(namespace, execution), execSealedName)
}

// acquire returns key's shared state, creating it, and counts the caller
// as one of its holders until release.
func (s *FS) acquire(key Key) *logState {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.logs[key]
	if st == nil {
		st = &logState{changed: make(chan struct{})}
		s.logs[key] = st
	}
	st.refs++
	return st
}

// release undoes one acquire; the last holder forgets the state. It must
// not be called with st.mu held (lock order: FS.mu, then logState.mu).
func (s *FS) release(key Key, st *logState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st.refs--
	if st.refs == 0 && s.logs[key] == st {
		delete(s.logs, key)
	}
}

// notifyLocked wakes st's followers; st.mu is held.
func (st *logState) notifyLocked() {
	close(st.changed)
	st.changed = make(chan struct{})
}

// changes returns the channel the next change of st closes, and the count
// of deletions so far.
func (st *logState) changes() (<-chan struct{}, int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.changed, st.deletions
}

// executionStates calls f with st.mu held for every state of the
// execution's logs in use in this process.
func (s *FS) executionStates(namespace, execution string, f func(*logState)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for key, st := range s.logs {
		if key.Namespace == namespace && key.Execution == execution {
			st.mu.Lock()
			f(st)
			st.mu.Unlock()
		}
	}
}

// Create starts the log of key, truncated: the previous log of the key,
// if any (a step started again after a restart), is replaced by a new,
// empty file and is no longer sealed, and so is the execution. A writer of
// the same log still open in this process is cut off.
func (s *FS) Create(_ context.Context, key Key) (io.WriteCloser, error) {
	if err := validateKey(key); err != nil {
		return nil, err
	}
	st := s.acquire(key)
	w, err := s.create(key, st)
	if err != nil {
		s.release(key, st)
		return nil, fmt.Errorf("create log %s: %w", keyName(key), err)
	}
	return w, nil
}

func (s *FS) create(key Key, st *logState) (*fsWriter, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	dir := s.execDir(key.Namespace, key.Execution)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	// The new file is made aside and renamed into place, so that the path
	// always names a whole log (never a missing one) and a follower of the
	// old file can tell, by its identity, that the log started again. The
	// seal markers go first: a follower that sees the new file must not
	// see the old log's seal.
	for _, marker := range []string{s.execSealPath(key.Namespace, key.Execution), s.sealPath(key)} {
		if err := os.Remove(marker); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	f, err := os.CreateTemp(dir, "."+stepName(key)+".*.tmp")
	if err != nil {
		return nil, err
	}
	if err := os.Rename(f.Name(), s.logPath(key)); err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return nil, err
	}
	if old := st.writer; old != nil {
		old.cutOffLocked(errReplaced)
	}
	w := &fsWriter{store: s, key: key, st: st, f: f}
	st.writer = w
	st.notifyLocked()
	return w, nil
}

// Open reads the log of key as it is now: from offset to the size the log
// had when it was opened (an offset past that size reads nothing). It
// holds one file open, never the log in memory.
func (s *FS) Open(_ context.Context, key Key, offset int64) (io.ReadCloser, error) {
	if err := validateKey(key); err != nil {
		return nil, err
	}
	if err := validateOffset(offset); err != nil {
		return nil, err
	}
	f, err := os.Open(s.logPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("log %s: %w", keyName(key), ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", keyName(key), err)
	}
	info, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("open log %s: %w", keyName(key), err)
	}
	offset = min(offset, info.Size())
	return fileSection{SectionReader: io.NewSectionReader(f, offset, info.Size()-offset), f: f}, nil
}

// fileSection reads part of a file and closes the file.
type fileSection struct {
	*io.SectionReader
	f *os.File
}

func (r fileSection) Close() error { return r.f.Close() }

// Delete removes the execution's directory: its logs, sealed or not, and
// its markers. Writers of its logs in this process are cut off, and
// followers of its logs end with ErrNotFound.
func (s *FS) Delete(_ context.Context, namespace, execution string) error {
	if err := validateExecution(namespace, execution); err != nil {
		return err
	}
	err := os.RemoveAll(s.execDir(namespace, execution))
	s.executionStates(namespace, execution, func(st *logState) {
		if st.writer != nil {
			st.writer.cutOffLocked(errDeleted)
		}
		st.deletions++
		st.notifyLocked()
	})
	if err != nil {
		return fmt.Errorf("delete logs of %s/%s: %w", namespace, execution, err)
	}
	return nil
}

// removeUploaded removes the local copy of a log the S3 store uploaded
// from f, unless the log was created again meanwhile (then the file at the
// path is not f). The log's file goes first: a follower that finds it gone
// turns to the bucket, which has the log by now.
func (s *FS) removeUploaded(key Key, f *os.File) error {
	st := s.acquire(key)
	defer s.release(key, st)
	st.mu.Lock()
	defer st.mu.Unlock()
	same, _, err := sameFile(f, s.logPath(key))
	if err != nil || !same {
		return err
	}
	for _, path := range []string{s.logPath(key), s.sealPath(key)} {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	st.notifyLocked()
	return nil
}
