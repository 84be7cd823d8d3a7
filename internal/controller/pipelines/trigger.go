package pipelines

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
	"github.com/wheelhouse-dev/wheelhouse/internal/controller/ctrlkit"
	"github.com/wheelhouse-dev/wheelhouse/internal/pipeline"
)

// Errors Trigger wraps, which the API turns into answers.
var (
	// ErrNotTriggered: the pipeline does not build this (suspended, the
	// trigger is off, the branch is excluded). Nothing was created.
	ErrNotTriggered = errors.New("not triggered")
	// ErrInvalidFile: the pipeline file does not validate; the
	// pipeline.Errors it wraps name the lines and fields.
	ErrInvalidFile = errors.New("invalid pipeline file")
	// ErrNoFile: the repository has no pipeline file at the commit.
	ErrNoFile = errors.New("no pipeline file")
	// ErrSource: the repository, branch or commit cannot be read.
	ErrSource = errors.New("repository unreadable")
)

// Request is what starts an execution.
type Request struct {
	// Trigger and Event say what started it.
	Trigger devopsv1alpha1.TriggerType
	Event   string
	// TriggeredBy is the user, the delivery id, the schedule, the image.
	TriggeredBy string
	// Branch, Tag, Ref and Commit say what to build: a commit wins; else
	// Ref, Tag or Branch is resolved; none means the repository's default
	// branch.
	Branch, Tag, Ref, Commit string
	// Author and Message describe the change (from a webhook).
	Author, Message string
	// RerunOf names the execution this one reruns.
	RerunOf string
	// Config, when set, is the resolved file to use (a rerun's); else the
	// file is read from the repository at the commit.
	Config *devopsv1alpha1.PipelineConfig
	// Delivery is the webhook delivery that asked for the execution; the
	// execution is labelled with it (LabelDelivery), so that a delivery
	// sent again finds it.
	Delivery string
}

// LabelDelivery labels an execution with the webhook delivery that started
// it (DeliveryLabel of its id).
const LabelDelivery = "devops.wheelhouse.dev/delivery"

// DeliveryLabel is the label value of a delivery id: the id itself when it
// is a valid label value (forges send UUIDs), else a digest of it.
func DeliveryLabel(id string) string {
	if len(validation.IsValidLabelValue(id)) == 0 {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])[:40]
}

// Trigger creates executions of pipelines.
type Trigger struct {
	Client      client.Client
	Reader      client.Reader
	Source      Source
	Credentials Credentials
}

// Run starts an execution of pipeline p for req: it resolves what to
// build, reads and validates the pipeline file at that commit, applies the
// branch filters, and creates the PipelineExecution with the next run
// number (the execution's name, <pipeline>-<run>, makes the number unique).
func (t *Trigger) Run(ctx context.Context, p *devopsv1alpha1.Pipeline, req Request) (*devopsv1alpha1.PipelineExecution, error) {
	if p.Spec.Suspend {
		return nil, fmt.Errorf("pipeline %s is suspended: %w", p.Name, ErrNotTriggered)
	}
	repo, err := readRepository(ctx, t.Reader, t.Credentials, p.Namespace, p.Spec.Repository)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSource, err)
	}
	ref := firstOf(req.Ref, refOfTag(req.Tag), req.Branch)
	if ref == "" && req.Commit == "" {
		req.Branch = repo.spec.DefaultBranch
		if req.Branch == "" {
			req.Branch = "main"
		}
		ref = req.Branch
	}
	var commit string
	if ref != "" {
		// The reference is fetched even when the commit is known: a pull
		// request's head is reachable only through its own ref.
		if commit, err = t.Source.Resolve(ctx, repo.spec.URL, repo.access, ref); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSource, err)
		}
	}
	if req.Commit != "" {
		if commit, err = t.Source.Resolve(ctx, repo.spec.URL, repo.access, req.Commit); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSource, err)
		}
	}
	if req.Trigger != devopsv1alpha1.TriggerManual && req.Branch != "" && !pipeline.MatchCondition(p.Spec.Branches, req.Branch) {
		return nil, fmt.Errorf("branch %s is not built by pipeline %s: %w", req.Branch, p.Name, ErrNotTriggered)
	}
	config := req.Config
	if config == nil {
		if config, err = t.readConfig(ctx, p, repo, commit); err != nil {
			return nil, err
		}
	}
	if req.Trigger != devopsv1alpha1.TriggerManual && req.Branch != "" && !pipeline.MatchCondition(config.Branch, req.Branch) {
		return nil, fmt.Errorf("the pipeline file does not build branch %s: %w", req.Branch, ErrNotTriggered)
	}
	if req.Ref == "" {
		switch {
		case req.Tag != "":
			req.Ref = "refs/tags/" + req.Tag
		case req.Branch != "":
			req.Ref = "refs/heads/" + req.Branch
		}
	}
	e := &devopsv1alpha1.PipelineExecution{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: p.Namespace,
			Labels:    map[string]string{devopsv1alpha1.LabelPipeline: p.Name},
			OwnerReferences: []metav1.OwnerReference{{
				APIVersion: devopsv1alpha1.GroupVersion.String(), Kind: "Pipeline",
				Name: p.Name, UID: p.UID, Controller: ptr.To(true),
			}},
		},
		Spec: devopsv1alpha1.PipelineExecutionSpec{
			Pipeline: p.Name, Trigger: req.Trigger, TriggeredBy: truncate(req.TriggeredBy, 512), RerunOf: req.RerunOf,
			RepositoryURL: repo.spec.URL, Commit: commit, Branch: req.Branch, Tag: req.Tag, Ref: req.Ref,
			Event: req.Event, Author: truncate(req.Author, 512), Message: truncate(req.Message, 16384),
			TargetCluster: p.Spec.TargetCluster, Config: *config,
		},
	}
	if req.Delivery != "" {
		e.Labels[LabelDelivery] = DeliveryLabel(req.Delivery)
	}
	return e, t.create(ctx, p, e)
}

// create creates e with the pipeline's next free run number and records
// the number after it on the pipeline.
func (t *Trigger) create(ctx context.Context, p *devopsv1alpha1.Pipeline, e *devopsv1alpha1.PipelineExecution) error {
	n := max(p.Status.NextRun, 1)
	for {
		e.Name = p.Name + "-" + strconv.FormatInt(n, 10)
		e.Spec.RunNumber = n
		e.Labels[devopsv1alpha1.LabelRunNumber] = strconv.FormatInt(n, 10)
		err := t.Client.Create(ctx, e)
		if err == nil {
			break
		}
		if !apierrors.IsAlreadyExists(err) {
			return err
		}
		n++
	}
	// The number is recorded for the next trigger's first guess; a
	// conflict only costs that trigger one more attempt.
	patch := client.MergeFrom(p.DeepCopy())
	p.Status.NextRun = n + 1
	_ = t.Client.Status().Patch(ctx, p, patch)
	return nil
}

// readConfig reads the pipeline's file at commit: spec.configPath, or
// .wheelhouse-pipeline.yml, or Rancher's file when only that exists.
func (t *Trigger) readConfig(ctx context.Context, p *devopsv1alpha1.Pipeline, repo *repository, commit string) (*devopsv1alpha1.PipelineConfig, error) {
	paths := p.ConfigPaths()
	for _, path := range paths {
		data, err := t.Source.ReadFile(ctx, repo.spec.URL, repo.access, commit, path)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, fmt.Errorf("%w: read %s: %w", ErrSource, path, err)
		}
		config, err := pipeline.Parse(data, pipeline.FileFormat(path))
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrInvalidFile, path, err)
		}
		return config, nil
	}
	return nil, fmt.Errorf("%w: %s at %.7s has none of %v", ErrNoFile, repo.spec.URL, commit, paths)
}

// refOfTag is the reference of tag; "" for none.
func refOfTag(tag string) string {
	if tag == "" {
		return ""
	}
	return "refs/tags/" + tag
}

// firstOf is the first non-empty string.
func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// ConditionTriggered is a Pipeline's condition saying how the last
// trigger that came from outside (a webhook delivery, an image push) went:
// those have no one waiting for an answer.
const ConditionTriggered = "Triggered"

// Record sets the pipeline's Triggered condition from a trigger's outcome
// (nil: an execution was created), so that a delivery that started
// nothing says why where users look.
func (t *Trigger) Record(ctx context.Context, p *devopsv1alpha1.Pipeline, req Request, err error) {
	var fresh devopsv1alpha1.Pipeline
	if t.Reader.Get(ctx, client.ObjectKeyFromObject(p), &fresh) != nil {
		return
	}
	patch := client.MergeFrom(fresh.DeepCopy())
	what := req.Event
	if req.Branch != "" {
		what += " to " + req.Branch
	}
	switch {
	case err == nil:
		ctrlkit.SetCondition(&fresh, ConditionTriggered, true, devopsv1alpha1.ReasonSucceeded, what+" started an execution")
	case errors.Is(err, ErrNotTriggered):
		ctrlkit.SetCondition(&fresh, ConditionTriggered, false, "NotTriggered", what+": "+err.Error())
	case errors.Is(err, ErrInvalidFile):
		ctrlkit.SetCondition(&fresh, ConditionTriggered, false, devopsv1alpha1.ReasonInvalidPipelineFile, truncate(what+": "+err.Error(), 4000))
	default:
		ctrlkit.SetCondition(&fresh, ConditionTriggered, false, "TriggerFailed", truncate(what+": "+err.Error(), 4000))
	}
	_ = t.Client.Status().Patch(ctx, &fresh, patch)
}
