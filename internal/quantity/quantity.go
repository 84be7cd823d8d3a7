// Package quantity reads Kubernetes quantities (500m, 2Gi, 1e3) from user
// text with bounds. Kubernetes' own parser takes any exponent: 1e2147483647
// or 2E20000000000 (whose exponent wraps around int32) parses, or later
// compares and prints, by building numbers of billions of digits, which
// holds a request for minutes at growing memory. Every quantity a user
// sends is read through Parse, which refuses long text and large exponents
// before the parser sees them, so no area can forget the bound.
package quantity

import (
	"fmt"
	"strconv"

	"k8s.io/apimachinery/pkg/api/resource"
)

// MaxLength is the longest quantity accepted, in bytes: far more than any
// real amount needs (a 20-digit number with a suffix).
const MaxLength = 64

// MaxExponent bounds the decimal exponent of the e-notation (1e9, 5E-3):
// 10^64 is beyond any resource, and the parser's work stays tiny.
const MaxExponent = 64

// Error is a quantity that cannot be used; Field names where it was given
// (body.hard.cpu). Handlers turn it into a 422 naming the field.
type Error struct {
	Field  string
	Value  string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Message()) }

// Message describes the problem without the field, quoting the value
// (shortened when it is too long to be a quantity).
func (e *Error) Message() string {
	v := e.Value
	if len(v) > MaxLength {
		v = v[:MaxLength] + "..."
	}
	return fmt.Sprintf("%q %s", v, e.Reason)
}

// Parse reads s as a quantity of the field named field. It refuses text
// longer than MaxLength and exponents beyond ±MaxExponent before calling
// resource.ParseQuantity; every error is an *Error.
func Parse(field, s string) (resource.Quantity, error) {
	if err := check(s); err != "" {
		return resource.Quantity{}, &Error{Field: field, Value: s, Reason: err}
	}
	q, err := resource.ParseQuantity(s)
	if err != nil {
		return resource.Quantity{}, &Error{Field: field, Value: s, Reason: "is not a quantity (examples: 500m, 2, 1Gi, 10)"}
	}
	return q, nil
}

// check returns why s may not reach the parser, or "".
func check(s string) string {
	if len(s) > MaxLength {
		return fmt.Sprintf("is too long for a quantity (at most %d characters)", MaxLength)
	}
	// The number: an optional sign, digits, an optional fraction. What
	// follows is the suffix, as Kubernetes' parser splits it.
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
		}
	}
	suffix := s[i:]
	if len(suffix) < 2 || (suffix[0] != 'e' && suffix[0] != 'E') || suffix == "Ei" {
		// No exponent: a decimal or binary SI suffix, or none.
		return ""
	}
	exp, err := strconv.ParseInt(suffix[1:], 10, 64)
	if err != nil {
		return "is not a quantity (examples: 500m, 2, 1Gi, 10)"
	}
	if exp > MaxExponent || exp < -MaxExponent {
		return fmt.Sprintf("has an exponent out of range (at most %d either way)", MaxExponent)
	}
	return ""
}

func isDigit(b byte) bool { return '0' <= b && b <= '9' }
