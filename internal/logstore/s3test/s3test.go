//go:build !unit

// Package s3test runs a real S3 server for tests: versitygw, built by
// `make tools` into the tools directory, serving a temporary directory on
// 127.0.0.1. One server runs per test package (a test binary), started by
// the first test that asks for one; each test gets a bucket of its own.
//
// A test package that uses it calls Main from its TestMain, which stops the
// server and removes its directory when the tests end. A test that cannot
// find versitygw fails with the hint to run `make tools`; it never skips.
// Files that use it carry `//go:build !unit`, as this package does (so a
// forgotten tag fails to build under -tags unit), like sandboxtest.
package s3test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/wheelhouse-dev/wheelhouse/internal/sandbox"
)

// Region is the region the server answers for.
const Region = "us-east-1"

// startTimeout bounds the server's start: it answers in well under a
// second on an idle machine.
const startTimeout = time.Minute

// Server is where a test's bucket is.
type Server struct {
	// Endpoint is host:port, plain HTTP.
	Endpoint string
	// AccessKeyID and SecretAccessKey are the server's root credentials.
	AccessKeyID, SecretAccessKey string
	// Bucket was created for the test and is its own.
	Bucket string
	// Client is signed with the credentials, for checks on the bucket.
	Client *minio.Client
}

// gateway is the package's one running server.
type gateway struct {
	cmd      *exec.Cmd
	dir      string
	endpoint string
	access   string
	secret   string
	exited   chan struct{}
}

var (
	mainCalled bool
	once       sync.Once
	running    *gateway
	startErr   error
)

// Main runs the package's tests and then stops the server, if one was
// started, and removes its directory. Call it from TestMain:
//
//	func TestMain(m *testing.M) { s3test.Main(m) }
func Main(m *testing.M) {
	mainCalled = true
	code := m.Run()
	if running != nil {
		running.stop()
	}
	os.Exit(code)
}

// Start returns the package's S3 server, starting it on first use, with a
// new empty bucket for t. It fails t when versitygw is not in the tools
// directory ($WHEELHOUSE_TOOLS_DIR/bin, else the default tools cache).
func Start(t testing.TB) Server {
	t.Helper()
	if !mainCalled {
		t.Fatal("s3test: call s3test.Main(m) from the package's TestMain, so that the server stops with the tests")
	}
	once.Do(func() { running, startErr = start() })
	if startErr != nil {
		t.Fatal(startErr)
	}
	client, err := running.client()
	if err != nil {
		t.Fatal(err)
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	bucket := "test-" + hex.EncodeToString(b[:])
	if err := client.MakeBucket(t.Context(), bucket, minio.MakeBucketOptions{Region: Region}); err != nil {
		t.Fatalf("s3test: create bucket %s: %v", bucket, err)
	}
	return Server{Endpoint: running.endpoint, AccessKeyID: running.access, SecretAccessKey: running.secret, Bucket: bucket, Client: client}
}

// Binary is where versitygw is looked for.
func Binary() string {
	return filepath.Join(sandbox.DefaultToolsDir(), "bin", "versitygw")
}

func start() (*gateway, error) {
	bin := Binary()
	if info, err := os.Stat(bin); err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return nil, fmt.Errorf("s3test: versitygw not found at %s: run `make tools` (it builds versitygw into the tools cache)", bin)
	}
	dir, err := os.MkdirTemp("", "wheelhouse-s3test-")
	if err != nil {
		return nil, fmt.Errorf("s3test: %w", err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o700); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("s3test: %w", err)
	}
	port, err := freePort()
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("s3test: %w", err)
	}
	g := &gateway{dir: dir, endpoint: net.JoinHostPort("127.0.0.1", port), access: "s3test", secret: randomSecret(), exited: make(chan struct{})}
	logFile, err := os.Create(filepath.Join(dir, "versitygw.log"))
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("s3test: %w", err)
	}
	defer logFile.Close()
	// The credentials go through the environment, not the command line,
	// which other users of the machine can read.
	g.cmd = exec.Command(bin, "--port", g.endpoint, "--region", Region, "--quiet", "posix", data)
	g.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY_ID="+g.access, "ROOT_SECRET_ACCESS_KEY="+g.secret)
	g.cmd.Stdout, g.cmd.Stderr = logFile, logFile
	// The server dies with the test binary, even one killed by a timeout.
	g.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := g.cmd.Start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("s3test: start %s: %w", bin, err)
	}
	go func() {
		_ = g.cmd.Wait()
		close(g.exited)
	}()
	if err := g.waitReady(); err != nil {
		out, _ := os.ReadFile(logFile.Name())
		g.stop()
		return nil, fmt.Errorf("s3test: versitygw on %s did not start: %w\n%s", g.endpoint, err, out)
	}
	return g, nil
}

// waitReady polls the server until it lists buckets, it exits, or
// startTimeout passes.
func (g *gateway) waitReady() error {
	client, err := g.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		_, err := client.ListBuckets(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-g.exited:
			return errors.New("it exited")
		case <-ctx.Done():
			return fmt.Errorf("%w (last answer: %v)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

func (g *gateway) client() (*minio.Client, error) {
	c, err := minio.New(g.endpoint, &minio.Options{
		Creds:  credentials.NewStaticV4(g.access, g.secret, ""),
		Region: Region,
	})
	if err != nil {
		return nil, fmt.Errorf("s3test: client: %w", err)
	}
	return c, nil
}

func (g *gateway) stop() {
	if g.cmd.Process != nil {
		_ = g.cmd.Process.Kill()
		<-g.exited
	}
	_ = os.RemoveAll(g.dir)
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

func randomSecret() string {
	var b [20]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
