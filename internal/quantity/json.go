package quantity

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/resource"
)

var quantityType = reflect.TypeFor[resource.Quantity]()

// CheckJSON bounds the quantities of a JSON document before it is decoded
// into a value of into's type: decoding a Kubernetes type (a pod template)
// parses every resource.Quantity it holds with no bound. CheckJSON walks
// the document alongside the type and reads each value that would land in
// a Quantity through Parse; the *Error names its field below loc
// (body.spec.template.spec.containers[0].resources.limits.cpu). A document
// that is not JSON is left to the decoder to refuse.
func CheckJSON(raw []byte, into any, loc string) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber() // a Quantity also decodes from a bare number
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil
	}
	return walk(doc, reflect.TypeOf(into), loc)
}

func walk(v any, t reflect.Type, loc string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == quantityType {
		var text string
		switch q := v.(type) {
		case string:
			text = q
		case json.Number:
			text = q.String()
		default:
			return nil // null, or a type the decoder refuses
		}
		_, err := Parse(loc, strings.TrimSpace(text))
		return err
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		fields := fieldsOf(t)
		for key, val := range obj {
			f, ok := fields.lookup(key)
			if !ok {
				continue
			}
			if err := walk(val, f.typ, loc+"."+key); err != nil {
				return err
			}
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		for key, val := range obj {
			if err := walk(val, t.Elem(), loc+"."+key); err != nil {
				return err
			}
		}
	case reflect.Slice, reflect.Array:
		list, ok := v.([]any)
		if !ok {
			return nil
		}
		for i, val := range list {
			if err := walk(val, t.Elem(), loc+"["+strconv.Itoa(i)+"]"); err != nil {
				return err
			}
		}
	}
	return nil
}

// field is a JSON field of a struct type.
type field struct {
	name string
	typ  reflect.Type
}

// fieldSet is a struct's JSON fields, inlined embedded structs included.
type fieldSet []field

// lookup finds the field a key decodes into: encoding/json prefers an
// exact name and else takes a case-insensitive match.
func (fs fieldSet) lookup(key string) (field, bool) {
	for _, f := range fs {
		if f.name == key {
			return f, true
		}
	}
	for _, f := range fs {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return field{}, false
}

var fieldCache sync.Map // reflect.Type -> fieldSet

func fieldsOf(t reflect.Type) fieldSet {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(fieldSet)
	}
	var fs fieldSet
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := sf.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if sf.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			fs = append(fs, fieldsOf(ft)...)
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fs = append(fs, field{name: name, typ: sf.Type})
	}
	fieldCache.Store(t, fs)
	return fs
}
