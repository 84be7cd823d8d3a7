package server

import (
	"bytes"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// consoleCSP allows only this origin: scripts and workers (Monaco's editor
// and YAML workers are bundled files) from it, the API and the exec
// WebSocket on it, and inline styles, which antd's CSS-in-JS and Monaco
// write at run time. Nothing is loaded from anywhere else.
const consoleCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// consoleNotBuilt answers every console route of a binary built without
// the console (web/dist empty), so the cause is plain.
const consoleNotBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wheelhouse</title></head>` +
	`<body><h1>Console not built</h1><p>This binary was built without the web console: run <code>make web</code> ` +
	`(or <code>make build</code>) and rebuild. The API is served as usual; see <a href="/docs">/docs</a>.</p></body></html>`

// apiPrefixes are the paths the console never answers: an unknown API or
// operations path stays a 404, not the console's page.
var apiPrefixes = []string{"/api/", "/k8s/", "/openapi", "/docs", "/healthz", "/readyz", "/metrics"}

// console serves the web console: its hashed assets with a year-long
// cache, and index.html (never cached) for every other GET, so that deep
// links like /clusters/local/nodes open the app at that page.
type console struct {
	files fs.FS
	index []byte
	// modTime is the build time of the binary's embedded files: embed.FS
	// reports none, so the server's start stands in for Last-Modified.
	modTime time.Time
}

func newConsole(files fs.FS) *console {
	index, _ := fs.ReadFile(files, "index.html")
	return &console{files: files, index: index, modTime: time.Now()}
}

func (c *console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	for _, p := range apiPrefixes {
		if strings.HasPrefix(r.URL.Path, p) || r.URL.Path == strings.TrimSuffix(p, "/") {
			http.NotFound(w, r)
			return
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	h := w.Header()
	h.Set("Content-Security-Policy", consoleCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	if c.index == nil {
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(consoleNotBuilt))
		return
	}
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	if name != "" && name != "index.html" {
		if f, err := fs.Stat(c.files, name); err == nil && !f.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				// Vite names every asset by its content hash.
				h.Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				h.Set("Cache-Control", "no-cache")
			}
			http.ServeFileFS(w, r, c.files, name)
			return
		}
		if strings.HasPrefix(name, "assets/") {
			// A missing hashed asset is a stale page asking for an old
			// build's file: the app's page would not help it.
			http.NotFound(w, r)
			return
		}
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "index.html", c.modTime, bytes.NewReader(c.index))
}
