package logstore

import (
	"context"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

// FromSettings opens the log store the settings choose, with the files
// they name read now (the secret access key file, the CA file), so that a
// bad one stops the server at start with a *settings.Error naming it.
//
// run is the store's background work, for the server's group of runners:
// the S3 store's upload of the logs it could not upload when they were
// sealed. The filesystem store has none; its run returns nil at once.
func FromSettings(cfg *settings.Config, logger *slog.Logger) (store Store, run func(context.Context) error, err error) {
	p := cfg.PipelineLogs
	// Both stores write here; a directory that cannot be made is told as
	// the setting's fault whichever store is chosen.
	if err := os.MkdirAll(cfg.PipelineLogDir(), 0o700); err != nil {
		return nil, nil, &settings.Error{Setting: "pipeline-log-dir", Reason: err.Error()}
	}
	if p.Store != settings.PipelineLogStoreS3 {
		fs, err := NewFS(cfg.PipelineLogDir())
		if err != nil {
			return nil, nil, err
		}
		return fs, func(context.Context) error { return nil }, nil
	}
	secret := p.S3.SecretAccessKey
	if p.S3.SecretAccessKeyFile != "" {
		b, err := os.ReadFile(p.S3.SecretAccessKeyFile)
		if err != nil {
			return nil, nil, &settings.Error{Setting: "pipeline-log-s3-secret-access-key-file", Reason: err.Error()}
		}
		// Files written by hand or by kubectl often end with a newline.
		if secret = strings.TrimSpace(string(b)); secret == "" {
			return nil, nil, &settings.Error{Setting: "pipeline-log-s3-secret-access-key-file", Reason: fmt.Sprintf("%s is empty", p.S3.SecretAccessKeyFile)}
		}
	}
	var roots *x509.CertPool
	if p.S3.CAFile != "" {
		if roots, err = certPool(p.S3.CAFile); err != nil {
			return nil, nil, &settings.Error{Setting: "pipeline-log-s3-ca-file", Reason: err.Error()}
		}
	}
	s3, err := NewS3(S3Config{
		Dir: cfg.PipelineLogDir(), Endpoint: p.S3.Endpoint, Bucket: p.S3.Bucket, Prefix: p.S3.Prefix, Region: p.S3.Region,
		AccessKeyID: p.S3.AccessKeyID, SecretAccessKey: secret, Insecure: p.S3.Insecure, RootCAs: roots, Logger: logger,
	})
	if err != nil {
		return nil, nil, err
	}
	return s3, s3.Run, nil
}

// certPool is the system's authorities plus the PEM certificates of file.
func certPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}
