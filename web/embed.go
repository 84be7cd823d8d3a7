// Package web holds the web console's built files (web/dist, made by
// `make web`), embedded so that one binary serves the API and the console.
package web

import (
	"embed"
	"io/fs"
)

// dist is the Vite build output. Before `make web` it holds only the
// committed .gitkeep, so `go build ./...` works without Node.
//
//go:embed all:dist
var dist embed.FS

// Dist returns the built console files, rooted at dist/.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path; "dist" is valid.
		panic(err)
	}
	return sub
}
