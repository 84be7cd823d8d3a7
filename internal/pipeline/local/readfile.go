package local

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// maxReadFile bounds what ReadFile returns: it is held in the server's
// memory and applied as manifests.
const maxReadFile = 32 << 20

// ReadFile implements pipeline.Engine: path is relative to the checkout,
// and neither `..` nor a symbolic link may lead out of it (os.Root).
//
// applyYaml's path may name a directory, as kubectl apply -f does: the
// directory's .yaml, .yml and .json files (not its subdirectories), in
// name order, are returned as one YAML stream, each its own document
// ("---" between them; JSON is YAML). So the runner applies a directory
// through the same one call.
func (e *Engine) ReadFile(_ context.Context, job *pipeline.Job, p string) ([]byte, error) {
	ws, err := e.workspace(job)
	if err != nil {
		return nil, err
	}
	rel, err := relPath(p)
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(src(ws))
	if err != nil {
		return nil, fmt.Errorf("workspace of %s/%s: %w", job.Namespace, job.Name, err)
	}
	defer root.Close()
	info, err := root.Stat(rel)
	if err != nil {
		return nil, fmt.Errorf("read %s of the workspace: %w", p, err)
	}
	if !info.IsDir() {
		return readLimited(root, rel, p)
	}
	entries, err := fs.ReadDir(root.FS(), rel)
	if err != nil {
		return nil, fmt.Errorf("read %s of the workspace: %w", p, err)
	}
	var names []string
	for _, de := range entries {
		switch strings.ToLower(path.Ext(de.Name())) {
		case ".yaml", ".yml", ".json":
			if !de.IsDir() {
				names = append(names, de.Name())
			}
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("read %s of the workspace: a directory without .yaml, .yml or .json files", p)
	}
	slices.Sort(names)
	var out []byte
	for _, name := range names {
		b, err := readLimited(root, path.Join(rel, name), path.Join(p, name))
		if err != nil {
			return nil, err
		}
		if len(out)+len(b) > maxReadFile {
			return nil, fmt.Errorf("read %s of the workspace: more than %d MiB", p, maxReadFile>>20)
		}
		out = append(out, "---\n"...)
		out = append(out, b...)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			out = append(out, '\n')
		}
	}
	return out, nil
}

// readLimited reads rel of root, refusing more than maxReadFile bytes.
func readLimited(root *os.Root, rel, shown string) ([]byte, error) {
	f, err := root.Open(rel)
	if err != nil {
		return nil, fmt.Errorf("read %s of the workspace: %w", shown, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxReadFile+1))
	if err != nil {
		return nil, fmt.Errorf("read %s of the workspace: %w", shown, err)
	}
	if len(b) > maxReadFile {
		return nil, fmt.Errorf("read %s of the workspace: more than %d MiB", shown, maxReadFile>>20)
	}
	return b, nil
}
