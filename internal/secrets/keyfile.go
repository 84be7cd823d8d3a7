package secrets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrInsecureKeyFile is wrapped by the error LoadOrCreateKey returns for a
// key file that users other than its owner can read or write.
var ErrInsecureKeyFile = errors.New("key file is accessible by group or others")

// InsecureKeyFileError reports a key file whose permissions let users other
// than its owner read or write it. LoadOrCreateKey refuses such a file, as
// ssh refuses a private key with loose permissions: a key that others could
// have read must be treated as leaked, and silently tightening the mode
// would hide that.
type InsecureKeyFileError struct {
	Path string
	Mode fs.FileMode
}

// Error names the file, its mode and the fix.
func (e *InsecureKeyFileError) Error() string {
	return fmt.Sprintf("key file %s has mode %04o: %v (run chmod 600 %s, and rotate the key if others may have read it)",
		e.Path, e.Mode.Perm(), ErrInsecureKeyFile, e.Path)
}

// Unwrap makes errors.Is(err, ErrInsecureKeyFile) true.
func (e *InsecureKeyFileError) Unwrap() error { return ErrInsecureKeyFile }

// LoadOrCreateKey returns the key stored base64-encoded in the file at
// path, or, when there is no such file, generates a key with crypto/rand
// and writes it there (created reports which).
//
// A new file gets mode 0600 and its missing parent directories 0700; it is
// written to a temporary file in the same directory, synced, and linked
// into place, so a crash never leaves a partial key file and two processes
// racing to create it end up using the same key. An existing file whose
// mode grants any access to group or others is refused with an
// *InsecureKeyFileError.
func LoadOrCreateKey(path string) (key []byte, created bool, err error) {
	key, err = readKeyFile(path)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	key, err = GenerateKey()
	if err != nil {
		return nil, false, err
	}
	won, err := writeKeyFile(path, key)
	if err != nil {
		return nil, false, err
	}
	if !won {
		// Another process created the file first; use its key.
		key, err = readKeyFile(path)
		return key, false, err
	}
	return key, true, nil
}

func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open key file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("stat key file %s: %w", path, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("key file %s is not a regular file", path)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, &InsecureKeyFileError{Path: path, Mode: info.Mode()}
	}
	raw := make([]byte, 256)
	n, err := f.Read(raw)
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	key, err := ParseKey(string(raw[:n]))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return key, nil
}

// writeKeyFile creates path holding key without ever replacing an existing
// file. It reports false when the file already existed.
func writeKeyFile(path string, key []byte) (bool, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("create key directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return false, fmt.Errorf("create key file: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return false, fmt.Errorf("chmod key file: %w", err)
	}
	if _, err := tmp.WriteString(EncodeKey(key) + "\n"); err != nil {
		tmp.Close()
		return false, fmt.Errorf("write key file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return false, fmt.Errorf("sync key file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("close key file: %w", err)
	}
	// A hard link, unlike rename, fails rather than replace a file another
	// process created meanwhile.
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return false, nil
		}
		return false, fmt.Errorf("install key file %s: %w", path, err)
	}
	syncDir(dir)
	return true, nil
}

// syncDir makes a new directory entry durable. Errors are ignored: some
// file systems cannot sync directories, and the file itself is synced.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
