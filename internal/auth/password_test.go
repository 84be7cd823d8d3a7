package auth

import (
	"strings"
	"testing"
)

func TestHashPassword(t *testing.T) {
	h, err := HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("unexpected hash format %q", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Error("hash contains the password")
	}
	h2, _ := HashPassword("correct horse")
	if h == h2 {
		t.Error("two hashes of one password are equal: salt is not random")
	}
	tests := []struct {
		password string
		want     bool
	}{
		{"correct horse", true},
		{"correct horse ", false},
		{"Correct horse", false},
		{"", false},
	}
	for _, tt := range tests {
		ok, err := VerifyPassword(h, tt.password)
		if err != nil || ok != tt.want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tt.password, ok, err, tt.want)
		}
	}
}

func TestVerifyPasswordRejectsMalformedHashes(t *testing.T) {
	for _, h := range []string{"", "plain", "$2a$10$bcrypt", "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=x,t=1,p=1$c2FsdA$aGFzaA", "$argon2id$v=19$m=1,t=1,p=1$!!$aGFzaA"} {
		if _, err := VerifyPassword(h, "x"); err == nil {
			t.Errorf("VerifyPassword accepted hash %q", h)
		}
	}
}

func TestGeneratePassword(t *testing.T) {
	a, _ := GeneratePassword()
	b, _ := GeneratePassword()
	if len(a) != 24 || a == b {
		t.Errorf("generated %q and %q", a, b)
	}
}

func TestTokens(t *testing.T) {
	tok, hash, prefix, err := newToken()
	if err != nil {
		t.Fatal(err)
	}
	if !looksLikeToken(tok) || !strings.HasPrefix(tok, prefix) || len(prefix) != displayPrefixLen {
		t.Errorf("token %q prefix %q", tok, prefix)
	}
	if hash != HashToken(tok) || len(hash) != 64 || strings.Contains(hash, tok[len(TokenPrefix):]) {
		t.Errorf("hash %q", hash)
	}
	for _, bad := range []string{"", "whk_", tok[:len(tok)-1], "Bearer " + tok, "xyz" + tok[3:]} {
		if looksLikeToken(bad) {
			t.Errorf("looksLikeToken(%q) = true", bad)
		}
	}
}

func TestDummyHashMatchesParameters(t *testing.T) {
	h, _ := HashPassword("x")
	params := func(s string) string { return strings.Join(strings.Split(s, "$")[:4], "$") }
	if params(dummyHash) != params(h) {
		t.Errorf("dummyHash parameters %q differ from HashPassword's %q: regenerate it", params(dummyHash), params(h))
	}
	if ok, err := VerifyPassword(dummyHash, ""); err != nil || ok {
		t.Errorf("dummyHash verify: %v %v", ok, err)
	}
}
