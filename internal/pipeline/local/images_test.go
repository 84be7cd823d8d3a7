//go:build !unit

package local

import (
	"bytes"
	"os"
	"os/exec"
	"testing"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry/registrytest"
)

// busyboxStatic is Debian's busybox-static: one static binary that is a
// whole userland, so an image of it alone runs RUN lines and scripts.
const busyboxStatic = "/bin/busybox"

// startRegistry runs a docker-registry for the test, with basic
// authentication when user is set.
func startRegistry(t *testing.T, user, password string) *registrytest.Registry {
	t.Helper()
	reg, err := registrytest.Start(t.TempDir(), registrytest.Options{Username: user, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(reg.Stop)
	return reg
}

// busyboxRepo is a repository with Dockerfiles (name -> content) and
// base/, the context of a busybox image: busybox-static as /bin/busybox
// and /bin/sh, its applets linked in /bin by a RUN of its own.
func busyboxRepo(t *testing.T, dockerfiles map[string]string) *repo {
	t.Helper()
	for _, prog := range []string{"buildah", busyboxStatic} {
		if _, err := exec.LookPath(prog); err != nil {
			t.Fatalf("%s is needed (Debian's buildah and busybox-static; hack/setup-test-deps.sh installs them): %v", prog, err)
		}
	}
	bb, err := os.ReadFile(busyboxStatic)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"base/busybox":    string(bb),
		"base/Dockerfile": "FROM scratch\nCOPY --chmod=755 busybox /bin/busybox\nCOPY --chmod=755 busybox /bin/sh\nRUN [\"/bin/busybox\", \"--install\", \"-s\", \"/bin\"]\n",
		"README":          "from the repository\n",
	}
	for name, content := range dockerfiles {
		files[name] = content
	}
	return newRepo(t, t.TempDir(), "app.git", files)
}

// publish runs a publishImage step of job pushing dockerfile's image
// (context: its directory) to reg as tag.
func publish(t *testing.T, e *Engine, job *pipeline.Job, reg *pipeline.RegistryAccess, dockerfile, context, tag string) (pipeline.StepResult, string) {
	t.Helper()
	step := &pipeline.StepJob{
		Step: devopsv1alpha1.Step{Name: "publish", PublishImage: &devopsv1alpha1.PublishImageStep{
			DockerfilePath: dockerfile, BuildContext: context, Tag: tag, PushRemote: true, Registry: "registry",
		}},
		Env:      map[string]string{"CICD_EXECUTION_SEQUENCE": "7"},
		Registry: reg,
	}
	var log bytes.Buffer
	res, err := e.RunStep(t.Context(), job, step, &log)
	if err != nil {
		t.Fatalf("publish %s: %v\n%s", tag, err, log.String())
	}
	return res, log.String()
}
