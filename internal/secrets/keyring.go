// Package secrets encrypts the credentials Wheelhouse stores at rest.
//
// Every secret is sealed with AES-256-GCM under the keyring's primary key,
// with a fresh random nonce prepended to the ciphertext. The caller stores
// the key id returned by Seal beside the ciphertext, so keys can rotate: a
// keyring holds one primary key (used to seal) and any number of previous
// keys (still accepted to open), and data sealed with a previous key is
// re-sealed with the primary one by the store's Reencrypt.
//
// Associated data binds a ciphertext to the record it belongs to, so a
// ciphertext copied into another record fails to open.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length in bytes of every key: AES-256.
const KeySize = 32

// keyIDDomain separates key-id fingerprints from any other use of SHA-256
// over key material.
const keyIDDomain = "wheelhouse/secrets/key-id/v1\x00"

// ErrUnknownKey is returned by Open when the key id names no key in the
// keyring (the key that sealed the data was not configured).
var ErrUnknownKey = errors.New("unknown key id")

// ErrDecrypt is returned by Open when the ciphertext does not authenticate:
// it was tampered with, sealed under other associated data, or is truncated.
var ErrDecrypt = errors.New("decrypt: message authentication failed")

// Keyring holds the primary key that seals new data and the previous keys
// that still open old data. It is safe for concurrent use.
type Keyring struct {
	primaryID string
	aeads     map[string]cipher.AEAD
	ids       []string
}

// KeyID returns the stable fingerprint of a key: the first 8 hex digits of
// SHA-256 over a domain-separated input. It reveals nothing useful about
// the key.
func KeyID(key []byte) string {
	h := sha256.New()
	h.Write([]byte(keyIDDomain))
	h.Write(key)
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// NewKeyring returns a keyring that seals with primary and opens data
// sealed with primary or any of previous. Every key must be KeySize bytes.
// A previous key equal to the primary (or to another previous key) is
// accepted and ignored.
func NewKeyring(primary []byte, previous ...[]byte) (*Keyring, error) {
	k := &Keyring{aeads: make(map[string]cipher.AEAD, 1+len(previous))}
	id, err := k.add(primary)
	if err != nil {
		return nil, fmt.Errorf("primary key: %w", err)
	}
	k.primaryID = id
	for i, p := range previous {
		if _, err := k.add(p); err != nil {
			return nil, fmt.Errorf("previous key %d: %w", i+1, err)
		}
	}
	return k, nil
}

func (k *Keyring) add(key []byte) (string, error) {
	if len(key) != KeySize {
		return "", fmt.Errorf("key is %d bytes, want %d", len(key), KeySize)
	}
	id := KeyID(key)
	if _, ok := k.aeads[id]; ok {
		return id, nil
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", fmt.Errorf("new cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return "", fmt.Errorf("new gcm: %w", err)
	}
	k.aeads[id] = aead
	k.ids = append(k.ids, id)
	return id, nil
}

// PrimaryID returns the key id of the primary key, the one Seal uses.
func (k *Keyring) PrimaryID() string { return k.primaryID }

// KeyIDs returns the ids of every key in the keyring, primary first.
func (k *Keyring) KeyIDs() []string { return append([]string(nil), k.ids...) }

// Has reports whether the keyring holds the key with the given id.
func (k *Keyring) Has(keyID string) bool {
	_, ok := k.aeads[keyID]
	return ok
}

// Seal encrypts plaintext with the primary key, authenticating
// associatedData too. It returns the primary key's id and nonce||ciphertext.
func (k *Keyring) Seal(plaintext, associatedData []byte) (keyID string, ciphertext []byte, err error) {
	aead := k.aeads[k.primaryID]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", nil, fmt.Errorf("read nonce: %w", err)
	}
	return k.primaryID, aead.Seal(nonce, nonce, plaintext, associatedData), nil
}

// Open decrypts a ciphertext made by Seal with the key named keyID and the
// same associatedData. It returns an error wrapping ErrUnknownKey when the
// keyring lacks that key, and one wrapping ErrDecrypt when the data does
// not authenticate.
func (k *Keyring) Open(keyID string, ciphertext, associatedData []byte) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("%w %q: the key that sealed this secret is not configured (add it to the previous secret keys)", ErrUnknownKey, keyID)
	}
	if len(ciphertext) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("%w: ciphertext too short", ErrDecrypt)
	}
	nonce, sealed := ciphertext[:aead.NonceSize()], ciphertext[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, sealed, associatedData)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// ParseKey decodes a base64 (standard encoding, surrounding white space
// ignored) key and checks that it is KeySize bytes long. The error never
// contains the key.
func ParseKey(s string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("parse key: not valid base64")
	}
	if len(b) != KeySize {
		return nil, fmt.Errorf("parse key: decodes to %d bytes, want %d", len(b), KeySize)
	}
	return b, nil
}

// EncodeKey returns the base64 form of a key, as ParseKey reads it.
func EncodeKey(key []byte) string { return base64.StdEncoding.EncodeToString(key) }

// GenerateKey returns a new random key.
func GenerateKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return key, nil
}
