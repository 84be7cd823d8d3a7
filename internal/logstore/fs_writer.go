package logstore

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// Why a writer was cut off before its Close: its writes fail with these.
var (
	errSealed   = errors.New("log was sealed (its execution was given up)")
	errReplaced = errors.New("log was created again")
	errDeleted  = errors.New("log was deleted")
)

// fsWriter writes one log. Writes go straight to the file (no buffer), so
// readers and followers see them at once; Close makes the log durable and
// seals it.
type fsWriter struct {
	store *FS
	key   Key
	st    *logState
	f     *os.File // guarded by st.mu, as are the fields below

	// done is set by Close or by a cut-off; then writes fail with err.
	done bool
	err  error
	// released records that Close gave up the writer's hold on st.
	released bool
}

// Write appends p to the log and wakes its followers.
func (w *fsWriter) Write(p []byte) (int, error) {
	w.st.mu.Lock()
	defer w.st.mu.Unlock()
	if w.done {
		return 0, fmt.Errorf("write log %s: %w", keyName(w.key), w.err)
	}
	n, err := w.f.Write(p)
	if n > 0 {
		w.st.notifyLocked()
	}
	if err != nil {
		return n, fmt.Errorf("write log %s: %w", keyName(w.key), err)
	}
	return n, nil
}

// Close seals the log: its bytes are synced to disk before the marker is
// written, so a seal seen after a crash always covers the whole log.
// Closing a writer that Seal, Delete or a new Create cut off does nothing;
// closing twice is harmless.
func (w *fsWriter) Close() error {
	err := w.close()
	w.st.mu.Lock()
	release := !w.released
	w.released = true
	w.st.mu.Unlock()
	if release {
		w.store.release(w.key, w.st)
	}
	return err
}

func (w *fsWriter) close() error {
	w.st.mu.Lock()
	defer w.st.mu.Unlock()
	if w.done {
		return nil
	}
	w.done, w.err = true, os.ErrClosed
	if w.st.writer == w {
		w.st.writer = nil
	}
	err := sealFile(w.f, w.store.sealPath(w.key), "")
	w.st.notifyLocked()
	if err != nil {
		return fmt.Errorf("seal log %s: %w", keyName(w.key), err)
	}
	return nil
}

// cutOffLocked ends the writer without sealing through it: later writes
// fail with why. st.mu is held.
func (w *fsWriter) cutOffLocked(why error) {
	if w.done {
		return
	}
	w.done, w.err = true, why
	_ = w.f.Close()
	if w.st.writer == w {
		w.st.writer = nil
	}
}

// sealFile appends line (if any) to the log open as f, on a line of its
// own, syncs and closes f, then writes the seal marker at sealPath. f is
// closed in every case.
func sealFile(f *os.File, sealPath, line string) error {
	err := appendLine(f, line)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.WriteFile(sealPath, nil, 0o600)
}

// appendLine writes line at the end of f, first ending the log's last line
// if the step left it open, so the line reads as a line of its own.
func appendLine(f *os.File, line string) error {
	if line == "" {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	text := line
	if text[len(text)-1] != '\n' {
		text += "\n"
	}
	if size := info.Size(); size > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, size-1); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		if last[0] != '\n' {
			text = "\n" + text
		}
	}
	_, err = f.WriteAt([]byte(text), info.Size())
	return err
}
