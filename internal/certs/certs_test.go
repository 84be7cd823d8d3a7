package certs

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
)

func TestLoadOrCreate(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadOrCreate(dir, []string{"127.0.0.1", "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM) {
		t.Fatal("CA PEM does not parse")
	}
	leaf, _ := x509.ParseCertificate(s.Certificate.Certificate[0])
	for _, host := range []string{"127.0.0.1", "localhost"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host}); err != nil {
			t.Errorf("certificate does not verify for %s: %v", host, err)
		}
	}
	for _, f := range []string{caKey, KeyFile} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v %v", f, fi.Mode().Perm(), err)
		}
	}

	// Same hosts: the same certificate is reused.
	again, err := LoadOrCreate(dir, []string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if string(again.Certificate.Certificate[0]) != string(s.Certificate.Certificate[0]) {
		t.Error("certificate was remade although it covers the hosts")
	}
	// A new host: a new certificate from the same CA.
	wider, err := LoadOrCreate(dir, []string{"127.0.0.1", "wheelhouse.internal"})
	if err != nil {
		t.Fatal(err)
	}
	if string(wider.CAPEM) != string(s.CAPEM) {
		t.Error("the CA changed; clients would stop trusting the server")
	}
	leaf, _ = x509.ParseCertificate(wider.Certificate.Certificate[0])
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "wheelhouse.internal"}); err != nil {
		t.Errorf("renewed certificate: %v", err)
	}
}
