package pipelines

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	ctl "github.com/wheelhouse-dev/wheelhouse/internal/controller/pipelines"
	"github.com/wheelhouse-dev/wheelhouse/internal/forge"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// FileInput names a pipeline's file on a branch.
type FileInput struct {
	NameInput
	Branch string `query:"branch" maxLength:"255" doc:"Branch to read; none means the repository's default branch"`
}

// FileOutput is a pipeline file as it is on a branch.
type FileOutput struct {
	Body FileView
}

// FileView is a pipeline file, what it parses to and whether it is valid.
type FileView struct {
	Path    string `json:"path" doc:"The file in the repository"`
	Branch  string `json:"branch"`
	Content string `json:"content" doc:"The file as written (empty when the branch has no pipeline file yet)"`
	SHA     string `json:"sha,omitempty" doc:"The version read: send it back on save, so that a change made meanwhile is not overwritten"`
	Exists  bool   `json:"exists"`
	// Problems are the file's validation errors, each with its line and
	// field.
	Problems []FileProblem `json:"problems,omitempty"`
}

// FileProblem is one validation error of a pipeline file.
type FileProblem struct {
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// SaveFileInput commits a pipeline file.
type SaveFileInput struct {
	NameInput
	Body struct {
		Branch  string `json:"branch,omitempty" maxLength:"255" doc:"Branch to commit to; none means the repository's default branch"`
		Content string `json:"content" maxLength:"1048576" doc:"The whole file"`
		SHA     string `json:"sha,omitempty" maxLength:"128" doc:"The version the change is based on (from the read); none creates the file"`
		Message string `json:"message,omitempty" maxLength:"4096" doc:"Commit message; default: Update <path>"`
	}
}

// SaveFileOutput is the commit a save made.
type SaveFileOutput struct {
	Body struct {
		Commit string `json:"commit"`
		Path   string `json:"path"`
		Branch string `json:"branch"`
	}
}

func (h *handlers) registerFile(api huma.API) {
	read := operationNew(http.MethodGet, "/pipelines/{name}/file", "get-pipeline-file",
		"Read a pipeline's file on a branch through your account at the forge, with its validation", auth.VerbGet)
	read.Errors = append(read.Errors, http.StatusNotFound, http.StatusConflict, http.StatusFailedDependency)
	huma.Register(api, read, h.readFile)

	save := operationNew(http.MethodPut, "/pipelines/{name}/file", "save-pipeline-file",
		"Validate a pipeline's file and commit it to the branch with your account at the forge", auth.VerbUpdate)
	save.Description = "A file that does not validate is a 422 naming its lines and fields, and nothing is committed. The sha " +
		"read guards against overwriting a change made meanwhile (409). The commit is made with your own connected account " +
		"(connect one at .../source-code-providers/{name}/connect), so the forge records you as its author."
	save.Errors = append(save.Errors, http.StatusNotFound, http.StatusConflict, http.StatusFailedDependency)
	huma.Register(api, save, h.saveFile)
}

// fileTarget is what reading or saving a pipeline's file works on.
type fileTarget struct {
	fc       forge.Client
	repo     string
	path     string
	branch   string
	pipeline *devopsv1alpha1.Pipeline
}

// target finds the pipeline's repository, the caller's account at its
// forge, the file's path and the branch.
func (h *handlers) target(ctx context.Context, in NameInput, branch string) (*fileTarget, error) {
	var p devopsv1alpha1.Pipeline
	ns, c, err := h.read(ctx, in.ProjectParam, pipelineKind, in.Name, &p)
	if err != nil {
		return nil, err
	}
	var repo devopsv1alpha1.SourceCodeRepository
	if err := c.Reader.Get(ctx, objectKey(ns, p.Spec.Repository), &repo); err != nil {
		return nil, huma.Error409Conflict(fmt.Sprintf("the repository %q of pipeline %q is gone", p.Spec.Repository, p.Name))
	}
	var creds devopsv1alpha1.SourceCodeCredentialList
	if err := c.Reader.List(ctx, &creds, client.InNamespace(ns)); err != nil {
		return nil, err
	}
	user := auth.PrincipalFrom(ctx).Username
	account := ""
	for _, cr := range creds.Items {
		if cr.Spec.Provider == repo.Spec.Provider && cr.Spec.UserName == user {
			account = cr.Name
			break
		}
	}
	if account == "" {
		return nil, huma.Error409Conflict(fmt.Sprintf("connect your account at provider %q first (POST .../source-code-providers/%s/connect)",
			repo.Spec.Provider, repo.Spec.Provider))
	}
	fc, provider, err := h.accountClient(ctx, c, ns, account)
	if err != nil {
		return nil, err
	}
	full, err := ctl.FullName(provider.Spec.Host, repo.Spec.URL)
	if err != nil {
		return nil, huma.Error409Conflict(err.Error())
	}
	t := &fileTarget{fc: fc, repo: full, path: p.Spec.ConfigPath, branch: branch, pipeline: &p}
	if t.branch == "" {
		t.branch = repo.Spec.DefaultBranch
	}
	return t, nil
}

func (h *handlers) readFile(ctx context.Context, in *FileInput) (*FileOutput, error) {
	t, err := h.target(ctx, in.NameInput, in.Branch)
	if err != nil {
		return nil, err
	}
	paths := t.pipeline.ConfigPaths()
	out := &FileOutput{Body: FileView{Path: paths[0], Branch: t.branch}}
	for _, path := range paths {
		content, sha, err := t.fc.ReadFile(ctx, t.repo, t.branch, path)
		if errors.Is(err, forge.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, forgeProblem(err, "query.branch")
		}
		out.Body = FileView{Path: path, Branch: t.branch, Content: string(content), SHA: sha, Exists: true}
		out.Body.Problems = validate(content, path)
		break
	}
	return out, nil
}

func (h *handlers) saveFile(ctx context.Context, in *SaveFileInput) (*SaveFileOutput, error) {
	t, err := h.target(ctx, in.NameInput, in.Body.Branch)
	if err != nil {
		return nil, err
	}
	path := t.path
	if path == "" {
		path = devopsv1alpha1.DefaultConfigPath
		// A repository that keeps Rancher's file keeps it under its name.
		for _, p := range devopsv1alpha1.RancherConfigPaths {
			if _, _, err := t.fc.ReadFile(ctx, t.repo, t.branch, p); err == nil {
				if _, _, err := t.fc.ReadFile(ctx, t.repo, t.branch, path); errors.Is(err, forge.ErrNotFound) {
					path = p
				}
				break
			}
		}
	}
	if problems := validate([]byte(in.Body.Content), path); len(problems) > 0 {
		details := make([]error, 0, len(problems))
		for _, p := range problems {
			details = append(details, &huma.ErrorDetail{Location: "body.content", Message: (&pipeline.FieldError{Line: p.Line, Column: p.Column, Field: p.Field, Message: p.Message}).Error()})
		}
		return nil, huma.Error422UnprocessableEntity("the pipeline file does not validate; nothing was committed", details...)
	}
	msg := in.Body.Message
	if msg == "" {
		msg = "Update " + path
	}
	commit, err := t.fc.SaveFile(ctx, t.repo, t.branch, path, []byte(in.Body.Content), msg, in.Body.SHA)
	if err != nil {
		if errors.Is(err, forge.ErrConflict) {
			return nil, huma.Error409Conflict("the file changed since it was read (or exists already): read it again, then save", &huma.ErrorDetail{Location: "body.sha", Message: err.Error()})
		}
		return nil, forgeProblem(err, "body.branch")
	}
	out := &SaveFileOutput{}
	out.Body.Commit, out.Body.Path, out.Body.Branch = commit, path, t.branch
	return out, nil
}

// validate parses a pipeline file and returns its problems.
func validate(content []byte, path string) []FileProblem {
	_, err := pipeline.Parse(content, pipeline.FileFormat(path))
	if err == nil {
		return nil
	}
	var errs pipeline.Errors
	if !errors.As(err, &errs) {
		return []FileProblem{{Message: err.Error()}}
	}
	problems := make([]FileProblem, 0, len(errs))
	for _, e := range errs {
		problems = append(problems, FileProblem{Line: e.Line, Column: e.Column, Field: e.Field, Message: e.Message})
	}
	return problems
}
