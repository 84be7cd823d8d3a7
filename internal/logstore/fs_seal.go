package logstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Seal seals every log of the execution that is not sealed yet, appending
// line to each, and marks the execution sealed, which also ends the
// followers of its logs that were never created (a step that never ran).
// So the execution runner calls it whenever it gives an execution up, and
// it is harmless on an execution whose logs are all sealed.
//
// A writer in this process of a log it seals is cut off (its writes fail).
// A writer in another process cannot be stopped: what it writes after the
// seal is in the file but no follower waits for it.
func (s *FS) Seal(_ context.Context, namespace, execution, line string) error {
	if err := validateExecution(namespace, execution); err != nil {
		return err
	}
	keys, err := s.logKeys(namespace, execution)
	if err != nil {
		return fmt.Errorf("seal logs of %s/%s: %w", namespace, execution, err)
	}
	var errs []error
	for _, key := range keys {
		if err := s.sealLog(key, line); err != nil {
			errs = append(errs, fmt.Errorf("seal log %s: %w", keyName(key), err))
		}
	}
	if err := s.markExecutionSealed(namespace, execution); err != nil {
		errs = append(errs, fmt.Errorf("seal execution %s/%s: %w", namespace, execution, err))
	}
	return errors.Join(errs...)
}

// logKeys lists the logs of the execution on disk; none when it has no
// directory.
func (s *FS) logKeys(namespace, execution string) ([]Key, error) {
	entries, err := os.ReadDir(s.execDir(namespace, execution))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var keys []Key
	for _, e := range entries {
		if stage, step, ok := parseLogName(e.Name()); ok && e.Type().IsRegular() {
			keys = append(keys, Key{Namespace: namespace, Execution: execution, Stage: stage, Step: step})
		}
	}
	return keys, nil
}

// sealLog appends line to the log of key and seals it, unless it is sealed.
func (s *FS) sealLog(key Key, line string) error {
	st := s.acquire(key)
	defer s.release(key, st)
	st.mu.Lock()
	defer st.mu.Unlock()
	if exists(s.sealPath(key)) {
		return nil
	}
	f, err := s.sealTarget(key, st)
	if f == nil || err != nil {
		return err
	}
	err = sealFile(f, s.sealPath(key), line)
	st.notifyLocked()
	return err
}

// sealTarget returns the file Seal appends to: this process's writer's,
// which is cut off, or the file on disk (nil if it was removed meanwhile).
// st.mu is held.
func (s *FS) sealTarget(key Key, st *logState) (*os.File, error) {
	if w := st.writer; w != nil {
		f := w.f
		w.done, w.err = true, errSealed
		st.writer = nil
		return f, nil
	}
	f, err := os.OpenFile(s.logPath(key), os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return f, err
}

// markExecutionSealed writes the execution's marker and wakes the
// followers of its logs in this process, the ones waiting for a log that
// will never be created among them.
func (s *FS) markExecutionSealed(namespace, execution string) error {
	if err := os.MkdirAll(s.execDir(namespace, execution), 0o700); err != nil {
		return err
	}
	err := os.WriteFile(s.execSealPath(namespace, execution), nil, 0o600)
	s.executionStates(namespace, execution, (*logState).notifyLocked)
	return err
}

// exists reports whether path exists (markers are only ever created,
// never written, so a stat is the whole check).
func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
