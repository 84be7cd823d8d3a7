package registry_test

import (
	"fmt"
	"os"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
)

// The registries every test of the package shares: one with htpasswd
// basic authentication over plain HTTP, one behind a token server over
// TLS from a CA of the test's own, each with a two-platform image.
var (
	basic, tokened *registrytest.Registry
	basicDigest    string
	platforms      = []v1.Platform{{OS: "linux", Architecture: "amd64"}, {OS: "linux", Architecture: "arm64", Variant: "v8"}}
)

const (
	user     = "alice"
	password = "correct-horse-battery"
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "registry-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if basic, err = registrytest.Start(dir, registrytest.Options{Username: user, Password: password}); err != nil {
		fmt.Fprintln(os.Stderr, "start the basic-auth registry:", err)
		return 1
	}
	defer basic.Stop()
	if tokened, err = registrytest.Start(dir, registrytest.Options{Username: user, Password: password, Token: true, TLS: true, TokenTTL: time.Minute}); err != nil {
		fmt.Fprintln(os.Stderr, "start the token-auth registry:", err)
		return 1
	}
	defer tokened.Stop()
	if basicDigest, err = basic.Push("team/app", "v1", user, password, platforms, 1024); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, tag := range []string{"v2", "old"} {
		if _, err := basic.Push("team/app", tag, user, password, platforms[:1], 512); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	if _, err := basic.Push("other", "latest", user, password, platforms[:1], 256); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}
