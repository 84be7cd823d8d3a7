package secrets

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func mustKey(t *testing.T) []byte {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func mustKeyring(t *testing.T, primary []byte, previous ...[]byte) *Keyring {
	t.Helper()
	k, err := NewKeyring(primary, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRoundTrip(t *testing.T) {
	k := mustKeyring(t, mustKey(t))
	for _, tc := range []struct {
		name      string
		plaintext []byte
		aad       []byte
	}{
		{"empty", nil, nil},
		{"short", []byte("hunter2"), []byte("user/1\x00password")},
		{"large", bytes.Repeat([]byte{0xab}, 1<<20), []byte("cluster/3")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, ct, err := k.Seal(tc.plaintext, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if id != k.PrimaryID() {
				t.Fatalf("key id %q, want primary %q", id, k.PrimaryID())
			}
			if len(tc.plaintext) > 0 && bytes.Contains(ct, tc.plaintext) {
				t.Fatal("ciphertext contains the plaintext")
			}
			got, err := k.Open(id, ct, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tc.plaintext) {
				t.Fatal("round trip changed the plaintext")
			}
			_, ct2, err := k.Seal(tc.plaintext, tc.aad)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(ct, ct2) {
				t.Fatal("two seals of the same plaintext are equal: nonce reused")
			}
		})
	}
}

func TestTamperDetection(t *testing.T) {
	k := mustKeyring(t, mustKey(t))
	aad := []byte("cluster/3\x00kubeconfig")
	id, ct, err := k.Seal([]byte("apiVersion: v1"), aad)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 0x01
		return c
	}
	for _, tc := range []struct {
		name string
		ct   []byte
		aad  []byte
	}{
		{"nonce byte", flip(ct, 0), aad},
		{"ciphertext byte", flip(ct, 12), aad},
		{"tag byte", flip(ct, len(ct)-1), aad},
		{"aad byte", ct, flip(aad, 0)},
		{"other aad", ct, []byte("cluster/4\x00kubeconfig")},
		{"missing aad", ct, nil},
		{"truncated", ct[:len(ct)-1], aad},
		{"too short", ct[:10], aad},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := k.Open(id, tc.ct, tc.aad); !errors.Is(err, ErrDecrypt) {
				t.Fatalf("Open = %v, want ErrDecrypt", err)
			}
		})
	}
}

func TestWrongKey(t *testing.T) {
	a := mustKeyring(t, mustKey(t))
	b := mustKeyring(t, mustKey(t))
	id, ct, err := a.Seal([]byte("secret"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Open(id, ct, nil); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Open with another keyring = %v, want ErrUnknownKey", err)
	}
	if _, err := b.Open(b.PrimaryID(), ct, nil); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("Open under the wrong key = %v, want ErrDecrypt", err)
	}
}

func TestRotation(t *testing.T) {
	oldKey, newKey := mustKey(t), mustKey(t)
	old := mustKeyring(t, oldKey)
	oldID, ct, err := old.Seal([]byte("secret"), []byte("aad"))
	if err != nil {
		t.Fatal(err)
	}
	rotated := mustKeyring(t, newKey, oldKey, newKey)
	if rotated.PrimaryID() == oldID {
		t.Fatal("new primary has the old key id")
	}
	if got := rotated.KeyIDs(); len(got) != 2 || got[0] != rotated.PrimaryID() || got[1] != oldID {
		t.Fatalf("KeyIDs = %v", got)
	}
	got, err := rotated.Open(oldID, ct, []byte("aad"))
	if err != nil || string(got) != "secret" {
		t.Fatalf("Open old ciphertext = %q, %v", got, err)
	}
	id, _, err := rotated.Seal([]byte("x"), nil)
	if err != nil || id != rotated.PrimaryID() {
		t.Fatalf("Seal used key %q, %v; want primary", id, err)
	}
	if _, err := mustKeyring(t, newKey).Open(oldID, ct, []byte("aad")); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("Open without the old key = %v, want ErrUnknownKey", err)
	}
}

func TestKeyIDStable(t *testing.T) {
	key := bytes.Repeat([]byte{7}, KeySize)
	if a, b := KeyID(key), KeyID(bytes.Clone(key)); a != b || len(a) != 8 {
		t.Fatalf("KeyID = %q, %q", a, b)
	}
	if KeyID(key) == KeyID(bytes.Repeat([]byte{8}, KeySize)) {
		t.Fatal("different keys share an id")
	}
}

func TestNewKeyringRejectsBadKeys(t *testing.T) {
	if _, err := NewKeyring(make([]byte, 16)); err == nil {
		t.Fatal("16-byte primary accepted")
	}
	if _, err := NewKeyring(mustKey(t), make([]byte, 31)); err == nil {
		t.Fatal("31-byte previous key accepted")
	}
}

func TestParseKey(t *testing.T) {
	key := mustKey(t)
	for _, tc := range []struct {
		name, in string
		ok       bool
	}{
		{"valid", EncodeKey(key), true},
		{"trailing newline", EncodeKey(key) + "\n", true},
		{"not base64", "!!!", false},
		{"short", EncodeKey(key[:16]), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseKey(tc.in)
			if tc.ok != (err == nil) {
				t.Fatalf("ParseKey err = %v, want ok=%v", err, tc.ok)
			}
			if tc.ok && !bytes.Equal(got, key) {
				t.Fatal("ParseKey returned another key")
			}
			if err != nil && strings.Contains(err.Error(), tc.in) && tc.in != "" {
				t.Fatal("error contains the input")
			}
		})
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "nested")
	path := filepath.Join(dir, "secret.key")
	key, created, err := LoadOrCreateKey(path)
	if err != nil || !created || len(key) != KeySize {
		t.Fatalf("create: len %d, created %v, err %v", len(key), created, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %04o, want 0600", info.Mode().Perm())
	}
	dinfo, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if dinfo.Mode().Perm() != 0o700 {
		t.Fatalf("key dir mode %04o, want 0700", dinfo.Mode().Perm())
	}
	again, created, err := LoadOrCreateKey(path)
	if err != nil || created || !bytes.Equal(again, key) {
		t.Fatalf("load: created %v, err %v, same %v", created, err, bytes.Equal(again, key))
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Fatalf("directory holds %d entries (temp file left behind?), err %v", len(entries), err)
	}

	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadOrCreateKey(path)
	var insecure *InsecureKeyFileError
	if !errors.As(err, &insecure) || !errors.Is(err, ErrInsecureKeyFile) {
		t.Fatalf("group-readable key file: err %v, want InsecureKeyFileError", err)
	}
	if strings.Contains(err.Error(), EncodeKey(key)) {
		t.Fatal("error contains the key")
	}
}

func TestLoadOrCreateKeyRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	if err := os.WriteFile(path, []byte("not a key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKey(path); err == nil {
		t.Fatal("garbage key file accepted")
	}
}

func TestLoadOrCreateKeyConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.key")
	const n = 8
	keys := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], _, errs[i] = LoadOrCreateKey(path)
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("caller %d got a different key", i)
		}
	}
}
