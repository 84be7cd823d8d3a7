package logstore_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

func TestFromSettingsFS(t *testing.T) {
	data := t.TempDir()
	store, run, err := logstore.FromSettings(&settings.Config{DataDir: data, PipelineLogs: settings.PipelineLogs{Store: settings.PipelineLogStoreFS}}, nil)
	g := gomega.NewWithT(t)
	g.Expect(err).NotTo(gomega.HaveOccurred())
	g.Expect(store).To(gomega.BeAssignableToTypeOf(&logstore.FS{}))
	g.Expect(run(t.Context())).To(gomega.Succeed())
	w := create(t, store, key)
	write(t, w, "x\n")
	closeLog(t, w)
	g.Expect(filepath.Join(data, "pipeline-logs", "team-a", "build-7", "0-1.log")).To(gomega.BeARegularFile())
}

// s3Settings is a valid s3 store configuration whose secret comes from a
// file; nothing is asked of the endpoint until a log is sealed.
func s3Settings(t *testing.T, secret string) *settings.Config {
	t.Helper()
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	return &settings.Config{DataDir: t.TempDir(), PipelineLogs: settings.PipelineLogs{
		Store: settings.PipelineLogStoreS3,
		S3: settings.PipelineLogsS3{Endpoint: "127.0.0.1:9", Bucket: "logs", Prefix: "p", AccessKeyID: "id",
			SecretAccessKeyFile: secretFile, Insecure: true},
	}}
}

func TestFromSettingsS3(t *testing.T) {
	g := gomega.NewWithT(t)
	store, run, err := logstore.FromSettings(s3Settings(t, "s3cr3t\n"), nil)
	g.Expect(err).NotTo(gomega.HaveOccurred())
	g.Expect(store).To(gomega.BeAssignableToTypeOf(&logstore.S3{}))
	g.Expect(run).NotTo(gomega.BeNil())

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, selfSignedPEM(t), 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		edit    func(*settings.Config)
		setting string // empty: no error
	}{
		{"CA file", func(c *settings.Config) { c.PipelineLogs.S3.Insecure, c.PipelineLogs.S3.CAFile = false, caFile }, ""},
		{"missing CA file", func(c *settings.Config) { c.PipelineLogs.S3.CAFile = filepath.Join(t.TempDir(), "none.pem") }, "pipeline-log-s3-ca-file"},
		{"CA file without a certificate", func(c *settings.Config) { c.PipelineLogs.S3.CAFile = notPEM }, "pipeline-log-s3-ca-file"},
		{"missing secret file", func(c *settings.Config) { c.PipelineLogs.S3.SecretAccessKeyFile = filepath.Join(t.TempDir(), "none") }, "pipeline-log-s3-secret-access-key-file"},
		{"empty secret file", func(c *settings.Config) {
			if err := os.WriteFile(c.PipelineLogs.S3.SecretAccessKeyFile, []byte("\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "pipeline-log-s3-secret-access-key-file"},
		{"log directory under a file", func(c *settings.Config) { c.PipelineLogs.Dir = filepath.Join(notPEM, "logs") }, "pipeline-log-dir"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := s3Settings(t, "s3cr3t")
			tt.edit(cfg)
			_, _, err := logstore.FromSettings(cfg, nil)
			g := gomega.NewWithT(t)
			if tt.setting == "" {
				g.Expect(err).NotTo(gomega.HaveOccurred())
				return
			}
			var se *settings.Error
			g.Expect(errors.As(err, &se)).To(gomega.BeTrue(), "want a *settings.Error, got %v", err)
			g.Expect(se.Setting).To(gomega.Equal(tt.setting))
			g.Expect(err.Error()).NotTo(gomega.ContainSubstring("s3cr3t"))
		})
	}
}

// selfSignedPEM is a CA certificate for the CA file's test.
func selfSignedPEM(t *testing.T) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
