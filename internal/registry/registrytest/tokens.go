package registrytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// TokenServer issues bearer tokens for a registry as the distribution
// token specification says: GET /token?service=&scope= with the account's
// basic authentication answers {"token", "access_token", "expires_in",
// "issued_at"}, a JWT signed with ES256 whose x5c header carries the
// certificate the registry trusts (rootcertbundle). Anonymous requests get
// a token without access.
type TokenServer struct {
	// URL is the server's base URL.
	URL string
	// CertPEM is the signing certificate, the registry's rootcertbundle.
	CertPEM []byte

	srv     *httptest.Server
	key     *ecdsa.PrivateKey
	certDER []byte
	service string
	ttl     time.Duration

	mu       sync.Mutex
	user     string
	password string
	issued   int
}

// StartTokenServer runs a token server for service accepting one account.
func StartTokenServer(user, password, service string, ttl time.Duration) (*TokenServer, error) {
	if ttl == 0 {
		ttl = 5 * time.Minute
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "registrytest token signer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, BasicConstraintsValid: true, IsCA: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	ts := &TokenServer{key: key, certDER: der, CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		service: service, ttl: ttl, user: user, password: password}
	ts.srv = httptest.NewServer(http.HandlerFunc(ts.serve))
	ts.URL = ts.srv.URL
	return ts, nil
}

// Close stops the server.
func (t *TokenServer) Close() { t.srv.Close() }

// SetPassword changes the account's password (a rotation at the registry).
func (t *TokenServer) SetPassword(p string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.password = p
}

// Issued is how many tokens the server has issued.
func (t *TokenServer) Issued() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.issued
}

// TTL is how long the server's tokens last.
func (t *TokenServer) TTL() time.Duration { return t.ttl }

type access struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

func (t *TokenServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/token" {
		http.NotFound(w, r)
		return
	}
	t.mu.Lock()
	wantUser, wantPass := t.user, t.password
	t.mu.Unlock()
	user, pass, ok := r.BasicAuth()
	authed := ok && subtle.ConstantTimeCompare([]byte(user), []byte(wantUser)) == 1 && subtle.ConstantTimeCompare([]byte(pass), []byte(wantPass)) == 1
	if ok && !authed {
		w.Header().Set("WWW-Authenticate", `Basic realm="registrytest"`)
		http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"wrong user name or password"}]}`, http.StatusUnauthorized)
		return
	}
	var grants []access
	if authed {
		for _, scope := range r.URL.Query()["scope"] {
			parts := strings.Split(scope, ":")
			if len(parts) < 3 {
				continue
			}
			grants = append(grants, access{Type: parts[0], Name: strings.Join(parts[1:len(parts)-1], ":"), Actions: strings.Split(parts[len(parts)-1], ",")})
		}
	}
	now := time.Now()
	token, err := t.sign(map[string]any{"iss": "registrytest", "sub": user, "aud": t.service, "exp": now.Add(t.ttl).Unix(),
		"nbf": now.Add(-time.Minute).Unix(), "iat": now.Unix(), "jti": randomID(), "access": grants})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	t.mu.Lock()
	t.issued++
	t.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"token": token, "access_token": token, "expires_in": int(t.ttl.Seconds()), "issued_at": now.UTC().Format(time.RFC3339)})
}

func (t *TokenServer) sign(claims map[string]any) (string, error) {
	header, _ := json.Marshal(map[string]any{"typ": "JWT", "alg": "ES256", "x5c": []string{base64.StdEncoding.EncodeToString(t.certDER)}})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(header) + "." + enc.EncodeToString(payload)
	sum := sha256.Sum256([]byte(signing))
	r, s, err := ecdsa.Sign(rand.Reader, t.key, sum[:])
	if err != nil {
		return "", err
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return signing + "." + enc.EncodeToString(sig), nil
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
