// Package version reports what build of Wheelhouse is running. The values
// are set at link time by the Makefile (-ldflags -X).
package version

import "runtime"

var (
	// Version is the release or `git describe` of the build.
	Version = "dev"
	// Commit is the git commit of the build.
	Commit = "unknown"
)

// Info describes the running build.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"goVersion"`
}

// Get returns the running build's Info.
func Get() Info {
	return Info{Version: Version, Commit: Commit, GoVersion: runtime.Version()}
}
