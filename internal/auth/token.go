package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// TokenPrefix starts every Wheelhouse token, so secret scanners can find
// leaked ones.
const TokenPrefix = "whk_"

// displayPrefixLen is how many characters of a token are kept in clear to
// tell tokens apart in listings.
const displayPrefixLen = 12

// newToken returns a fresh token, its stored hash and its display prefix.
func newToken() (token, hash, prefix string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", "", fmt.Errorf("read random: %w", err)
	}
	token = TokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), token[:displayPrefixLen], nil
}

// HashToken is the stored form of a token: the hex SHA-256. Tokens carry 256
// random bits, so a fast hash is enough (no salt or stretching needed).
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// looksLikeToken rejects obviously malformed bearer values before any
// database lookup.
func looksLikeToken(s string) bool {
	return strings.HasPrefix(s, TokenPrefix) && len(s) == len(TokenPrefix)+43
}
