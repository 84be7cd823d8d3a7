package store

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"
)

// Page sizes for List methods.
const (
	// DefaultLimit is the page size when ListOptions.Limit is zero or less.
	DefaultLimit = 100
	// MaxLimit caps ListOptions.Limit.
	MaxLimit = 1000
)

// ListOptions page through a list. Pages are keyed by record id, so a
// record created or deleted meanwhile never makes a page skip or repeat
// another record.
type ListOptions struct {
	// Limit is the most items to return: DefaultLimit when zero or less,
	// at most MaxLimit.
	Limit int
	// Continue is the opaque token a previous page returned as next; empty
	// starts at the beginning.
	Continue string
	// Search, where a list supports it, keeps records whose text fields
	// contain it, ignoring case.
	Search string
}

func (o ListOptions) limit() int {
	switch {
	case o.Limit <= 0:
		return DefaultLimit
	case o.Limit > MaxLimit:
		return MaxLimit
	}
	return o.Limit
}

// continuePrefix versions the token format.
const continuePrefix = "v1:"

func encodeContinue(id uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(continuePrefix + strconv.FormatUint(id, 10)))
}

// decodeContinue returns the id after which the next page starts, or 0
// for the first page.
func decodeContinue(token string) (uint64, error) {
	if token == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, ErrInvalidContinue
	}
	s, ok := strings.CutPrefix(string(raw), continuePrefix)
	if !ok {
		return 0, ErrInvalidContinue
	}
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, ErrInvalidContinue
	}
	return id, nil
}

// page runs q (already filtered) one page at a time in id order, ascending
// or descending, and returns the items and the next page's token ("" on
// the last page).
func page[T any](q *gorm.DB, opts ListOptions, desc bool, id func(*T) uint64) ([]T, string, error) {
	after, err := decodeContinue(opts.Continue)
	if err != nil {
		return nil, "", err
	}
	limit := opts.limit()
	if after != 0 {
		if desc {
			q = q.Where("id < ?", after)
		} else {
			q = q.Where("id > ?", after)
		}
	}
	order := "id"
	if desc {
		order = "id DESC"
	}
	var items []T
	if err := q.Order(order).Limit(limit + 1).Find(&items).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		next = encodeContinue(id(&items[limit-1]))
	}
	if items == nil {
		items = []T{}
	}
	return items, next, nil
}

// likeEscape escapes LIKE's wildcards with '!', the escape character every
// query here declares (backslash means different things on MySQL and
// PostgreSQL).
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// containsPattern is a case-insensitive LIKE pattern for a substring; use
// it as LOWER(column) LIKE ? ESCAPE '!'.
func containsPattern(s string) string { return "%" + likeEscape(strings.ToLower(s)) + "%" }

func listError(what string, err error) error {
	if err == ErrInvalidContinue {
		return fmt.Errorf("%s: %w", what, ErrInvalidContinue)
	}
	return dbError(what, err)
}
