package operation

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// WebSocketBearerProtocolPrefix carries a bearer token in the
// Sec-WebSocket-Protocol header of a WebSocket upgrade, for browsers, which
// cannot set an Authorization header on a WebSocket: the client offers the
// subprotocol WebSocketBearerProtocolPrefix + base64url(token) (no padding)
// next to the real subprotocol, like Kubernetes'
// base64url.bearer.authorization.k8s.io. The server never selects it, so
// the token is not echoed back.
const WebSocketBearerProtocolPrefix = "base64url.bearer.authorization.wheelhouse.dev."

// IsWebSocketUpgrade reports whether the request asks to become a WebSocket.
func IsWebSocketUpgrade(h http.Header) bool {
	return headerHasToken(h, "Connection", "upgrade") && headerHasToken(h, "Upgrade", "websocket")
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// WebSocketBearerToken returns the token a WebSocket upgrade with headers h
// carries in its
// Sec-WebSocket-Protocol header (see WebSocketBearerProtocolPrefix). found
// says whether such a subprotocol was offered; a malformed one gives found
// true and an empty token.
func WebSocketBearerToken(h http.Header) (token string, found bool) {
	if !IsWebSocketUpgrade(h) {
		return "", false
	}
	for _, v := range h.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			enc, ok := strings.CutPrefix(strings.TrimSpace(p), WebSocketBearerProtocolPrefix)
			if !ok {
				continue
			}
			b, err := base64.RawURLEncoding.DecodeString(enc)
			if err != nil {
				return "", true
			}
			return string(b), true
		}
	}
	return "", false
}
