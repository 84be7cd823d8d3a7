// Package confighistory keeps the version history of the ConfigMaps and
// Secrets changed through Wheelhouse: every create, update, delete and
// rollback becomes a numbered version in the database holding the object's
// full data (Secret versions sealed with the keyring), so two versions can be
// compared and an old one written back.
//
// Writes go to the cluster first and are recorded second: the cluster is
// the source of truth, and recording first would leave versions of changes
// the API server then refused (a conflict, a validation or admission
// error). When recording fails after a successful write, the change is live
// but missing from the history; callers report that (ErrNotRecorded). The
// history stays usable: every version holds the whole data, not a delta.
package confighistory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	corev1 "k8s.io/api/core/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// ErrNotRecorded is wrapped by Record's error: the change reached the
// cluster but its version could not be stored.
var ErrNotRecorded = errors.New("change applied to the cluster but not recorded in its history")

// Snapshot is the content of one version. A ConfigMap's uses Data and
// BinaryData, a Secret's Type and SecretData.
type Snapshot struct {
	Labels     map[string]string `json:"labels,omitempty"`
	Data       map[string]string `json:"data,omitempty"`
	BinaryData map[string][]byte `json:"binaryData,omitempty"`
	Type       corev1.SecretType `json:"type,omitempty"`
	SecretData map[string][]byte `json:"secretData,omitempty"`
}

// OfConfigMap is the snapshot of cm.
func OfConfigMap(cm *corev1.ConfigMap) Snapshot {
	return Snapshot{Labels: cm.Labels, Data: cm.Data, BinaryData: cm.BinaryData}
}

// OfSecret is the snapshot of s.
func OfSecret(s *corev1.Secret) Snapshot {
	return Snapshot{Labels: s.Labels, Type: s.Type, SecretData: s.Data}
}

// Entries returns every data key of the snapshot with its value as bytes.
func (s Snapshot) Entries() map[string][]byte {
	out := make(map[string][]byte, len(s.Data)+len(s.BinaryData)+len(s.SecretData))
	for k, v := range s.Data {
		out[k] = []byte(v)
	}
	maps.Copy(out, s.BinaryData)
	maps.Copy(out, s.SecretData)
	return out
}

// Keys returns the snapshot's data keys, sorted.
func (s Snapshot) Keys() []string { return slices.Sorted(maps.Keys(s.Entries())) }

// Key changes a Diff reports.
const (
	KeyAdded   = "added"
	KeyRemoved = "removed"
	KeyChanged = "changed"
)

// KeyChange is how one data key differs between two snapshots. From and
// To are nil when the key is absent on that side.
type KeyChange struct {
	Key    string
	Change string
	From   []byte
	To     []byte
	// Binary marks a ConfigMap binaryData key (on either side).
	Binary bool
}

// Diff returns the keys that differ from from to to, sorted by key.
func Diff(from, to Snapshot) []KeyChange {
	a, b := from.Entries(), to.Entries()
	keys := slices.Sorted(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []KeyChange
	for _, k := range keys {
		va, inA := a[k]
		vb, inB := b[k]
		_, binA := from.BinaryData[k]
		_, binB := to.BinaryData[k]
		c := KeyChange{Key: k, Binary: binA || binB}
		switch {
		case !inA:
			c.Change, c.To = KeyAdded, vb
		case !inB:
			c.Change, c.From = KeyRemoved, va
		case string(va) != string(vb) || binA != binB:
			c.Change, c.From, c.To = KeyChanged, va, vb
		default:
			continue
		}
		out = append(out, c)
	}
	return out
}

// History records and reads versions; Keyring seals Secret versions.
type History struct {
	Store   *store.Store
	Keyring *secrets.Keyring
}

// Change is one change to record.
type Change struct {
	Object store.ConfigObject
	// Type is store.ConfigCreated, ConfigUpdated, ConfigDeleted or
	// ConfigRolledBack.
	Type string
	// RollbackOf is the version a rollback restored.
	RollbackOf      int
	ResourceVersion string
	By              string
	Content         Snapshot
}

// Record stores c as the object's next version. Its error wraps
// ErrNotRecorded.
func (h *History) Record(ctx context.Context, c Change) (*store.ConfigVersion, error) {
	payload, err := json.Marshal(c.Content)
	if err != nil {
		return nil, fmt.Errorf("%w: encode: %w", ErrNotRecorded, err)
	}
	defer clear(payload)
	v := &store.ConfigVersion{Cluster: c.Object.Cluster, Namespace: c.Object.Namespace, Kind: c.Object.Kind, Name: c.Object.Name,
		ChangeType: c.Type, RollbackOf: c.RollbackOf, ResourceVersion: c.ResourceVersion, KeyNames: c.Content.Keys(), CreatedBy: c.By}
	if err := h.Store.ConfigVersions(h.Keyring).Record(ctx, v, payload); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotRecorded, err)
	}
	return v, nil
}

// List returns a page of the object's versions, newest first, without
// content.
func (h *History) List(ctx context.Context, obj store.ConfigObject, opts store.ListOptions) ([]store.ConfigVersion, string, error) {
	return h.Store.ConfigVersions(h.Keyring).List(ctx, obj, opts)
}

// Get returns version n of the object with its content; a missing version
// gives an error wrapping store.ErrNotFound.
func (h *History) Get(ctx context.Context, obj store.ConfigObject, n int) (*store.ConfigVersion, Snapshot, error) {
	v, payload, err := h.Store.ConfigVersions(h.Keyring).Get(ctx, obj, n)
	if err != nil {
		return nil, Snapshot{}, err
	}
	var s Snapshot
	err = json.Unmarshal(payload, &s)
	clear(payload)
	if err != nil {
		return nil, Snapshot{}, fmt.Errorf("decode version %d of %s: %w", n, obj, err)
	}
	return v, s, nil
}
