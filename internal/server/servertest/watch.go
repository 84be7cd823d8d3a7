package servertest

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// WatchEvent is one event of a watch stream as a client reads it.
type WatchEvent struct {
	ID     string
	Type   string         `json:"type"`
	Object map[string]any `json:"object"`
}

// OpenWatch opens the watch stream at path as token and returns its
// events (closed when the stream ends) and the response's status. The
// stream is closed when the test ends.
func (h *Harness) OpenWatch(t testing.TB, path, token string) (<-chan WatchEvent, int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := h.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan WatchEvent, 64)
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		close(out)
		return out, resp.StatusCode
	}
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		var ev WatchEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "id: "):
				ev.ID = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "data: "):
				if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &ev); err != nil {
					t.Errorf("event data %q: %v", line, err)
				}
			case line == "" && ev.Type != "":
				select {
				case out <- ev:
				case <-ctx.Done():
					return
				}
				ev = WatchEvent{}
			}
		}
	}()
	return out, resp.StatusCode
}
