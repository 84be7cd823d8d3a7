package pipeline

import (
	devopsv1alpha1 "github.com/wheelhouse-dev/wheelhouse/api/devops/v1alpha1"
)

// Matches reports whether a stage or step with condition when runs for an
// execution of branch started by event (push, pull_request, tag, cron,
// manual, image_push). No condition always holds; each condition set must.
func Matches(when *devopsv1alpha1.When, branch, event string) bool {
	if when == nil {
		return true
	}
	return MatchCondition(when.Branch, branch) && MatchCondition(when.Event, event)
}

// MatchCondition reports whether value satisfies c: it matches one of
// c.Include (or c.Include is empty) and none of c.Exclude. A nil c always
// holds.
func MatchCondition(c *devopsv1alpha1.Condition, value string) bool {
	if c == nil {
		return true
	}
	if len(c.Include) > 0 && !matchAny(c.Include, value) {
		return false
	}
	return !matchAny(c.Exclude, value)
}

func matchAny(patterns []string, value string) bool {
	for _, p := range patterns {
		if Glob(p, value) {
			return true
		}
	}
	return false
}

// Glob reports whether s matches pattern, in which * stands for any run of
// characters (slashes too: feature/* matches feature/a/b) and ? for one
// character; every other character stands for itself. It works in
// O(len(pattern)·len(s)) at worst.
func Glob(pattern, s string) bool {
	p, v := []rune(pattern), []rune(s)
	pi, vi := 0, 0
	star, mark := -1, 0
	for vi < len(v) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == v[vi]):
			pi++
			vi++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, vi
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			vi = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
