package store

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm/clause"
)

// AuditRepo appends to and reads the audit log. Get it from (*Store).Audit.
type AuditRepo struct{ s *Store }

// Audit returns the audit log repository.
func (s *Store) Audit() *AuditRepo { return &AuditRepo{s: s} }

// AuditFilter selects audit entries; empty fields select everything.
type AuditFilter struct {
	// Username, Action and Outcome match exactly.
	Username string
	Action   string
	Outcome  string
	// Target keeps entries whose target starts with it (case-sensitive).
	Target string
	// Since and Until bound the entry time: Since <= Time < Until.
	Since *time.Time
	Until *time.Time
	ListOptions
}

// Append records e and sets its ID. A zero Time is set to now.
func (r *AuditRepo) Append(ctx context.Context, e *AuditEntry) error {
	e.ID = 0
	if e.Time.IsZero() {
		e.Time = now()
	} else {
		e.Time = dbTime(e.Time)
	}
	return dbError(fmt.Sprintf("append audit entry %q", e.Action), r.s.withCtx(ctx).Create(e).Error)
}

// List returns the entries that match f, newest first, a page at a time.
// f.Search keeps entries whose username, action, target or reason contains
// it, ignoring case.
func (r *AuditRepo) List(ctx context.Context, f AuditFilter) (items []AuditEntry, next string, err error) {
	q := r.s.withCtx(ctx).Model(&AuditEntry{})
	if f.Username != "" {
		q = q.Where("username = ?", f.Username)
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Outcome != "" {
		q = q.Where("outcome = ?", f.Outcome)
	}
	if f.Target != "" {
		// SUBSTR compares exactly on every database, where LIKE ignores
		// case on SQLite.
		q = q.Where("SUBSTR(target, 1, ?) = ?", utf8.RuneCountInString(f.Target), f.Target)
	}
	if f.Since != nil {
		q = q.Where(clause.Gte{Column: clause.Column{Name: "time"}, Value: dbTime(*f.Since)})
	}
	if f.Until != nil {
		q = q.Where(clause.Lt{Column: clause.Column{Name: "time"}, Value: dbTime(*f.Until)})
	}
	if f.Search != "" {
		p := containsPattern(f.Search)
		q = q.Where("LOWER(username) LIKE ? ESCAPE '!' OR LOWER(action) LIKE ? ESCAPE '!' OR LOWER(target) LIKE ? ESCAPE '!' OR LOWER(reason) LIKE ? ESCAPE '!'", p, p, p, p)
	}
	items, next, err = page(q, f.ListOptions, true, func(e *AuditEntry) uint64 { return e.ID })
	if err != nil {
		return nil, "", listError("list audit entries", err)
	}
	return items, next, nil
}
