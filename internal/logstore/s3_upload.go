package logstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/minio/minio-go/v7"
	"k8s.io/apimachinery/pkg/util/validation"
)

// upload puts the sealed local log of key into the bucket and then
// removes the local copy. A log that is not sealed, already uploaded (no
// local file) or being uploaded by another call is left alone. On failure
// the local copy stays, sealed, for Run to upload again.
func (s *S3) upload(ctx context.Context, key Key) error {
	s.deleting.RLock()
	defer s.deleting.RUnlock()
	if !s.startUpload(key) {
		return nil
	}
	defer s.endUpload(key)
	f, err := os.Open(s.local.logPath(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("upload log %s: %w", keyName(key), err)
	}
	defer f.Close()
	if !exists(s.local.sealPath(key)) {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("upload log %s: %w", keyName(key), err)
	}
	_, err = s.client.PutObject(ctx, s.bucket, s.objectName(key), f, info.Size(), minio.PutObjectOptions{
		ContentType: "text/plain; charset=utf-8",
		PartSize:    partSize,
	})
	if err != nil {
		return s.describe(err, fmt.Sprintf("upload log %s (kept in %s, uploaded again later)", keyName(key), s.local.logPath(key)))
	}
	if err := s.local.removeUploaded(key, f); err != nil {
		return fmt.Errorf("remove uploaded log %s: %w", keyName(key), err)
	}
	return nil
}

func (s *S3) startUpload(key Key) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.uploading[key] {
		return false
	}
	s.uploading[key] = true
	return true
}

func (s *S3) endUpload(key Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.uploading, key)
}

// uploadExecution uploads every sealed log of the execution still held
// locally.
func (s *S3) uploadExecution(ctx context.Context, namespace, execution string) error {
	keys, err := s.local.logKeys(namespace, execution)
	if err != nil {
		return fmt.Errorf("list logs of %s/%s: %w", namespace, execution, err)
	}
	var errs []error
	for _, key := range keys {
		if exists(s.local.sealPath(key)) {
			if err := s.upload(ctx, key); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// uploadPending uploads every sealed log held locally: the ones whose
// upload failed, in this process or before a restart.
func (s *S3) uploadPending(ctx context.Context) error {
	namespaces, err := os.ReadDir(s.local.dir)
	if err != nil {
		return fmt.Errorf("list pending logs: %w", err)
	}
	var errs []error
	for _, ns := range namespaces {
		if !ns.IsDir() || len(validation.IsDNS1123Label(ns.Name())) > 0 {
			continue
		}
		executions, err := os.ReadDir(filepath.Join(s.local.dir, ns.Name()))
		if err != nil {
			errs = append(errs, fmt.Errorf("list pending logs: %w", err))
			continue
		}
		for _, ex := range executions {
			if !ex.IsDir() || validateExecution(ns.Name(), ex.Name()) != nil {
				continue
			}
			if err := s.uploadExecution(ctx, ns.Name(), ex.Name()); err != nil {
				errs = append(errs, err)
			}
			if ctx.Err() != nil {
				return errors.Join(append(errs, ctx.Err())...)
			}
		}
	}
	return errors.Join(errs...)
}

// Run uploads the sealed logs held locally at its start (those a failed
// upload or a restart left behind) and again every RetryInterval, until
// ctx ends; the server runs it beside its other runners. A failed round is
// logged, not returned: the logs stay readable locally and the next round
// tries again.
func (s *S3) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		if err := s.uploadPending(ctx); err != nil && ctx.Err() == nil {
			s.logger.Warn("Uploading pipeline logs to S3 failed; they stay in the local directory and are retried",
				"error", err, "retryIn", s.retry.String())
		}
		timer.Reset(s.retry)
	}
}

// describe wraps an error of the S3 client with what was being done and,
// where it can tell, what to fix: an unreachable server (ErrUnreachable), a
// missing bucket, refused credentials. It never includes the secret.
func (s *S3) describe(err error, doing string) error {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		switch resp.Code {
		case minio.NoSuchBucket:
			return fmt.Errorf("%s: bucket %q does not exist at %s (setting pipeline-log-s3-bucket)", doing, s.bucket, s.endpoint)
		// versitygw answers an unknown access key with XAdminUserNotFound.
		case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "XAdminUserNotFound":
			return fmt.Errorf("%s: S3 at %s refused access key %q: %s (settings pipeline-log-s3-access-key-id, pipeline-log-s3-secret-access-key)",
				doing, s.endpoint, s.accessID, resp.Message)
		}
		return fmt.Errorf("%s: S3 at %s, bucket %q: %w", doing, s.endpoint, s.bucket, err)
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return fmt.Errorf("%s: %w at %s: %w", doing, ErrUnreachable, s.endpoint, err)
	}
	return fmt.Errorf("%s: S3 at %s: %w", doing, s.endpoint, err)
}
