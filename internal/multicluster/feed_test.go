package multicluster

import (
	"strconv"
	"testing"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func pod(name, rv string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", ResourceVersion: rv}}
}

func drained(s *subscription) []string {
	var out []string
	for {
		select {
		case c := <-s.ch:
			out = append(out, c.typ+" "+c.obj.(*corev1.Pod).Name)
		default:
			return out
		}
	}
}

func TestFeedResumesFromACursor(t *testing.T) {
	g := NewWithT(t)
	f := newFeed()
	h := f.handler()
	h.OnAdd(pod("a", "1"), false)
	cursor := f.cursor()
	h.OnUpdate(pod("a", "1"), pod("a", "2"))
	h.OnUpdate(pod("a", "2"), pod("a", "2")) // a resync: not a change
	h.OnDelete(pod("a", "2"))
	h.OnAdd(pod("b", "3"), false)

	s, err := f.subscribe(cursor)
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(drained(s)).To(Equal([]string{"MODIFIED a", "DELETED a", "ADDED b"}))
	h.OnAdd(pod("c", "4"), false)
	g.Expect(drained(s)).To(Equal([]string{"ADDED c"}))

	now, err := f.subscribe("")
	g.Expect(err).NotTo(HaveOccurred())
	g.Expect(drained(now)).To(BeEmpty())
}

func TestFeedRefusesCursorsItCannotResume(t *testing.T) {
	g := NewWithT(t)
	f := newFeed()
	h := f.handler()
	old := f.cursor()
	for i := range feedSize + 1 {
		h.OnAdd(pod("p"+strconv.Itoa(i), strconv.Itoa(i+1)), false)
	}
	for _, c := range []string{old, "other.1", "garbage", f.epoch + ".99999", newFeed().cursor()} {
		_, err := f.subscribe(c)
		g.Expect(err).To(MatchError(ErrCursorGone), c)
	}
	_, err := f.subscribe(f.cursor())
	g.Expect(err).NotTo(HaveOccurred())
}

func TestFeedDropsAWatcherThatFallsBehind(t *testing.T) {
	g := NewWithT(t)
	f := newFeed()
	s, err := f.subscribe("")
	g.Expect(err).NotTo(HaveOccurred())
	for i := range subscriberBuffer + feedSize + 1 {
		f.handler().OnAdd(pod("p"+strconv.Itoa(i), strconv.Itoa(i+1)), false)
	}
	g.Expect(s.lost).To(BeClosed())
	f.closeAll() // idempotent for a lost watcher
}
