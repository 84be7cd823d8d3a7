package operation

import (
	"net/http"
	"testing"
)

func TestWebSocketBearerToken(t *testing.T) {
	upgrade := func(protocols ...string) http.Header {
		h := http.Header{"Connection": {"keep-alive, Upgrade"}, "Upgrade": {"websocket"}}
		for _, p := range protocols {
			h.Add("Sec-WebSocket-Protocol", p)
		}
		return h
	}
	tests := []struct {
		name  string
		h     http.Header
		token string
		found bool
	}{
		{"next to the real subprotocol", upgrade("wheelhouse.exec.v1, " + WebSocketBearerProtocolPrefix + "d2hrX3NlY3JldA"), "whk_secret", true},
		{"in its own header line", upgrade("wheelhouse.exec.v1", WebSocketBearerProtocolPrefix+"d2hrX3NlY3JldA"), "whk_secret", true},
		{"padded", upgrade(WebSocketBearerProtocolPrefix + "d2hrX3NlY3JldA=="), "", true},
		{"not base64url", upgrade(WebSocketBearerProtocolPrefix + "not*base64"), "", true},
		{"no token subprotocol", upgrade("wheelhouse.exec.v1"), "", false},
		{"not an upgrade", http.Header{"Sec-WebSocket-Protocol": {WebSocketBearerProtocolPrefix + "d2hrX3NlY3JldA"}}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token, found := WebSocketBearerToken(tt.h)
			if token != tt.token || found != tt.found {
				t.Errorf("WebSocketBearerToken = %q, %v; want %q, %v", token, found, tt.token, tt.found)
			}
		})
	}
}

func TestIsWebSocketUpgrade(t *testing.T) {
	tests := []struct {
		h    http.Header
		want bool
	}{
		{http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}}, true},
		{http.Header{"Connection": {"keep-alive, upgrade"}, "Upgrade": {"WebSocket"}}, true},
		{http.Header{"Upgrade": {"websocket"}}, false},
		{http.Header{"Connection": {"Upgrade"}, "Upgrade": {"h2c"}}, false},
		{http.Header{}, false},
	}
	for _, tt := range tests {
		if got := IsWebSocketUpgrade(tt.h); got != tt.want {
			t.Errorf("IsWebSocketUpgrade(%v) = %v, want %v", tt.h, got, tt.want)
		}
	}
}
