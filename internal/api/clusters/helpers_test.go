package clusters_test

import "encoding/json"

// jsonText is v as JSON, for searching a response body for a text.
func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
