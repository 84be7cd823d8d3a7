package logstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"
)

// elsewhereFunc is asked by follow, while the log's file is absent,
// whether the log is kept somewhere else: the S3 store uploads sealed logs
// and removes their files. gone says the file was there and is not any
// more. It sends the log from pos and returns done when it did (or err);
// otherwise follow goes on waiting for the file.
type elsewhereFunc func(ctx context.Context, pos int64, send func([]byte) error, gone bool) (done bool, err error)

// Follow sends the log of key from offset as it is written, until it is
// sealed and sent to its end (it returns nil) or ctx ends (it returns
// ctx's error). A log not created yet is waited for, unless its execution
// is sealed (then it returns nil at once: the step never ran). A log
// deleted while followed ends it with ErrNotFound.
//
// Writes in this process wake the follower at once; a writer in another
// process, or the bytes a dead server left, are seen by polling the file.
// send gets at most 32 KiB at a time, in a buffer reused for the next
// call: it must not keep the slice. If the log is created again while
// followed (its step started over after a restart), the follower goes on
// with the new log from its start.
func (s *FS) Follow(ctx context.Context, key Key, offset int64, send func([]byte) error) error {
	if err := validateKey(key); err != nil {
		return err
	}
	if err := validateOffset(offset); err != nil {
		return err
	}
	return s.follow(ctx, key, offset, send, nil)
}

// follower is the state of one Follow call.
type follower struct {
	store     *FS
	key       Key
	st        *logState
	send      func([]byte) error
	elsewhere elsewhereFunc
	buf       []byte
	pos       int64
	f         *os.File // the log's file once found; nil before
	wasOpen   bool     // a file of the log was open before
	deletions int      // the execution's deletions when the follow began
}

func (s *FS) follow(ctx context.Context, key Key, offset int64, send func([]byte) error, elsewhere elsewhereFunc) error {
	st := s.acquire(key)
	defer s.release(key, st)
	fl := &follower{store: s, key: key, st: st, send: send, elsewhere: elsewhere, pos: offset, buf: make([]byte, chunkSize)}
	_, fl.deletions = st.changes()
	defer fl.closeFile()
	ticker := time.NewTicker(s.poll)
	defer ticker.Stop()
	for {
		changed, deletions := st.changes()
		if deletions != fl.deletions {
			return fmt.Errorf("log %s was deleted: %w", keyName(key), ErrNotFound)
		}
		done, again, err := fl.step(ctx)
		if done || err != nil {
			return err
		}
		if again {
			continue
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-changed:
		case <-ticker.C:
		}
	}
}

// step does one pass: it finds the file if it has none, sends what was
// written since the last pass, and says whether the follow is done, or
// should pass again at once (its file was replaced or removed).
func (fl *follower) step(ctx context.Context) (done, again bool, err error) {
	if fl.f == nil {
		found, done, err := fl.open(ctx)
		if !found || done || err != nil {
			return done, false, err
		}
	}
	// The order matters: the seal is read before the bytes, so a seal seen
	// here covers everything read below (the writer writes its marker last).
	// The file's identity is read before the bytes too, so that a marker
	// seen before a new log replaced this file is this file's (Create
	// removes the marker before it renames the new file in).
	sealed := exists(fl.store.sealPath(fl.key))
	same, present, err := sameFile(fl.f, fl.store.logPath(fl.key))
	if err != nil {
		return false, false, fmt.Errorf("follow log %s: %w", keyName(fl.key), err)
	}
	if err := fl.sendNew(); err != nil {
		return false, false, err
	}
	if !same {
		fl.closeFile()
		if present {
			fl.pos = 0 // created again: the new log from its start
		}
		return false, true, nil
	}
	return sealed, false, nil
}

// open looks for the log's file. When it is absent it asks elsewhere, and
// ends the follow when the execution is sealed or the file was deleted.
func (fl *follower) open(ctx context.Context) (found, done bool, err error) {
	f, err := os.Open(fl.store.logPath(fl.key))
	if err == nil {
		fl.f, fl.wasOpen = f, true
		return true, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return false, false, fmt.Errorf("follow log %s: %w", keyName(fl.key), err)
	}
	if fl.elsewhere != nil {
		if done, err := fl.elsewhere(ctx, fl.pos, fl.send, fl.wasOpen); done || err != nil {
			return false, true, err
		}
	} else if fl.wasOpen {
		return false, true, fmt.Errorf("log %s was deleted: %w", keyName(fl.key), ErrNotFound)
	}
	if exists(fl.store.execSealPath(fl.key.Namespace, fl.key.Execution)) {
		return false, true, nil
	}
	return false, false, nil
}

// sendNew sends the file's bytes from pos to its current end.
func (fl *follower) sendNew() error {
	for {
		n, err := fl.f.ReadAt(fl.buf, fl.pos)
		if n > 0 {
			if err := fl.send(fl.buf[:n]); err != nil {
				return err
			}
			fl.pos += int64(n)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read log %s: %w", keyName(fl.key), err)
		}
	}
}

func (fl *follower) closeFile() {
	if fl.f != nil {
		_ = fl.f.Close()
		fl.f = nil
	}
}

// sameFile reports whether path still names the file open as f, and
// whether path exists at all.
func sameFile(f *os.File, path string) (same, present bool, err error) {
	open, err := f.Stat()
	if err != nil {
		return false, false, err
	}
	now, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return os.SameFile(open, now), true, nil
}
