package registries

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/registry"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// Copy states.
const (
	CopyRunning   = "Running"
	CopySucceeded = "Succeeded"
	CopyFailed    = "Failed"
	CopyCancelled = "Cancelled"
)

// keptCopies is how many ended copies each scope keeps for reading.
const keptCopies = 50

// ImageRef names an image in a registry of the scope.
type ImageRef struct {
	Registry   string `json:"registry" minLength:"1" maxLength:"63" doc:"Registry name (of the same scope)"`
	Repository string `json:"repository" minLength:"1" maxLength:"255"`
	Reference  string `json:"reference,omitempty" maxLength:"128" doc:"Source: a tag or a digest (sha256:...)"`
	Tag        string `json:"tag,omitempty" maxLength:"128" doc:"Target: the tag to write, last"`
}

// CopyBody starts a copy.
type CopyBody struct {
	From ImageRef `json:"from"`
	To   ImageRef `json:"to"`
}

// CopyJob is a copy and how far it has come.
type CopyJob struct {
	ID         string     `json:"id"`
	From       ImageRef   `json:"from"`
	To         ImageRef   `json:"to"`
	State      string     `json:"state" enum:"Running,Succeeded,Failed,Cancelled"`
	Message    string     `json:"message,omitempty"`
	Digest     string     `json:"digest,omitempty" doc:"The digest copied"`
	Total      int64      `json:"totalBytes" doc:"Bytes of blobs to move, as known so far"`
	Complete   int64      `json:"completeBytes" doc:"Bytes of blobs moved (or already there)"`
	StartedBy  string     `json:"startedBy"`
	StartedAt  time.Time  `json:"startedAt"`
	FinishedAt *time.Time `json:"finishedAt,omitempty"`
}

type copyJob struct {
	CopyJob
	scope  store.Scope
	cancel context.CancelFunc
	done   chan struct{}
}

// Copies keeps copy jobs in memory: a copy runs in the server, and after
// a restart of the server its record is gone (a copy cut short left no
// tag).
type Copies struct {
	mu   sync.Mutex
	jobs []*copyJob
}

// NewCopies returns an empty job list.
func NewCopies() *Copies { return &Copies{} }

func (c *Copies) add(j *copyJob) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ended := 0
	for i := len(c.jobs) - 1; i >= 0; i-- {
		o := c.jobs[i]
		if o.scope == j.scope && o.State != CopyRunning {
			if ended++; ended >= keptCopies {
				c.jobs = slices.Delete(c.jobs, i, i+1)
			}
		}
	}
	c.jobs = append(c.jobs, j)
}

func (c *Copies) get(scope store.Scope, id string) (*copyJob, CopyJob, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, j := range c.jobs {
		if j.scope == scope && j.ID == id {
			return j, j.CopyJob, true
		}
	}
	return nil, CopyJob{}, false
}

func (c *Copies) list(scope store.Scope) []CopyJob {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := []CopyJob{}
	for i := len(c.jobs) - 1; i >= 0; i-- {
		if c.jobs[i].scope == scope {
			out = append(out, c.jobs[i].CopyJob)
		}
	}
	return out
}

func (c *Copies) update(j *copyJob, f func(*CopyJob)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&j.CopyJob)
}

// CopyInput starts a copy.
type CopyInput struct {
	operation.ScopeParam
	Body CopyBody
}

// CopyIDParam names a copy.
type CopyIDParam struct {
	operation.ScopeParam
	Copy string `path:"copy" maxLength:"32" doc:"Copy id"`
}

// CopyOutput is a copy.
type CopyOutput struct{ Body CopyJob }

// CopyListOutput lists the scope's copies, newest first.
type CopyListOutput struct {
	Body struct {
		Items []CopyJob `json:"items" nullable:"false"`
	}
}

func (h *handlers) registerCopies(api huma.API) {
	start := operation.New(http.MethodPost, "/copies", "copy-image", "Copy or retag an image between registries of the scope", tags, perm(auth.VerbCreate))
	start.Description = "Streams the image (every platform of an index) from one registry to the other through the server, " +
		"writing everything by digest first and the tag last: a copy that fails or is cancelled leaves no tag naming a " +
		"half-written image. 202 with the job; follow it with GET .../copies/{copy}, cancel it with DELETE. Jobs are kept " +
		"in the server's memory only."
	start.DefaultStatus = http.StatusAccepted
	start.Errors = append(start.Errors, http.StatusNotFound, http.StatusFailedDependency)
	operation.RegisterScoped(api, start, h.startCopy)

	list := operation.New(http.MethodGet, "/copies", "list-copies", "List the scope's recent copies, newest first", tags, perm(auth.VerbList))
	list.Errors = append(list.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, list, h.listCopies)

	get := operation.New(http.MethodGet, "/copies/{copy}", "get-copy", "Follow a copy: state and bytes moved", tags, perm(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, get, h.getCopy)

	cancel := operation.New(http.MethodDelete, "/copies/{copy}", "cancel-copy", "Cancel a running copy (no tag is written); the job stays, Cancelled", tags, perm(auth.VerbDelete))
	cancel.Errors = append(cancel.Errors, http.StatusNotFound)
	operation.RegisterScoped(api, cancel, h.cancelCopy)
}

func copyID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (h *handlers) startCopy(ctx context.Context, in *CopyInput) (*CopyOutput, error) {
	b := in.Body
	scope := in.RecordScope()
	var details []error
	if b.From.Reference == "" {
		details = append(details, &huma.ErrorDetail{Location: "body.from.reference", Message: "a tag or digest to copy is required"})
	}
	if b.To.Tag == "" {
		details = append(details, &huma.ErrorDetail{Location: "body.to.tag", Message: "the tag to write is required"})
	}
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	if err := operation.ProjectOf(ctx, h.Store, scope); err != nil {
		return nil, err
	}
	var adapters [2]registry.Adapter
	for i, ref := range []struct {
		name, loc string
	}{{b.From.Registry, "body.from.registry"}, {b.To.Registry, "body.to.registry"}} {
		reg, err := h.Store.Registries().Get(ctx, scope, ref.name)
		if errors.Is(err, store.ErrNotFound) {
			details = append(details, &huma.ErrorDetail{Location: ref.loc, Message: "no such registry here", Value: ref.name})
			continue
		}
		if err != nil {
			return nil, err
		}
		if adapters[i], err = h.opener.Open(ctx, reg); err != nil {
			return nil, registryProblem(ctx, err, "registry.")
		}
	}
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	src := registry.Image{Registry: adapters[0], Repository: b.From.Repository, Reference: b.From.Reference}
	dst := registry.Image{Registry: adapters[1], Repository: b.To.Repository, Reference: b.To.Tag}
	for _, c := range []struct {
		img registry.Image
		loc string
	}{{src, "body.from"}, {dst, "body.to"}} {
		if _, err := c.img.Registry.Remote().Reference(c.img.Repository, c.img.Reference); err != nil {
			var re *registry.Error
			errors.As(err, &re)
			details = append(details, &huma.ErrorDetail{Location: c.loc, Message: re.Message})
		}
	}
	if len(details) > 0 {
		return nil, operation.ValidationFailed(details)
	}
	// Refused now rather than failing a moment later: a source that is not
	// there (404), or a source registry that cannot be read (424).
	if err := src.Registry.Remote().Head(ctx, src.Repository, src.Reference); err != nil {
		return nil, registryProblem(ctx, err, "registry.")
	}
	operation.NoteTarget(ctx, fmt.Sprintf("%s %s/%s:%s -> %s/%s:%s", operation.Request(ctx).Path, b.From.Registry, b.From.Repository, b.From.Reference,
		b.To.Registry, b.To.Repository, b.To.Tag))

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	j := &copyJob{CopyJob: CopyJob{ID: copyID(), From: b.From, To: b.To, State: CopyRunning, StartedBy: auth.PrincipalFrom(ctx).Username,
		StartedAt: time.Now().UTC()}, scope: scope, cancel: cancel, done: make(chan struct{})}
	h.Copies.add(j)
	go h.runCopy(runCtx, j, src, dst)
	_, snapshot, _ := h.Copies.get(scope, j.ID)
	return &CopyOutput{Body: snapshot}, nil
}

func (h *handlers) runCopy(ctx context.Context, j *copyJob, src, dst registry.Image) {
	defer close(j.done)
	defer j.cancel()
	digest, err := registry.Copy(ctx, src, dst, func(p registry.Progress) {
		h.Copies.update(j, func(c *CopyJob) { c.Total, c.Complete = p.Total, p.Complete })
	})
	now := time.Now().UTC()
	h.Copies.update(j, func(c *CopyJob) {
		c.FinishedAt = &now
		switch {
		case err == nil:
			c.State, c.Digest, c.Complete = CopySucceeded, digest, c.Total
			c.Message = fmt.Sprintf("copied %s to %s/%s:%s", digest, c.To.Registry, c.To.Repository, c.To.Tag)
		case ctx.Err() != nil:
			c.State, c.Message = CopyCancelled, "cancelled; no tag was written"
		default:
			c.State, c.Message = CopyFailed, err.Error()+"; no tag was written"
		}
	})
	if err != nil && ctx.Err() == nil {
		h.Logger.Warn("Image copy failed", "copy", j.ID, "error", err)
	}
}

func (h *handlers) listCopies(ctx context.Context, in *operation.ScopeParam) (*CopyListOutput, error) {
	if err := operation.ProjectOf(ctx, h.Store, in.RecordScope()); err != nil {
		return nil, err
	}
	out := &CopyListOutput{}
	out.Body.Items = h.Copies.list(in.RecordScope())
	return out, nil
}

func (h *handlers) getCopy(_ context.Context, in *CopyIDParam) (*CopyOutput, error) {
	_, j, ok := h.Copies.get(in.RecordScope(), in.Copy)
	if !ok {
		return nil, huma.Error404NotFound(fmt.Sprintf("no copy %q here", in.Copy))
	}
	return &CopyOutput{Body: j}, nil
}

func (h *handlers) cancelCopy(ctx context.Context, in *CopyIDParam) (*CopyOutput, error) {
	j, _, ok := h.Copies.get(in.RecordScope(), in.Copy)
	if !ok {
		return nil, huma.Error404NotFound(fmt.Sprintf("no copy %q here", in.Copy))
	}
	j.cancel()
	select {
	case <-j.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	_, snapshot, _ := h.Copies.get(in.RecordScope(), in.Copy)
	return &CopyOutput{Body: snapshot}, nil
}
