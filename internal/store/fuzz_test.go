package store

import (
	"errors"
	"testing"
)

// FuzzDecodeContinue checks that any continue token text is refused with
// ErrInvalidContinue or names a record id, and that every id reads back
// from its own token.
func FuzzDecodeContinue(f *testing.F) {
	for _, s := range []string{"", encodeContinue(1), encodeContinue(1<<64 - 1), "garbage", "djE6MA", "djE6LTE", "djE6"} {
		f.Add(s, uint64(42))
	}
	f.Fuzz(func(t *testing.T, token string, id uint64) {
		got, err := decodeContinue(token)
		switch {
		case err != nil && !errors.Is(err, ErrInvalidContinue):
			t.Fatalf("error %v is not ErrInvalidContinue", err)
		case err == nil && token != "" && got == 0:
			t.Fatalf("%q names record 0", token)
		}
		if id == 0 {
			return
		}
		if back, err := decodeContinue(encodeContinue(id)); err != nil || back != id {
			t.Fatalf("id %d reads back as %d, %v", id, back, err)
		}
	})
}
