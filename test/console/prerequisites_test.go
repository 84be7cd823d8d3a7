package console

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/wheelhouse-dev/wheelhouse/web"
)

// chromiumPath is Debian's chromium (`apt-get install chromium`), or
// WH_CHROMIUM.
func chromiumPath() string {
	if p := os.Getenv("WH_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// requirePrerequisites fails the test (never skips it) when something the
// browser tests need is missing, saying how to get it.
func requirePrerequisites(t *testing.T, webDir string) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node is not installed: the browser tests run Playwright with Node 20")
	}
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Fatalf("no browser at %s: apt-get install chromium (or set WH_CHROMIUM)", chromiumPath())
	}
	for _, mod := range []string{"playwright-core", "axe-core"} {
		if _, err := os.Stat(filepath.Join(webDir, "node_modules", mod)); err != nil {
			t.Fatalf("web/node_modules/%s is missing: run make web", mod)
		}
	}
	if _, err := fs.Stat(web.Dist(), "index.html"); err != nil {
		t.Fatal("the console is not built into this test binary: run make web, then go test")
	}
}
