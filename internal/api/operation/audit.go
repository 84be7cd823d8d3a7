package operation

import "context"

// AuditNote lets a handler add to the audit record of its request what the
// middleware cannot know: the user name a login attempt was for.
type AuditNote struct {
	Actor string
}

type auditNoteKey struct{}

// AuditNoteContextKey is the context key of the request's *AuditNote.
func AuditNoteContextKey() any { return auditNoteKey{} }

// NoteActor records who an unauthenticated request acted as (the user name
// of a login attempt). It does nothing outside an audited request.
func NoteActor(ctx context.Context, name string) {
	if n, ok := ctx.Value(auditNoteKey{}).(*AuditNote); ok {
		n.Actor = name
	}
}
