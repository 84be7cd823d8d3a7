//go:build !unit

package logstore_test

import (
	"context"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/onsi/gomega"

	"github.com/wheelhouse-dev/wheelhouse/internal/logstore"
	"github.com/wheelhouse-dev/wheelhouse/internal/logstore/s3test"
	"github.com/wheelhouse-dev/wheelhouse/internal/settings"
)

func TestMain(m *testing.M) { s3test.Main(m) }

// s3Config is a store's configuration for srv's bucket under the prefix
// "logs/", writing locally under dir.
func s3Config(srv s3test.Server, dir string) logstore.S3Config {
	return logstore.S3Config{
		Dir: dir, Endpoint: srv.Endpoint, Bucket: srv.Bucket, Prefix: "logs", Region: s3test.Region,
		AccessKeyID: srv.AccessKeyID, SecretAccessKey: srv.SecretAccessKey, Insecure: true,
	}
}

func newS3(t *testing.T, cfg logstore.S3Config) *logstore.S3 {
	t.Helper()
	s, err := logstore.NewS3(cfg)
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	return s
}

func TestS3Contract(t *testing.T) {
	testContract(t, func(t *testing.T) opener {
		cfg := s3Config(s3test.Start(t), t.TempDir())
		return func() logstore.Store { return newS3(t, cfg) }
	})
}

// objectText reads an object of srv's bucket.
func objectText(t *testing.T, srv s3test.Server, name string) (string, error) {
	t.Helper()
	obj, err := srv.Client.GetObject(t.Context(), srv.Bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return "", err
	}
	defer obj.Close()
	b, err := io.ReadAll(obj)
	return string(b), err
}

// TestS3UploadOnSeal checks where a log is at each point of its life: in
// the local directory while written, in the bucket (under the prefix) once
// sealed, and read back from there with offsets.
func TestS3UploadOnSeal(t *testing.T) {
	srv := s3test.Start(t)
	dir := t.TempDir()
	s := newS3(t, s3Config(srv, dir))
	local := filepath.Join(dir, "team-a", "build-7", "0-1.log")
	object := "logs/team-a/build-7/0-1.log"
	g := gomega.NewWithT(t)

	w := create(t, s, key)
	write(t, w, "compiling\n")
	g.Expect(local).To(gomega.BeARegularFile())
	_, err := objectText(t, srv, object)
	g.Expect(minio.ToErrorResponse(err).Code).To(gomega.Equal(minio.NoSuchKey), "uploaded before it was sealed")
	f := follow(t, s, key, 0)
	eventually(t, f.text).Should(gomega.Equal("compiling\n"))
	write(t, w, "linking\n")
	closeLog(t, w)

	g.Expect(objectText(t, srv, object)).To(gomega.Equal("compiling\nlinking\n"))
	g.Expect(local).NotTo(gomega.BeAnExistingFile(), "the local copy stays after its upload")
	g.Expect(f.end(t)).To(gomega.Succeed())
	g.Expect(f.text()).To(gomega.Equal("compiling\nlinking\n"))

	expectRead(t, s, key, 0, "compiling\nlinking\n")
	expectRead(t, s, key, 10, "linking\n")
	expectRead(t, s, key, 18, "")
	expectRead(t, s, key, 1000, "")
	fromOffset := follow(t, s, key, 10)
	g.Expect(fromOffset.end(t)).To(gomega.Succeed())
	g.Expect(fromOffset.text()).To(gomega.Equal("linking\n"))

	// Another server process (a store with its own, empty directory) reads
	// the log from the bucket, and a follower there that was waiting for
	// the log finds it there.
	other := newS3(t, s3Config(srv, t.TempDir()))
	expectRead(t, other, key, 10, "linking\n")
	waiting := follow(t, other, keyAt(0, 2), 0)
	w = create(t, s, keyAt(0, 2))
	write(t, w, "tests passed\n")
	closeLog(t, w)
	g.Expect(waiting.end(t)).To(gomega.Succeed())
	g.Expect(waiting.text()).To(gomega.Equal("tests passed\n"))

	// Delete takes the objects with it.
	g.Expect(s.Delete(t.Context(), key.Namespace, key.Execution)).To(gomega.Succeed())
	_, err = objectText(t, srv, object)
	g.Expect(minio.ToErrorResponse(err).Code).To(gomega.Equal(minio.NoSuchKey), "Delete left the object")
	_, err = other.Open(t.Context(), key, 0)
	g.Expect(err).To(gomega.MatchError(logstore.ErrNotFound))
}

// unreachableEndpoint is an address on this machine where nothing listens.
func unreachableEndpoint(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	return addr
}

// TestS3Unreachable checks what happens to a log sealed while S3 cannot be
// reached: Close and Seal say so clearly, the log stays in the local
// directory (sealed, readable, its followers end), and Run uploads it once
// S3 answers (here: the server started again with the right endpoint).
func TestS3Unreachable(t *testing.T) {
	srv := s3test.Start(t)
	dir := t.TempDir()
	cfg := s3Config(srv, dir)
	cfg.Endpoint = unreachableEndpoint(t)
	down := newS3(t, cfg)
	g := gomega.NewWithT(t)

	w := create(t, down, key)
	write(t, w, "built\n")
	f := follow(t, down, key, 0)
	eventually(t, f.text).Should(gomega.Equal("built\n"))
	err := w.Close()
	g.Expect(err).To(gomega.MatchError(logstore.ErrUnreachable))
	g.Expect(err.Error()).To(gomega.And(
		gomega.ContainSubstring(cfg.Endpoint),
		gomega.ContainSubstring("team-a/build-7/0-1"),
		gomega.ContainSubstring("kept in "+filepath.Join(dir, "team-a", "build-7", "0-1.log")),
		gomega.Not(gomega.ContainSubstring(cfg.SecretAccessKey))))
	g.Expect(f.end(t)).To(gomega.Succeed(), "a log sealed locally ends its followers though its upload failed")
	expectRead(t, down, key, 0, "built\n")

	running := create(t, down, keyAt(1, 0))
	write(t, running, "half")
	err = down.Seal(t.Context(), key.Namespace, key.Execution, "given up")
	g.Expect(err).To(gomega.MatchError(logstore.ErrUnreachable))
	expectRead(t, down, keyAt(1, 0), 0, "half\ngiven up\n")

	// A read of a log that is only in the bucket says S3 is unreachable,
	// rather than that the log does not exist.
	_, err = down.Open(t.Context(), keyAt(9, 9), 0)
	g.Expect(err).To(gomega.MatchError(logstore.ErrUnreachable))

	// The server starts again, S3 reachable: Run uploads what was left.
	up := newS3(t, s3Config(srv, dir))
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan error, 1)
	go func() { ran <- up.Run(ctx) }()
	for _, name := range []string{"logs/team-a/build-7/0-1.log", "logs/team-a/build-7/1-0.log"} {
		eventually(t, func() (string, error) { return objectText(t, srv, name) }).
			Should(gomega.Equal(map[string]string{"logs/team-a/build-7/0-1.log": "built\n", "logs/team-a/build-7/1-0.log": "half\ngiven up\n"}[name]))
	}
	eventually(t, func() string { return filepath.Join(dir, "team-a", "build-7", "0-1.log") }).ShouldNot(gomega.BeAnExistingFile())
	eventually(t, func() string { return filepath.Join(dir, "team-a", "build-7", "1-0.log") }).ShouldNot(gomega.BeAnExistingFile())
	cancel()
	g.Expect(<-ran).To(gomega.Succeed())
	expectRead(t, up, keyAt(1, 0), 5, "given up\n")

	// Delete while S3 is unreachable says so; again, once it answers,
	// it removes the objects.
	g.Expect(down.Delete(t.Context(), key.Namespace, key.Execution)).To(gomega.MatchError(logstore.ErrUnreachable))
	g.Expect(up.Delete(t.Context(), key.Namespace, key.Execution)).To(gomega.Succeed())
	_, err = up.Open(t.Context(), keyAt(1, 0), 0)
	g.Expect(err).To(gomega.MatchError(logstore.ErrNotFound))
}

// TestS3RefusedCredentials checks that wrong credentials and a missing
// bucket are told as such, naming the setting at fault and never the
// secret.
func TestS3RefusedCredentials(t *testing.T) {
	srv := s3test.Start(t)
	tests := []struct {
		name string
		edit func(*logstore.S3Config)
		want string
	}{
		{"wrong secret", func(c *logstore.S3Config) { c.SecretAccessKey = "not-the-secret-0123456789" }, "pipeline-log-s3-secret-access-key"},
		{"unknown access key", func(c *logstore.S3Config) { c.AccessKeyID = "nobody" }, "refused access key \"nobody\""},
		{"missing bucket", func(c *logstore.S3Config) { c.Bucket = "no-such-bucket" }, "bucket \"no-such-bucket\" does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := s3Config(srv, t.TempDir())
			tt.edit(&cfg)
			s := newS3(t, cfg)
			w := create(t, s, key)
			write(t, w, "x\n")
			err := w.Close()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Close: %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), cfg.SecretAccessKey) {
				t.Fatalf("the error shows the secret: %v", err)
			}
			if errors.Is(err, logstore.ErrUnreachable) {
				t.Errorf("a refusal reported as unreachable: %v", err)
			}
			expectRead(t, s, key, 0, "x\n") // kept locally
		})
	}
}

func TestNewS3Validates(t *testing.T) {
	base := logstore.S3Config{Dir: t.TempDir(), Endpoint: "127.0.0.1:9000", Bucket: "logs"}
	tests := map[string]func(*logstore.S3Config){
		"no endpoint":         func(c *logstore.S3Config) { c.Endpoint = "" },
		"endpoint with a URL": func(c *logstore.S3Config) { c.Endpoint = "https://s3.example.com" },
		"no bucket":           func(c *logstore.S3Config) { c.Bucket = "" },
		"no directory":        func(c *logstore.S3Config) { c.Dir = "" },
	}
	for name, edit := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := base
			edit(&cfg)
			if _, err := logstore.NewS3(cfg); err == nil {
				t.Errorf("NewS3 accepted %+v", cfg)
			}
		})
	}
	if _, err := logstore.NewS3(base); err != nil {
		t.Errorf("NewS3: %v", err)
	}
}

// TestS3FromSettings opens the store as the server will, from its
// settings (the secret in a file), and checks a sealed log lands in the
// bucket under the configured prefix.
func TestS3FromSettings(t *testing.T) {
	srv := s3test.Start(t)
	cfg := s3Settings(t, srv.SecretAccessKey+"\n")
	cfg.PipelineLogs.S3 = settings.PipelineLogsS3{
		Endpoint: srv.Endpoint, Bucket: srv.Bucket, Prefix: "ci/logs", Region: s3test.Region, AccessKeyID: srv.AccessKeyID,
		SecretAccessKeyFile: cfg.PipelineLogs.S3.SecretAccessKeyFile, Insecure: true,
	}
	store, run, err := logstore.FromSettings(cfg, nil)
	if err != nil {
		t.Fatalf("FromSettings: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan error, 1)
	go func() { ran <- run(ctx) }()
	w := create(t, store, key)
	write(t, w, "from settings\n")
	closeLog(t, w)
	g := gomega.NewWithT(t)
	g.Expect(objectText(t, srv, "ci/logs/team-a/build-7/0-1.log")).To(gomega.Equal("from settings\n"))
	g.Expect(filepath.Join(cfg.DataDir, "pipeline-logs", "team-a", "build-7", "0-1.log")).NotTo(gomega.BeAnExistingFile())
	cancel()
	g.Expect(<-ran).To(gomega.Succeed())
}
