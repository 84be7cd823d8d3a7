package ctrlkit

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
)

// EventPair names the two events of one action, both reason constants of
// the API package: Succeeded ("ApplySucceeded", a Normal event) and Failed
// ("ApplyFailed", a Warning). Users filter a kind's events by action and
// find both outcomes under names that match.
type EventPair struct {
	Succeeded string
	Failed    string
}

// Recorder records events in pairs. The zero Recorder drops them.
type Recorder struct {
	rec events.EventRecorder
}

// NewRecorder records with rec (a manager's GetEventRecorder), or drops
// events when rec is nil.
func NewRecorder(rec events.EventRecorder) Recorder {
	return Recorder{rec: rec}
}

// Succeeded records pair.Succeeded about regarding; related is the object
// the action touched (a child), or nil.
func (r Recorder) Succeeded(regarding, related runtime.Object, pair EventPair, action, format string, args ...any) {
	r.record(regarding, related, corev1.EventTypeNormal, pair.Succeeded, action, format, args...)
}

// Failed records pair.Failed, a Warning, about regarding.
func (r Recorder) Failed(regarding, related runtime.Object, pair EventPair, action, format string, args ...any) {
	r.record(regarding, related, corev1.EventTypeWarning, pair.Failed, action, format, args...)
}

func (r Recorder) record(regarding, related runtime.Object, eventType, reason, action, format string, args ...any) {
	if r.rec == nil {
		return
	}
	r.rec.Eventf(regarding, related, eventType, reason, action, format, args...)
}
