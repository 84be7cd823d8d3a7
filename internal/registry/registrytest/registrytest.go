// Package registrytest runs real Docker registries for tests: Debian's
// docker-registry (distribution 2.8) on 127.0.0.1, with htpasswd basic
// authentication (htpasswd from apache2-utils) or behind a bearer-token
// server this package runs (the distribution token specification, with
// short-lived tokens when asked), over plain HTTP or TLS from a CA it
// makes. It also pushes real multi-platform images with
// go-containerregistry. A missing binary is an error: tests that need a
// registry fail, they do not skip.
package registrytest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"text/template"
	"time"
)

// Binaries the package runs.
const (
	RegistryBinary = "docker-registry"
	HtpasswdBinary = "htpasswd"
)

// Options configure a registry.
type Options struct {
	// Username and Password are the account the registry (or its token
	// server) accepts; empty: no authentication.
	Username, Password string
	// Token puts the registry behind a token server instead of htpasswd.
	Token bool
	// TokenTTL is how long the token server's tokens last; default 5 min.
	TokenTTL time.Duration
	// TLS serves HTTPS with a certificate from a CA of the package's own
	// (Registry.CAPEM).
	TLS bool
	// Notify, when set, is a notifications endpoint: URL and headers.
	NotifyURL     string
	NotifyHeaders map[string]string
	// NotifyCAPEM is the CA of an https NotifyURL (the registry has no
	// setting for it: it reads SSL_CERT_FILE).
	NotifyCAPEM []byte
}

// Registry is a running docker-registry.
type Registry struct {
	// URL is the registry's endpoint (http:// or https://127.0.0.1:PORT).
	URL string
	// Host is its host:port.
	Host string
	// CAPEM is the CA that signed its certificate, with TLS.
	CAPEM []byte
	// Tokens is the token server, with Options.Token.
	Tokens *TokenServer
	// Log is where the registry writes its output.
	Log *bytes.Buffer

	cmd *exec.Cmd
	dir string
}

// Start runs a registry with opts in a new directory under dir until
// Stop.
func Start(dir string, opts Options) (*Registry, error) {
	bin, err := exec.LookPath(RegistryBinary)
	if err != nil {
		return nil, fmt.Errorf("%s not found (install Debian's docker-registry): %w", RegistryBinary, err)
	}
	dir, err = os.MkdirTemp(dir, "registry-")
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	r := &Registry{Host: fmt.Sprintf("127.0.0.1:%d", port), dir: dir, Log: &bytes.Buffer{}}
	data := map[string]any{"Dir": dir, "Addr": r.Host, "Opts": opts}
	if opts.TLS {
		caPEM, certPEM, keyPEM, err := serverCert()
		if err != nil {
			return nil, err
		}
		r.CAPEM = caPEM
		if err := os.WriteFile(filepath.Join(dir, "tls.crt"), certPEM, 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "tls.key"), keyPEM, 0o600); err != nil {
			return nil, err
		}
	}
	switch {
	case opts.Token:
		ts, err := StartTokenServer(opts.Username, opts.Password, "test-registry", opts.TokenTTL)
		if err != nil {
			return nil, err
		}
		r.Tokens = ts
		if err := os.WriteFile(filepath.Join(dir, "token.crt"), ts.CertPEM, 0o600); err != nil {
			return nil, err
		}
		data["Realm"] = ts.URL + "/token"
	case opts.Username != "":
		if err := htpasswd(filepath.Join(dir, "htpasswd"), opts.Username, opts.Password); err != nil {
			return nil, err
		}
	}
	var cfg bytes.Buffer
	if err := configTemplate.Execute(&cfg, data); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), cfg.Bytes(), 0o600); err != nil {
		return nil, err
	}
	r.cmd = exec.Command(bin, "serve", filepath.Join(dir, "config.yml"))
	r.cmd.Stdout, r.cmd.Stderr = r.Log, r.Log
	// Dies with the test binary, even one killed at its timeout.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if opts.NotifyCAPEM != nil {
		caFile := filepath.Join(dir, "notify-ca.crt")
		if err := os.WriteFile(caFile, opts.NotifyCAPEM, 0o600); err != nil {
			return nil, err
		}
		r.cmd.Env = append(os.Environ(), "SSL_CERT_FILE="+caFile)
	}
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	scheme := "http"
	if opts.TLS {
		scheme = "https"
	}
	r.URL = scheme + "://" + r.Host
	if err := r.waitReady(); err != nil {
		r.Stop()
		return nil, fmt.Errorf("%w; its output: %s", err, r.Log.String())
	}
	return r, nil
}

// Stop ends the registry and its token server and removes its data.
func (r *Registry) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
	}
	if r.Tokens != nil {
		r.Tokens.Close()
	}
	_ = os.RemoveAll(r.dir)
}

func (r *Registry) waitReady() error {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // a readiness probe
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := c.Get(r.URL + "/v2/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("the registry did not answer within 30 s")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// htpasswd writes a bcrypt htpasswd file with one user, with apache2-utils'
// htpasswd.
func htpasswd(path, user, password string) error {
	bin, err := exec.LookPath(HtpasswdBinary)
	if err != nil {
		return fmt.Errorf("%s not found (install Debian's apache2-utils): %w", HtpasswdBinary, err)
	}
	out, err := exec.Command(bin, "-Bbn", user, password).Output()
	if err != nil {
		return fmt.Errorf("htpasswd: %w", err)
	}
	return os.WriteFile(path, out, 0o600)
}

var configTemplate = template.Must(template.New("config").Parse(`version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {{.Dir}}/data
  delete:
    enabled: true
http:
  addr: {{.Addr}}
{{- if .Opts.TLS}}
  tls:
    certificate: {{.Dir}}/tls.crt
    key: {{.Dir}}/tls.key
{{- end}}
{{- if .Opts.Token}}
auth:
  token:
    realm: {{.Realm}}
    service: test-registry
    issuer: registrytest
    rootcertbundle: {{.Dir}}/token.crt
{{- else if .Opts.Username}}
auth:
  htpasswd:
    realm: registrytest
    path: {{.Dir}}/htpasswd
{{- end}}
{{- if .Opts.NotifyURL}}
notifications:
  endpoints:
    - name: wheelhouse
      url: {{.Opts.NotifyURL}}
      timeout: 2s
      threshold: 3
      backoff: 1s
      headers:
{{- range $k, $v := .Opts.NotifyHeaders}}
        {{$k}}: [{{$v}}]
{{- end}}
{{- end}}
`))

// serverCert makes a CA and a serving certificate for 127.0.0.1 signed by
// it.
func serverCert() (caPEM, certPEM, keyPEM []byte, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "registrytest CA"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, nil, err
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"}, NotBefore: time.Now().Add(-time.Hour),
		NotAfter: time.Now().Add(24 * time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, nil, err
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), nil
}
