package helm

import (
	"reflect"

	chartutil "helm.sh/helm/v4/pkg/chart/common/util"
	chart "helm.sh/helm/v4/pkg/chart/v2"
)

// ValidateValues checks overrides, over chart's defaults, against the
// chart's values.schema.json (and its subcharts'); a failure is an
// *InvalidValuesError naming each broken field.
func ValidateValues(ch *chart.Chart, overrides map[string]any) error {
	merged, err := chartutil.CoalesceValues(ch, overrides)
	if err != nil {
		return invalidValues(err)
	}
	if err := chartutil.ValidateAgainstSchema(ch, merged); err != nil {
		return invalidValues(err)
	}
	return nil
}

// Overrides returns the part of values that differs from defaults: what a
// release keeps as the user's values, so that a later chart version's
// defaults reach it (a form that sends every field back with its default
// would otherwise pin them all). Maps are compared key by key; any other
// value (lists included) is kept whole when it differs. A key whose value
// is nil is kept: in Helm it deletes the default.
func Overrides(defaults, values map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range values {
		d, has := defaults[k]
		if !has || v == nil {
			out[k] = v
			continue
		}
		vm, vok := v.(map[string]any)
		dm, dok := d.(map[string]any)
		if vok && dok {
			if sub := Overrides(dm, vm); len(sub) > 0 {
				out[k] = sub
			}
			continue
		}
		if !equalValue(d, v) {
			out[k] = v
		}
	}
	return out
}

// equalValue compares two values decoded from YAML or JSON, where numbers
// may be int, int64 or float64 for the same number.
func equalValue(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	return reflect.DeepEqual(a, b)
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case float64:
		return n, true
	case uint64:
		return float64(n), true
	}
	return 0, false
}
