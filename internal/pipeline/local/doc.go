// Package local is the local engine, the embedded default
// pipeline.Engine: it runs an execution's steps on the server's own host.
//
// Everything lives under Options.Root:
//
//	mirrors/<hash>/                 a bare mirror per repository URL, fetched
//	                                before each execution
//	workspaces/<ns>/<name>/src      the execution's checkout (a clone sharing
//	                                the mirror's objects), where steps run
//	workspaces/<ns>/<name>/home     the steps' HOME; tmp/ their TMPDIR;
//	                                mounts/ absolute cache paths (Podman)
//	workspaces/<ns>/<name>/run/     one file per running step naming its
//	                                process group (or container), so that
//	                                New kills what a killed server left
//	cache/<ns>/<pipeline>/<key>/    build caches (or job.CacheRoot)
//	buildah/, podman/               image storage of publishImage and of
//	                                steps run with Podman isolation
//
// runScript steps run as `sh -e <script file>` either as a process group
// on the host (Process isolation: the step's image is not used) or in the
// step's image with podman (Podman isolation). Process isolation is no
// sandbox: the step runs as the server's user and sees the host's files,
// limited in priority and (with cgroup v1) in CPU and memory; it keeps
// steps from each other's environments and leaves nothing running, which
// is what a trusted team's builds need. Untrusted code (pull requests from forks) belongs in
// Podman isolation or the Kubernetes engine. publishImage builds with
// buildah and pushes. applyYaml and applyApp are the execution runner's
// own: the engine only offers ReadFile.
//
// The host needs git; buildah for publishImage; podman and runc for Podman
// isolation (hack/setup-test-deps.sh installs them on Debian).
package local
