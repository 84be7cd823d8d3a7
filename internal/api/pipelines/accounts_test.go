package pipelines

import (
	"strings"
	"testing"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/secrets"
)

// TestOAuthState: a state opens for the same user, project, provider and
// callback until it expires, on any server holding the key (a restarted
// one too), and for nothing else.
func TestOAuthState(t *testing.T) {
	key, err := secrets.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	ring := func(keys ...[]byte) *handlers {
		kr, err := secrets.NewKeyring(keys[0], keys[1:]...)
		if err != nil {
			t.Fatal(err)
		}
		return &handlers{Deps: Deps{Keyring: kr}}
	}
	h := ring(key)
	now := time.Now()
	state, err := h.sealState("alice", "p-1-pipelines", "gitea", "https://wh.example/oauth/callback", now.Add(10*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if len(state) > 128 {
		t.Errorf("state is %d characters, more than the callback takes (128): %s", len(state), state)
	}
	if !ring(key).openState(state, "alice", "p-1-pipelines", "gitea", "https://wh.example/oauth/callback", now) {
		t.Fatal("the state does not open on a server with the same key")
	}
	other, _ := secrets.GenerateKey()
	tampered := state[:len(state)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(state, "AA")]
	for name, ok := range map[string]bool{
		"another user":     h.openState(state, "mallory", "p-1-pipelines", "gitea", "https://wh.example/oauth/callback", now),
		"another project":  h.openState(state, "alice", "p-2-pipelines", "gitea", "https://wh.example/oauth/callback", now),
		"another provider": h.openState(state, "alice", "p-1-pipelines", "github", "https://wh.example/oauth/callback", now),
		"another callback": h.openState(state, "alice", "p-1-pipelines", "gitea", "https://evil.example/oauth/callback", now),
		"parts shifted":    h.openState(state, "alice", "p-1-pipelinesgitea", "", "https://wh.example/oauth/callback", now),
		"expired":          h.openState(state, "alice", "p-1-pipelines", "gitea", "https://wh.example/oauth/callback", now.Add(11*time.Minute)),
		"tampered":         h.openState(tampered, "alice", "p-1-pipelines", "gitea", "https://wh.example/oauth/callback", now),
		"not a state":      h.openState("nope", "alice", "p-1-pipelines", "gitea", "https://wh.example/oauth/callback", now),
		"another key":      ring(other).openState(state, "alice", "p-1-pipelines", "gitea", "https://wh.example/oauth/callback", now),
	} {
		if ok {
			t.Errorf("%s: the state opened", name)
		}
	}
	if !ring(other, key).openState(state, "alice", "p-1-pipelines", "gitea", "https://wh.example/oauth/callback", now) {
		t.Error("the state does not open after a key rotation that keeps the old key")
	}
}
