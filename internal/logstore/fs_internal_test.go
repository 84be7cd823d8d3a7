package logstore

import (
	"errors"
	"testing"
	"time"

	"github.com/onsi/gomega"
)

// TestFSDeleteEndsWaitingFollower checks that Delete ends a follower still
// waiting for its log to be created. From outside, a follower that has not
// started yet cannot be told from one that waits, so this test looks at
// the store's registry to know the follower is waiting.
func TestFSDeleteEndsWaitingFollower(t *testing.T) {
	s, err := NewFS(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := Key{Namespace: "team-a", Execution: "build-7", Stage: 3}
	done := make(chan error, 1)
	go func() { done <- s.Follow(t.Context(), key, 0, func([]byte) error { return nil }) }()
	g := gomega.NewWithT(t)
	g.Eventually(func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.logs[key] != nil
	}).WithTimeout(30 * time.Second).WithPolling(10 * time.Millisecond).Should(gomega.BeTrue())
	if err := s.Delete(t.Context(), key.Namespace, key.Execution); err != nil {
		t.Fatal(err)
	}
	var got error
	g.Eventually(done).WithTimeout(30 * time.Second).Should(gomega.Receive(&got))
	if !errors.Is(got, ErrNotFound) {
		t.Fatalf("follower ended with %v, want ErrNotFound", got)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g.Expect(s.logs).To(gomega.BeEmpty(), "states outlive their holders")
}
