package multicluster

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"
)

// Sort orders of List.
const (
	SortName         = "name"
	SortNameDesc     = "-name"
	SortCreation     = "creationTimestamp"
	SortCreationDesc = "-creationTimestamp"
)

// Query selects and pages objects of one kind from a cluster's cache.
type Query struct {
	// Namespace limits a namespaced kind to one namespace; empty means all.
	Namespace string
	// LabelSelector in the Kubernetes syntax (app=web,tier!=db).
	LabelSelector string
	// FieldSelector in the Kubernetes syntax; Kind.FieldPaths lists the
	// keys of each kind.
	FieldSelector string
	// NameContains keeps objects whose name contains it.
	NameContains string
	// Sort is SortName (default; namespace then name), SortNameDesc,
	// SortCreation or SortCreationDesc.
	Sort string
	// Limit is the page size; 0 means every match.
	Limit int
	// Continue is the token of the previous page.
	Continue string
}

// Page is one page of a List.
type Page struct {
	Items []runtime.Object
	// Continue fetches the next page; empty on the last one.
	Continue string
	// Total is how many objects matched, over all pages.
	Total int
}

// QueryError is a bad query; its Field names the parameter at fault.
type QueryError struct {
	Field   string
	Message string
}

func (e *QueryError) Error() string { return e.Field + ": " + e.Message }

// continueToken is the opaque continue value: the sort order and the key of
// the last item served. Keyset pagination stays correct while objects come
// and go between pages.
type continueToken struct {
	Sort  string `json:"s"`
	After string `json:"a"`
}

// List returns one page of kind's objects that match q, from the cache.
func (c *Cluster) List(kind string, q Query) (*Page, error) {
	if err := c.Available(); err != nil {
		return nil, err
	}
	inf, k, err := c.informer(kind)
	if err != nil {
		return nil, err
	}
	sel, err := parseSelectors(k, q)
	if err != nil {
		return nil, err
	}
	sortBy := cmp.Or(q.Sort, SortName)
	if !slices.Contains([]string{SortName, SortNameDesc, SortCreation, SortCreationDesc}, sortBy) {
		return nil, &QueryError{Field: "sort", Message: fmt.Sprintf("%q is not one of name, -name, creationTimestamp, -creationTimestamp", sortBy)}
	}
	var after string
	if q.Continue != "" {
		tok, err := decodeContinue(q.Continue)
		if err != nil || tok.Sort != sortBy {
			return nil, &QueryError{Field: "continue", Message: "not a token from a previous page of this list"}
		}
		after = tok.After
	}

	// The candidates come from the most selective index the query allows
	// (namespace, an equality label requirement, an indexed field), or are
	// every cached object; the whole query is applied to them below.
	objs, err := candidates(inf.GetIndexer(), k, q, sel)
	if err != nil {
		return nil, fmt.Errorf("read the indexes of %s: %w", kind, err)
	}
	inNamespace := k.Namespaced && q.Namespace != ""

	type keyed struct {
		key string
		obj runtime.Object
	}
	desc := strings.HasPrefix(sortBy, "-")
	matches := make([]keyed, 0, len(objs))
	total := 0
	for _, o := range objs {
		obj, ok := o.(runtime.Object)
		if !ok {
			continue
		}
		acc, err := meta.Accessor(obj)
		if err != nil {
			continue
		}
		if inNamespace && acc.GetNamespace() != q.Namespace {
			continue
		}
		if q.NameContains != "" && !strings.Contains(acc.GetName(), q.NameContains) {
			continue
		}
		// fieldSet allocates a map per object: only when there is a field
		// selector.
		if !sel.labels.Matches(labels.Set(acc.GetLabels())) || (!sel.fields.Empty() && !sel.fields.Matches(fieldSet(k, obj))) {
			continue
		}
		total++
		key := sortKey(sortBy, acc)
		if after != "" && ((!desc && key <= after) || (desc && key >= after)) {
			continue
		}
		matches = append(matches, keyed{key: key, obj: obj})
	}
	slices.SortFunc(matches, func(a, b keyed) int {
		if desc {
			return strings.Compare(b.key, a.key)
		}
		return strings.Compare(a.key, b.key)
	})
	page := &Page{Total: total}
	if q.Limit > 0 && len(matches) > q.Limit {
		matches = matches[:q.Limit]
		page.Continue = encodeContinue(continueToken{Sort: sortBy, After: matches[len(matches)-1].key})
	}
	page.Items = make([]runtime.Object, len(matches))
	for i, m := range matches {
		page.Items[i] = m.obj
	}
	return page, nil
}

// Get returns one object from the cache; name is "namespace/name" for
// namespaced kinds. A missing object is a Kubernetes NotFound error.
func (c *Cluster) Get(kind, namespace, name string) (runtime.Object, error) {
	if err := c.Available(); err != nil {
		return nil, err
	}
	inf, k, err := c.informer(kind)
	if err != nil {
		return nil, err
	}
	key := name
	if k.Namespaced {
		key = namespace + "/" + name
	}
	o, ok, err := inf.GetIndexer().GetByKey(key)
	if err != nil {
		return nil, fmt.Errorf("read %s %s from cache: %w", kind, key, err)
	}
	if !ok {
		return nil, apierrors.NewNotFound(k.GVR.GroupResource(), name)
	}
	obj, ok := o.(runtime.Object)
	if !ok {
		return nil, fmt.Errorf("cache of %s holds a %T", kind, o)
	}
	return obj, nil
}

// Count returns how many objects of kind the cache holds (all namespaces).
func (c *Cluster) Count(kind string) (int, error) {
	inf, _, err := c.informer(kind)
	if err != nil {
		return 0, err
	}
	return len(inf.GetIndexer().ListKeys()), nil
}

func (c *Cluster) informer(kind string) (cache.SharedIndexInformer, Kind, error) {
	k, err := KindByName(kind)
	if err != nil {
		return nil, Kind{}, &QueryError{Field: "kind", Message: err.Error()}
	}
	return c.informers[kind], k, nil
}

type selectors struct {
	labels labels.Selector
	fields fields.Selector
}

func parseSelectors(k Kind, q Query) (selectors, error) {
	ls, err := labels.Parse(q.LabelSelector)
	if err != nil {
		return selectors{}, &QueryError{Field: "labelSelector", Message: err.Error()}
	}
	fs, err := fields.ParseSelector(q.FieldSelector)
	if err != nil {
		return selectors{}, &QueryError{Field: "fieldSelector", Message: err.Error()}
	}
	for _, r := range fs.Requirements() {
		if _, ok := k.field(r.Field); !ok {
			return selectors{}, &QueryError{Field: "fieldSelector",
				Message: fmt.Sprintf("field %q is not supported for %s (supported: %s)", r.Field, k.Name, strings.Join(k.FieldPaths(), ", "))}
		}
	}
	return selectors{labels: ls, fields: fs}, nil
}

// fieldSet is the set of selectable fields of obj, an object of k.
func fieldSet(k Kind, obj runtime.Object) fields.Set {
	set := fields.Set{}
	for _, f := range append(slices.Clone(commonFields), k.Fields...) {
		set[f.Path] = f.Value(obj)
	}
	return set
}

func sortKey(sortBy string, acc metav1.Object) string {
	name := acc.GetNamespace() + "/" + acc.GetName()
	if sortBy == SortCreation || sortBy == SortCreationDesc {
		// Fixed width, so that text order is time order.
		return acc.GetCreationTimestamp().UTC().Format("2006-01-02T15:04:05.000000000") + "\x00" + name
	}
	return name
}

func encodeContinue(t continueToken) string {
	raw, _ := json.Marshal(t) // a struct of strings always marshals
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeContinue(s string) (continueToken, error) {
	var t continueToken
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return t, err
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return t, err
	}
	if t.After == "" {
		return t, errors.New("empty continue token")
	}
	return t, nil
}

// Each calls fn for every cached object of kind, in no particular order,
// without copying or sorting: for summaries over whole caches.
func (c *Cluster) Each(kind string, fn func(obj runtime.Object)) error {
	if err := c.Available(); err != nil {
		return err
	}
	inf, _, err := c.informer(kind)
	if err != nil {
		return err
	}
	for _, o := range inf.GetIndexer().List() {
		if obj, ok := o.(runtime.Object); ok {
			fn(obj)
		}
	}
	return nil
}
