package multicluster

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/selection"
	"k8s.io/client-go/tools/cache"
)

// Names of the cache indexes List uses besides cache.NamespaceIndex.
const (
	// labelIndex maps "key=value" to the objects carrying that label.
	labelIndex = "label"
	// fieldIndex maps "field=value" to the objects whose field has that
	// value, for the fields of indexedFields.
	fieldIndex = "field"
)

// indexers are the indexes every cache of k gets: labels for all kinds,
// and k's indexed fields.
func indexers(k Kind) cache.Indexers {
	ix := cache.Indexers{labelIndex: indexByLabel}
	if fs := k.indexedFields(); len(fs) > 0 {
		ix[fieldIndex] = indexByFields(fs)
	}
	return ix
}

// indexByLabel returns "key=value" for each label of obj. The index holds
// one set entry per label of every object: a few MB for 10,000 pods.
func indexByLabel(obj any) ([]string, error) {
	acc, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil
	}
	ls := acc.GetLabels()
	if len(ls) == 0 {
		return nil, nil
	}
	out := make([]string, 0, len(ls))
	for k, v := range ls {
		out = append(out, k+"="+v)
	}
	return out, nil
}

// indexByFields returns an index function that gives "field=value" for
// each of fs, empty values included (the pods not bound to a node are
// "spec.nodeName=").
func indexByFields(fs []Field) cache.IndexFunc {
	return func(obj any) ([]string, error) {
		o, ok := obj.(runtime.Object)
		if !ok {
			return nil, nil
		}
		out := make([]string, len(fs))
		for i, f := range fs {
			out[i] = f.Path + "=" + f.Value(o)
		}
		return out, nil
	}
}

// lookup is one index read that yields a superset of the matches: the
// union of the objects under each of values in index.
type lookup struct {
	index  string
	values []string
}

// lookups returns the index reads that can stand in for a full scan of
// indexer for q: the namespace, each label requirement `k=v`, `k==v` or
// `k in (v1,...)`, each equality on an indexed field. Every one of them
// yields a superset of the matches, so any of them may be used; List uses
// the smallest and still applies the whole query to it.
func lookups(indexer cache.Indexer, k Kind, q Query, sel selectors) []lookup {
	have := indexer.GetIndexers()
	var out []lookup
	if k.Namespaced && q.Namespace != "" && have[cache.NamespaceIndex] != nil {
		out = append(out, lookup{index: cache.NamespaceIndex, values: []string{q.Namespace}})
	}
	if have[labelIndex] != nil {
		if reqs, ok := sel.labels.Requirements(); ok {
			for _, r := range reqs {
				switch r.Operator() {
				case selection.Equals, selection.DoubleEquals, selection.In:
					vals := r.Values().UnsortedList()
					if len(vals) == 0 {
						continue
					}
					keys := make([]string, len(vals))
					for i, v := range vals {
						keys[i] = r.Key() + "=" + v
					}
					out = append(out, lookup{index: labelIndex, values: keys})
				}
			}
		}
	}
	for _, r := range sel.fields.Requirements() {
		if r.Operator != selection.Equals && r.Operator != selection.DoubleEquals {
			continue
		}
		switch {
		case r.Field == "metadata.namespace" && k.Namespaced && have[cache.NamespaceIndex] != nil:
			out = append(out, lookup{index: cache.NamespaceIndex, values: []string{r.Value}})
		case have[fieldIndex] != nil && indexed(k, r.Field):
			out = append(out, lookup{index: fieldIndex, values: []string{r.Field + "=" + r.Value}})
		}
	}
	return out
}

// candidates returns the objects List must filter for q: those of the
// smallest of the possible index reads, or every cached object when no
// index applies.
func candidates(indexer cache.Indexer, k Kind, q Query, sel selectors) ([]any, error) {
	ls := lookups(indexer, k, q, sel)
	if len(ls) == 0 {
		return indexer.List(), nil
	}
	// Size each read by its keys first (no object lookups), then fetch the
	// objects of the smallest.
	best, bestSize := 0, -1
	for i, l := range ls {
		size := 0
		for _, v := range l.values {
			keys, err := indexer.IndexKeys(l.index, v)
			if err != nil {
				return nil, err
			}
			size += len(keys)
		}
		if bestSize < 0 || size < bestSize {
			best, bestSize = i, size
		}
		if bestSize == 0 {
			return nil, nil
		}
	}
	l := ls[best]
	objs := make([]any, 0, bestSize)
	for _, v := range l.values {
		// Disjoint for label values (one value per key per object).
		o, err := indexer.ByIndex(l.index, v)
		if err != nil {
			return nil, err
		}
		objs = append(objs, o...)
	}
	return objs, nil
}

// indexed reports whether k's field path has a cache index.
func indexed(k Kind, path string) bool {
	f, ok := k.field(path)
	return ok && f.Indexed
}
