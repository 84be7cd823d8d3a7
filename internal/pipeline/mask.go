package pipeline

import (
	"bytes"
	"io"
	"sort"
	"strings"
	"sync"
)

// Mask is what a secret's value is written as in a step's log.
const Mask = "****"

// minMaskedLine is the shortest line of a multi-line secret masked on its
// own: shorter lines ("}", "-----") are structure that would blot out the
// log, and the whole value is masked anyway.
const minMaskedLine = 8

// Masker writes a step's log with the values of its secrets (its envFrom)
// replaced by Mask, as CI systems do: a script that prints a token does not
// leak it to whoever reads the log. A value split across two writes is
// still masked: the end of a write that could begin a secret is held back
// until the next write or Flush. It is safe for concurrent use (a step's
// stdout and stderr).
type Masker struct {
	mu      sync.Mutex
	w       io.Writer
	secrets [][]byte // longest first, so a secret holding another is masked whole
	pending []byte
	err     error
}

// NewMasker returns a Masker writing to w, masking nothing yet.
func NewMasker(w io.Writer) *Masker { return &Masker{w: w} }

// Add masks values from now on: each whole, and each line of a
// multi-line one.
func (m *Masker) Add(values map[string]string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	seen := map[string]bool{}
	for _, s := range m.secrets {
		seen[string(s)] = true
	}
	add := func(s string) {
		if strings.TrimSpace(s) == "" || seen[s] {
			return
		}
		seen[s] = true
		m.secrets = append(m.secrets, []byte(s))
	}
	for _, v := range values {
		add(v)
		if strings.ContainsAny(v, "\r\n") {
			for _, line := range strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' }) {
				if len(strings.TrimSpace(line)) >= minMaskedLine {
					add(line)
				}
			}
		}
	}
	sort.SliceStable(m.secrets, func(i, j int) bool { return len(m.secrets[i]) > len(m.secrets[j]) })
}

// Write implements io.Writer.
func (m *Masker) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return 0, m.err
	}
	if len(m.secrets) == 0 {
		_, m.err = m.w.Write(p)
		return len(p), m.err
	}
	m.pending = append(m.pending, p...)
	out := m.mask(m.pending)
	keep := m.heldBack(out)
	if len(out) > keep {
		_, m.err = m.w.Write(out[:len(out)-keep])
	}
	m.pending = append(m.pending[:0], out[len(out)-keep:]...)
	return len(p), m.err
}

// Flush writes what was held back: the step has ended, nothing more of
// a split secret will come.
func (m *Masker) Flush() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err == nil && len(m.pending) > 0 {
		_, m.err = m.w.Write(m.pending)
	}
	m.pending = m.pending[:0]
	return m.err
}

// MaskString returns s with the secrets masked: for messages about the
// step that do not go through the log (its status).
func (m *Masker) MaskString(s string) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return string(m.mask([]byte(s)))
}

// mask replaces every secret in b (a new slice when one is found).
func (m *Masker) mask(b []byte) []byte {
	for _, s := range m.secrets {
		if bytes.Contains(b, s) {
			b = bytes.ReplaceAll(b, s, []byte(Mask))
		}
	}
	return b
}

// heldBack is the length of the longest end of b that is the beginning of
// a secret: it may be completed by the next write.
func (m *Masker) heldBack(b []byte) int {
	keep := 0
	for _, s := range m.secrets {
		for n := min(len(s)-1, len(b)); n > keep; n-- {
			if bytes.HasSuffix(b, s[:n]) {
				keep = n
				break
			}
		}
	}
	return keep
}
