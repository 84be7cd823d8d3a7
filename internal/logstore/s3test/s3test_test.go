//go:build !unit

package s3test_test

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"

	"github.com/wheelhouse-dev/wheelhouse/internal/logstore/s3test"
)

func TestMain(m *testing.M) { s3test.Main(m) }

// TestStart exercises what other packages use: a reachable server, a bucket
// of each test's own, and an object that reads back.
func TestStart(t *testing.T) {
	a, b := s3test.Start(t), s3test.Start(t)
	if a.Endpoint != b.Endpoint {
		t.Errorf("two servers in one package: %s and %s", a.Endpoint, b.Endpoint)
	}
	if a.Bucket == b.Bucket {
		t.Errorf("two tests share bucket %s", a.Bucket)
	}
	if _, err := a.Client.PutObject(t.Context(), a.Bucket, "x/y.txt", strings.NewReader("hello"), 5, minio.PutObjectOptions{}); err != nil {
		t.Fatalf("put: %v", err)
	}
	obj, err := a.Client.GetObject(t.Context(), a.Bucket, "x/y.txt", minio.GetObjectOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	defer obj.Close()
	got, err := io.ReadAll(obj)
	if err != nil || string(got) != "hello" {
		t.Fatalf("read back %q, %v; want hello", got, err)
	}
}

// TestStartWithoutVersitygw runs a test that calls Start in a child process
// with a tools directory that does not exist: that test must fail (not
// skip) with the hint to run `make tools`.
func TestStartWithoutVersitygw(t *testing.T) {
	if os.Getenv("S3TEST_CHILD") == "1" {
		s3test.Start(t)
		return
	}
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestStartWithoutVersitygw$", "-test.v")
	cmd.Env = append(os.Environ(), "S3TEST_CHILD=1", "WHEELHOUSE_TOOLS_DIR="+t.TempDir()+"/missing")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("child test did not fail: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- FAIL: TestStartWithoutVersitygw") ||
		!strings.Contains(string(out), "versitygw not found at ") ||
		!strings.Contains(string(out), "run `make tools`") {
		t.Fatalf("child test output lacks the failure and the hint:\n%s", out)
	}
}
