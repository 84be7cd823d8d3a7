// Package auth decides who a request comes from and what it may do.
//
// Authentication: users sign in with a password (hashed with argon2id) and
// receive a session token; they can also mint long-lived API tokens. Tokens
// are random, shown once, and stored only as their SHA-256, so a copy of the
// database cannot be used to sign in.
//
// Authorization: every operation names a Permission (a verb on a resource
// kind, optionally inside a cluster or project scope). An Authorizer grants
// it from the caller's global role and, through a BindingSource, from roles
// bound to the caller in that cluster or project (owner, member, viewer).
package auth
