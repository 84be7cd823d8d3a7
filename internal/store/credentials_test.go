package store

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

func newKeyring(t *testing.T, primary []byte, previous ...[]byte) *secrets.Keyring {
	t.Helper()
	k, err := secrets.NewKeyring(primary, previous...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newKey(t *testing.T) []byte {
	t.Helper()
	k, err := secrets.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// rawCredential reads a credential row with plain SQL, bypassing the
// repository.
func rawCredential(t *testing.T, s *Store, owner, name string) (keyID string, ciphertext []byte) {
	t.Helper()
	row := s.DB().WithContext(t.Context()).Raw("SELECT key_id, ciphertext FROM credentials WHERE owner = ? AND name = ?", owner, name).Row()
	if err := row.Scan(&keyID, &ciphertext); err != nil {
		t.Fatalf("read raw credential row: %v", err)
	}
	return keyID, ciphertext
}

func TestCredentials(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		kr := newKeyring(t, newKey(t))
		creds := s.Credentials(kr)
		kubeconfig := []byte("apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    token: super-secret-token-0123456789\n")

		for _, tc := range []struct {
			owner, name string
			value       []byte
		}{
			{"cluster/1", "kubeconfig", kubeconfig},
			{"registry/2", "password", []byte("hunter2-registry-password")},
			{"user/3", "empty", []byte{}},
			{"git/4", "binary", []byte{0, 1, 2, 255, 254}},
		} {
			t.Run(tc.owner+" "+tc.name, func(t *testing.T) {
				if err := creds.Put(ctx, tc.owner, tc.name, tc.value); err != nil {
					t.Fatal(err)
				}
				got, err := creds.Get(ctx, tc.owner, tc.name)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, tc.value) {
					t.Fatalf("Get = %q, want %q", got, tc.value)
				}
				keyID, ct := rawCredential(t, s, tc.owner, tc.name)
				if keyID != kr.PrimaryID() {
					t.Fatalf("row key id %q, want %q", keyID, kr.PrimaryID())
				}
				if len(tc.value) > 0 && bytes.Contains(ct, tc.value) {
					t.Fatal("the raw row holds the plaintext")
				}
			})
		}

		t.Run("no plaintext anywhere in the row", func(t *testing.T) {
			for _, needle := range []string{"super-secret-token", "apiVersion", "hunter2"} {
				var n int64
				err := s.DB().Raw("SELECT COUNT(*) FROM credentials WHERE owner LIKE ? OR name LIKE ? OR key_id LIKE ?",
					"%"+needle+"%", "%"+needle+"%", "%"+needle+"%").Scan(&n).Error
				if err != nil || n != 0 {
					t.Fatalf("%q found in text columns: %d, %v", needle, n, err)
				}
				var cts [][]byte
				if err := s.DB().Raw("SELECT ciphertext FROM credentials").Scan(&cts).Error; err != nil {
					t.Fatal(err)
				}
				for _, ct := range cts {
					if bytes.Contains(ct, []byte(needle)) {
						t.Fatalf("%q found in a ciphertext", needle)
					}
				}
			}
		})

		t.Run("put replaces", func(t *testing.T) {
			_, before := rawCredential(t, s, "cluster/1", "kubeconfig")
			if err := creds.Put(ctx, "cluster/1", "kubeconfig", []byte("v2")); err != nil {
				t.Fatal(err)
			}
			got, err := creds.Get(ctx, "cluster/1", "kubeconfig")
			if err != nil || string(got) != "v2" {
				t.Fatalf("Get after replace = %q, %v", got, err)
			}
			if _, after := rawCredential(t, s, "cluster/1", "kubeconfig"); bytes.Equal(before, after) {
				t.Fatal("ciphertext unchanged by Put")
			}
			var n int64
			s.DB().Model(&Credential{}).Where("owner = ?", "cluster/1").Count(&n)
			if n != 1 {
				t.Fatalf("%d rows for cluster/1 after replacing, want 1", n)
			}
			ok, err := creds.Has(ctx, "cluster/1", "kubeconfig")
			if err != nil || !ok {
				t.Fatalf("Has = %v, %v", ok, err)
			}
		})

		t.Run("ciphertext moved to another row does not open", func(t *testing.T) {
			if err := creds.Put(ctx, "cluster/9", "kubeconfig", []byte("victim")); err != nil {
				t.Fatal(err)
			}
			keyID, ct := rawCredential(t, s, "registry/2", "password")
			err := s.DB().Exec("UPDATE credentials SET key_id = ?, ciphertext = ? WHERE owner = ? AND name = ?", keyID, ct, "cluster/9", "kubeconfig").Error
			if err != nil {
				t.Fatal(err)
			}
			if _, err := creds.Get(ctx, "cluster/9", "kubeconfig"); !errors.Is(err, secrets.ErrDecrypt) {
				t.Fatalf("Get of a moved ciphertext = %v, want ErrDecrypt", err)
			}
		})

		t.Run("wrong keyring", func(t *testing.T) {
			other := s.Credentials(newKeyring(t, newKey(t)))
			if _, err := other.Get(ctx, "registry/2", "password"); !errors.Is(err, secrets.ErrUnknownKey) {
				t.Fatalf("Get with another keyring = %v, want ErrUnknownKey", err)
			}
		})

		t.Run("not found and delete", func(t *testing.T) {
			if _, err := creds.Get(ctx, "cluster/404", "kubeconfig"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("Get missing = %v", err)
			}
			if err := creds.Delete(ctx, "registry/2", "password"); err != nil {
				t.Fatal(err)
			}
			if err := creds.Delete(ctx, "registry/2", "password"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("second Delete = %v", err)
			}
			for _, name := range []string{"a", "b", "c"} {
				if err := creds.Put(ctx, "cluster/5", name, []byte(name)); err != nil {
					t.Fatal(err)
				}
			}
			if err := creds.DeleteOwner(ctx, "cluster/5"); err != nil {
				t.Fatal(err)
			}
			if ok, err := creds.Has(ctx, "cluster/5", "a"); err != nil || ok {
				t.Fatalf("Has after DeleteOwner = %v, %v", ok, err)
			}
			if _, err := creds.Get(ctx, "cluster/1", "kubeconfig"); err != nil {
				t.Fatalf("another owner's credential gone: %v", err)
			}
			if err := creds.DeleteOwner(ctx, "cluster/5"); err != nil {
				t.Fatalf("DeleteOwner with nothing left: %v", err)
			}
		})

		t.Run("empty owner or name", func(t *testing.T) {
			if err := creds.Put(ctx, "", "x", []byte("v")); err == nil {
				t.Fatal("empty owner accepted")
			}
			if err := creds.Put(ctx, "x", "", []byte("v")); err == nil {
				t.Fatal("empty name accepted")
			}
		})
	})
}

func TestCredentialsReencrypt(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, s *Store) {
		ctx := t.Context()
		oldKey, newKey1, lostKey := newKey(t), newKey(t), newKey(t)
		old := s.Credentials(newKeyring(t, oldKey))
		const n = 230 // more than one batch
		for i := range n {
			if err := old.Put(ctx, fmt.Sprintf("cluster/%d", i), "kubeconfig", fmt.Appendf(nil, "secret %d", i)); err != nil {
				t.Fatal(err)
			}
		}
		rotated := s.Credentials(newKeyring(t, newKey1, oldKey))
		if err := rotated.Put(ctx, "cluster/new", "kubeconfig", []byte("already new")); err != nil {
			t.Fatal(err)
		}
		got, err := rotated.Reencrypt(ctx)
		if err != nil || got != n {
			t.Fatalf("Reencrypt = %d, %v; want %d", got, err, n)
		}
		newOnly := s.Credentials(newKeyring(t, newKey1))
		for i := range n {
			v, err := newOnly.Get(ctx, fmt.Sprintf("cluster/%d", i), "kubeconfig")
			if err != nil || string(v) != fmt.Sprintf("secret %d", i) {
				t.Fatalf("credential %d after rotation: %q, %v", i, v, err)
			}
		}
		if again, err := rotated.Reencrypt(ctx); err != nil || again != 0 {
			t.Fatalf("second Reencrypt = %d, %v; want 0", again, err)
		}

		// A row sealed with a key nobody configured is reported, not lost,
		// and does not stop the others.
		if err := s.Credentials(newKeyring(t, lostKey)).Put(ctx, "cluster/lost", "kubeconfig", []byte("x")); err != nil {
			t.Fatal(err)
		}
		if err := old.Put(ctx, "cluster/old", "kubeconfig", []byte("y")); err != nil {
			t.Fatal(err)
		}
		got, err = rotated.Reencrypt(ctx)
		if got != 1 || !errors.Is(err, secrets.ErrUnknownKey) || !strings.Contains(err.Error(), "cluster/lost") {
			t.Fatalf("Reencrypt with an unknown key = %d, %v", got, err)
		}
	})
}
