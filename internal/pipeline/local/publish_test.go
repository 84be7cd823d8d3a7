//go:build !unit

package local

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// publishImage builds with real buildah and pushes to a real registry
// that asks for a password: an image FROM scratch, then one whose RUN
// line runs in a base image pulled from that registry with the same
// credentials.
func TestPublishImage(t *testing.T) {
	const user, password = "ci", "p4ssw0rd-n0t-1n-l0gs"
	reg := startRegistry(t, user, password)
	r := busyboxRepo(t, map[string]string{
		"scratch/Dockerfile": "FROM scratch\nCOPY hello.txt /hello.txt\n",
		"scratch/hello.txt":  "hello\n",
		"run/Dockerfile":     "FROM " + reg.Host + "/team/base:1\nRUN echo built-by-run > /built && cat /built\n",
		"broken/Dockerfile":  "FROM scratch\nCOPY missing.txt /\n",
	})
	e := newEngine(t)
	job := prepared(t, e, r, "run-1")
	access := &pipeline.RegistryAccess{Host: reg.Host, Username: user, Password: password, Insecure: true}

	for _, tc := range []struct {
		name, dockerfile, context, tag string
		fail                           string
		log                            string
	}{
		{name: "from scratch", dockerfile: "scratch/Dockerfile", context: "scratch", tag: "team/hello:${CICD_EXECUTION_SEQUENCE}"},
		{name: "busybox base", dockerfile: "./base/Dockerfile", context: "base", tag: "team/base:1"},
		{name: "run in the base", dockerfile: "run/Dockerfile", context: "run", tag: "team/run:1", log: "built-by-run"},
		{name: "broken", dockerfile: "broken/Dockerfile", context: "broken", tag: "team/broken:1", fail: "build of " + reg.Host + "/team/broken:1 failed"},
		{name: "outside", dockerfile: "../Dockerfile", context: ".", tag: "team/x:1", fail: "dockerfilePath"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, log := publish(t, e, job, access, tc.dockerfile, tc.context, tc.tag)
			if strings.Contains(log, password) {
				t.Errorf("the password is in the log")
			}
			if tc.fail != "" {
				if res.ExitCode == 0 || !strings.Contains(res.Message, tc.fail) {
					t.Fatalf("result = %+v, want a failure saying %q", res, tc.fail)
				}
				return
			}
			if res.ExitCode != 0 {
				t.Fatalf("result = %+v\n%s", res, log)
			}
			if !strings.Contains(log, tc.log) {
				t.Errorf("log lacks %q:\n%s", tc.log, log)
			}
			ref, err := reg.Ref(strings.ReplaceAll(tc.tag, "${CICD_EXECUTION_SEQUENCE}", "7"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := remote.Image(ref, reg.RemoteOptions(user, password)...); err != nil {
				t.Errorf("the registry lacks %s: %v", ref, err)
			}
		})
	}
	left, _ := filepath.Glob(filepath.Join(e.opts.Root, "tmp", "buildah-*"))
	if len(left) > 0 {
		t.Errorf("auth directories left: %v", left)
	}
	b, err := os.ReadFile(filepath.Join(e.opts.Root, "buildah", "root", "vfs-images", "images.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, built := range []string{"team/hello", "team/run"} {
		if strings.Contains(string(b), built) {
			t.Errorf("the built image %s stayed in buildah's storage", built)
		}
	}
}
