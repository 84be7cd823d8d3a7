package operation

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"sync"
)

// SSE writes Server-Sent Events and flushes each one, so the client sees
// it at once: pod logs, event streams and the watch streams of lists. Its
// writes are serialized: a stream's heartbeat writes beside its producer.
type SSE struct {
	mu sync.Mutex
	w  http.ResponseWriter
	rc *http.ResponseController
}

// startSSE sends the headers of an event stream.
func startSSE(w http.ResponseWriter) (*SSE, error) {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)
	s := &SSE{w: w, rc: http.NewResponseController(w)}
	if err := s.rc.Flush(); err != nil {
		return nil, fmt.Errorf("flush event stream headers: %w", err)
	}
	return s, nil
}

// Send writes one event: an optional id and event name, then data, one
// data: line per line of data.
func (s *SSE) Send(id, event string, data []byte) error {
	var b bytes.Buffer
	if id != "" {
		fmt.Fprintf(&b, "id: %s\n", id)
	}
	if event != "" {
		fmt.Fprintf(&b, "event: %s\n", event)
	}
	for _, line := range strings.Split(strings.TrimRight(string(data), "\r\n"), "\n") {
		b.WriteString("data: ")
		b.WriteString(strings.TrimSuffix(line, "\r"))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return s.write(b.Bytes())
}

// Comment writes an SSE comment, which clients ignore: a heartbeat that
// keeps proxies from closing an idle stream and finds a client gone.
func (s *SSE) Comment(text string) error {
	return s.write([]byte(": " + text + "\n\n"))
}

func (s *SSE) write(b []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("write event: %w", err)
	}
	if err := s.rc.Flush(); err != nil {
		return fmt.Errorf("flush event: %w", err)
	}
	return nil
}
