package configcenter

import (
	"context"
	"encoding/base64"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
	"github.com/wheelhouse-dev/wheelhouse/internal/auth"
	"github.com/wheelhouse-dev/wheelhouse/internal/confighistory"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ListVersionsInput pages an object's versions.
type ListVersionsInput struct {
	ObjectParams
	operation.ListParams
}

// ConfigVersionListOutput is one page of versions, newest first.
type ConfigVersionListOutput struct {
	Body operation.List[ConfigVersionView]
}

// GetVersionInput names one version.
type GetVersionInput struct {
	ObjectParams
	Version int `path:"version" minimum:"1" doc:"Version number"`
}

// GetSecretVersionInput names one version of a Secret, with its values on
// request.
type GetSecretVersionInput struct {
	GetVersionInput
	RevealParams
}

// ConfigMapVersionOutput carries one version of a ConfigMap.
type ConfigMapVersionOutput struct {
	Body ConfigMapVersionDetail
}

// SecretVersionOutput carries one version of a Secret.
type SecretVersionOutput struct {
	Body SecretVersionDetail
}

// DiffInput names the two versions to compare.
type DiffInput struct {
	ObjectParams
	From int `query:"from" minimum:"1" required:"true" doc:"Older version"`
	To   int `query:"to" minimum:"1" required:"true" doc:"Newer version"`
}

// SecretDiffInput compares two versions of a Secret, with the values on
// request.
type SecretDiffInput struct {
	DiffInput
	RevealParams
}

// ConfigDiffOutput is the difference between two versions.
type ConfigDiffOutput struct {
	Body ConfigDiff
}

// ConfigRollbackBody names the version to go back to.
type ConfigRollbackBody struct {
	Version int `json:"version" minimum:"1" doc:"The version whose data to write back"`
}

// RollbackInput rolls an object back to a version.
type RollbackInput struct {
	ObjectParams
	Body ConfigRollbackBody
}

func (h *handlers) registerHistory(api huma.API, kind string) {
	singular := map[string]string{store.ConfigKindConfigMap: "configmap", store.ConfigKindSecret: "secret"}[kind]
	path := base(kind) + "/{name}"
	p := func(verb string) auth.Permission { return perm(kind, verb) }

	list := operation.New(http.MethodGet, path+"/versions", "list-"+singular+"-versions",
		"List the versions of a "+kindName(kind)+" recorded by Wheelhouse, newest first, without values", tags, p(auth.VerbList))
	list.Errors = append(list.Errors, http.StatusBadRequest)
	huma.Register(api, list, func(ctx context.Context, in *ListVersionsInput) (*ConfigVersionListOutput, error) {
		obj := object(in.ObjectParams, kind)
		items, next, err := h.history.List(ctx, obj, store.ListOptions{Limit: in.Limit, Continue: in.Continue})
		if err != nil {
			return nil, historyError(obj, 0, err)
		}
		out := &ConfigVersionListOutput{}
		out.Body.Items, out.Body.Continue = make([]ConfigVersionView, 0, len(items)), next
		for i := range items {
			out.Body.Items = append(out.Body.Items, versionView(&items[i]))
		}
		return out, nil
	})

	get := operation.New(http.MethodGet, path+"/versions/{version}", "get-"+singular+"-version",
		"Get one version of a "+kindName(kind)+secretNote(kind, "; its values with reveal=true (audited)"), tags, p(auth.VerbGet))
	get.Errors = append(get.Errors, http.StatusNotFound)
	if kind == store.ConfigKindConfigMap {
		huma.Register(api, get, func(ctx context.Context, in *GetVersionInput) (*ConfigMapVersionOutput, error) {
			obj := object(in.ObjectParams, kind)
			v, snap, err := h.history.Get(ctx, obj, in.Version)
			if err != nil {
				return nil, historyError(obj, in.Version, err)
			}
			return &ConfigMapVersionOutput{Body: ConfigMapVersionDetail{ConfigVersionView: versionView(v), Labels: snap.Labels,
				Data: snap.Data, BinaryData: snap.BinaryData}}, nil
		})
	} else {
		huma.Register(api, get, func(ctx context.Context, in *GetSecretVersionInput) (*SecretVersionOutput, error) {
			obj := object(in.ObjectParams, kind)
			v, snap, err := h.history.Get(ctx, obj, in.Version)
			if err != nil {
				return nil, historyError(obj, in.Version, err)
			}
			out := &SecretVersionOutput{Body: SecretVersionDetail{ConfigVersionView: versionView(v), Labels: snap.Labels,
				Type: string(snap.Type), Sizes: keySizes(snap.SecretData)}}
			if in.Reveal {
				if err := h.AuthorizeReveal(ctx, in.Scope()); err != nil {
					return nil, err
				}
				out.Body.Data, out.Body.Revealed = snap.SecretData, true
			}
			return out, nil
		})
	}

	diff := operation.New(http.MethodGet, path+"/diff", "diff-"+singular+"-versions",
		"Compare two versions of a "+kindName(kind)+" key by key"+secretNote(kind, " (values only with reveal=true, audited)"), tags, p(auth.VerbGet))
	diff.Errors = append(diff.Errors, http.StatusNotFound)
	if kind == store.ConfigKindConfigMap {
		huma.Register(api, diff, func(ctx context.Context, in *DiffInput) (*ConfigDiffOutput, error) {
			return h.diff(ctx, kind, in, false)
		})
	} else {
		huma.Register(api, diff, func(ctx context.Context, in *SecretDiffInput) (*ConfigDiffOutput, error) {
			return h.diff(ctx, kind, &in.DiffInput, in.Reveal)
		})
	}

	rollback := operation.New(http.MethodPost, path+"/rollback", "rollback-"+singular,
		"Write a version's data back to the "+kindName(kind)+" (re-created if deleted) and record it as a new version", tags, p(auth.VerbUpdate))
	rollback.Errors = append(rollback.Errors, http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable)
	huma.Register(api, rollback, func(ctx context.Context, in *RollbackInput) (*ConfigVersionOutput, error) {
		obj := object(in.ObjectParams, kind)
		_, snap, err := h.history.Get(ctx, obj, in.Body.Version)
		if err != nil {
			return nil, historyError(obj, in.Body.Version, err)
		}
		c, err := h.Cluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		var v *store.ConfigVersion
		if kind == store.ConfigKindConfigMap {
			v, err = configMapKind.rollback(ctx, h, c, in.ObjectParams, in.Body.Version, snap)
		} else {
			v, err = secretKind.rollback(ctx, h, c, in.ObjectParams, in.Body.Version, snap)
		}
		if err != nil {
			return nil, err
		}
		return &ConfigVersionOutput{Body: versionView(v)}, nil
	})
}

// ConfigVersionOutput carries the version a rollback recorded.
type ConfigVersionOutput struct {
	Body ConfigVersionView
}

func secretNote(kind, note string) string {
	if kind == store.ConfigKindSecret {
		return note
	}
	return ""
}

func diffValue(b []byte, b64 bool) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	if b64 {
		s = base64.StdEncoding.EncodeToString(b)
	}
	return &s
}

// diff compares two versions; a ConfigMap's values are always shown, a
// Secret's only when reveal asks and the caller may see them.
func (h *handlers) diff(ctx context.Context, kind string, in *DiffInput, reveal bool) (*ConfigDiffOutput, error) {
	obj := object(in.ObjectParams, kind)
	_, from, err := h.history.Get(ctx, obj, in.From)
	if err != nil {
		return nil, historyError(obj, in.From, err)
	}
	_, to, err := h.history.Get(ctx, obj, in.To)
	if err != nil {
		return nil, historyError(obj, in.To, err)
	}
	secret := kind == store.ConfigKindSecret
	show := !secret
	if secret && reveal {
		if err := h.AuthorizeReveal(ctx, in.Scope()); err != nil {
			return nil, err
		}
		show = true
	}
	out := &ConfigDiffOutput{Body: ConfigDiff{From: in.From, To: in.To, Changes: []ConfigKeyChange{}, Revealed: secret && show}}
	for _, c := range confighistory.Diff(from, to) {
		kc := ConfigKeyChange{Key: c.Key, Change: c.Change, Base64: c.Binary || secret}
		if show {
			kc.From, kc.To = diffValue(c.From, kc.Base64), diffValue(c.To, kc.Base64)
		}
		out.Body.Changes = append(out.Body.Changes, kc)
	}
	return out, nil
}
