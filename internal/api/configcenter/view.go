package configcenter

import (
	"maps"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/wheelhouse-dev/wheelhouse/internal/confighistory"
	"github.com/wheelhouse-dev/wheelhouse/internal/store"
)

// lastApplied is kubectl's copy of the whole applied object: for a Secret
// applied with kubectl it holds the values in clear, so views never show it.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// ConfigObjectMeta is the metadata every ConfigMap and Secret view shows.
type ConfigObjectMeta struct {
	Cluster           string            `json:"cluster"`
	Namespace         string            `json:"namespace"`
	Name              string            `json:"name"`
	UID               string            `json:"uid"`
	ResourceVersion   string            `json:"resourceVersion" doc:"Send it back with an update; a stale one gets 409"`
	Labels            map[string]string `json:"labels,omitempty"`
	Annotations       map[string]string `json:"annotations,omitempty" doc:"Without kubectl's last-applied-configuration"`
	CreationTimestamp time.Time         `json:"creationTimestamp"`
}

// ConfigMapView is a ConfigMap in a list: its metadata and keys.
type ConfigMapView struct {
	ConfigObjectMeta
	Keys      []string `json:"keys" nullable:"false" doc:"Keys of data and binaryData, sorted"`
	Immutable bool     `json:"immutable,omitempty"`
}

// ConfigMapDetail is a ConfigMap with its data.
type ConfigMapDetail struct {
	ConfigMapView
	Data       map[string]string `json:"data,omitempty"`
	BinaryData map[string][]byte `json:"binaryData,omitempty" doc:"base64"`
}

// SecretView is a Secret in a list: its metadata only (the cache holds no
// more of a Secret).
type SecretView struct {
	ConfigObjectMeta
}

// SecretKeyView is one key of a Secret and its value's size.
type SecretKeyView struct {
	Key  string `json:"key"`
	Size int    `json:"size" doc:"Length of the value in bytes"`
}

// SecretDetail is a Secret with its type and keys, and its values when
// revealed.
type SecretDetail struct {
	SecretView
	Type      string            `json:"type"`
	Immutable bool              `json:"immutable,omitempty"`
	Keys      []SecretKeyView   `json:"keys" nullable:"false"`
	Data      map[string][]byte `json:"data,omitempty" doc:"Values (base64), only with reveal=true"`
	Revealed  bool              `json:"revealed"`
}

// ConfigVersionView is one version of a ConfigMap or Secret, without its
// values.
type ConfigVersionView struct {
	Version         int       `json:"version"`
	Change          string    `json:"change" enum:"created,updated,deleted,rolled-back"`
	RollbackOf      int       `json:"rollbackOf,omitempty" doc:"For a rollback, the version whose data it restored"`
	ResourceVersion string    `json:"resourceVersion,omitempty" doc:"The object's resourceVersion after the change"`
	Keys            []string  `json:"keys" nullable:"false"`
	CreatedBy       string    `json:"createdBy"`
	CreatedAt       time.Time `json:"createdAt"`
}

// ConfigMapVersionDetail is a version of a ConfigMap with its data.
type ConfigMapVersionDetail struct {
	ConfigVersionView
	Labels     map[string]string `json:"labels,omitempty"`
	Data       map[string]string `json:"data,omitempty"`
	BinaryData map[string][]byte `json:"binaryData,omitempty" doc:"base64"`
}

// SecretVersionDetail is a version of a Secret: its keys and sizes, and its
// values when revealed.
type SecretVersionDetail struct {
	ConfigVersionView
	Labels   map[string]string `json:"labels,omitempty"`
	Type     string            `json:"type"`
	Sizes    []SecretKeyView   `json:"sizes" nullable:"false"`
	Data     map[string][]byte `json:"data,omitempty" doc:"Values (base64), only with reveal=true"`
	Revealed bool              `json:"revealed"`
}

// ConfigKeyChange is how one key differs between two versions.
type ConfigKeyChange struct {
	Key    string  `json:"key"`
	Change string  `json:"change" enum:"added,removed,changed"`
	From   *string `json:"from,omitempty" doc:"The value in version from; absent for Secrets unless revealed"`
	To     *string `json:"to,omitempty" doc:"The value in version to; absent for Secrets unless revealed"`
	Base64 bool    `json:"base64,omitempty" doc:"From and To are base64: Secret values and ConfigMap binaryData"`
}

// ConfigDiff is the difference between two versions, per key.
type ConfigDiff struct {
	From     int               `json:"from"`
	To       int               `json:"to"`
	Changes  []ConfigKeyChange `json:"changes" nullable:"false" doc:"Keys that differ, sorted; unchanged keys are left out"`
	Revealed bool              `json:"revealed"`
}

func objectMeta(cluster string, m metav1.Object) ConfigObjectMeta {
	ann := m.GetAnnotations()
	if _, ok := ann[lastApplied]; ok {
		ann = maps.Clone(ann)
		delete(ann, lastApplied)
	}
	return ConfigObjectMeta{Cluster: cluster, Namespace: m.GetNamespace(), Name: m.GetName(), UID: string(m.GetUID()),
		ResourceVersion: m.GetResourceVersion(), Labels: m.GetLabels(), Annotations: ann,
		CreationTimestamp: m.GetCreationTimestamp().UTC()}
}

func configMapView(cluster string, cm *corev1.ConfigMap) ConfigMapView {
	return ConfigMapView{ConfigObjectMeta: objectMeta(cluster, cm), Keys: confighistory.OfConfigMap(cm).Keys(),
		Immutable: cm.Immutable != nil && *cm.Immutable}
}

func configMapDetail(cluster string, cm *corev1.ConfigMap) ConfigMapDetail {
	return ConfigMapDetail{ConfigMapView: configMapView(cluster, cm), Data: cm.Data, BinaryData: cm.BinaryData}
}

// secretDetail shows s without its values; reveal adds them.
func secretDetail(cluster string, s *corev1.Secret) SecretDetail {
	return SecretDetail{SecretView: SecretView{ConfigObjectMeta: objectMeta(cluster, s)}, Type: string(s.Type),
		Immutable: s.Immutable != nil && *s.Immutable, Keys: keySizes(s.Data)}
}

func keySizes(data map[string][]byte) []SecretKeyView {
	out := make([]SecretKeyView, 0, len(data))
	for _, k := range slices.Sorted(maps.Keys(data)) {
		out = append(out, SecretKeyView{Key: k, Size: len(data[k])})
	}
	return out
}

func versionView(v *store.ConfigVersion) ConfigVersionView {
	keys := v.KeyNames
	if keys == nil {
		keys = []string{}
	}
	return ConfigVersionView{Version: v.Version, Change: v.ChangeType, RollbackOf: v.RollbackOf, ResourceVersion: v.ResourceVersion,
		Keys: keys, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt}
}
