package server

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/wheelhouse-dev/wheelhouse/internal/api/operation"
)

// statusWriter remembers the status code and size written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach Flush and deadlines.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Flush supports streaming responses (logs, events).
func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack supports WebSocket upgrades (exec terminals).
func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("response writer does not support hijacking")
	}
	c, rw, err := h.Hijack()
	if err == nil && w.status == 0 {
		// The handler wrote 101 Switching Protocols on the connection itself.
		w.status = http.StatusSwitchingProtocols
	}
	return c, rw, err
}

// recoverPanics turns a panic in a handler into a 500 problem document and
// an error log with the stack, instead of a dropped connection.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			rec := recover()
			if rec == nil || rec == http.ErrAbortHandler {
				if rec != nil {
					panic(rec)
				}
				return
			}
			s.cfg.Logger.Error("Handler panicked", "requestId", w.Header().Get(RequestIDHeader),
				"method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"title":"Internal Server Error","status":500,"detail":"the server hit an unexpected error; the request id is in the X-Request-Id header"}`))
		}()
		next.ServeHTTP(w, r)
	})
}

// observe writes one access log line and the HTTP metrics per request.
// It logs the path without the query string, which may carry tokens.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		ri := operation.Request(r.Context())
		s.metrics.observe(r.Method, ri.Route, sw.status, elapsed)
		attrs := []slog.Attr{
			slog.String("requestId", ri.ID),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", sw.status),
			slog.Int64("bytes", sw.bytes),
			slog.Duration("duration", elapsed),
			slog.String("user", ri.Username),
			slog.String("remote", operation.SourceAddr(r.RemoteAddr)),
		}
		if ri.Err != nil {
			attrs = append(attrs, slog.String("error", ri.Err.Error()))
		}
		s.cfg.Logger.LogAttrs(r.Context(), levelFor(sw.status), "Request", attrs...)
	})
}

func levelFor(status int) slog.Level {
	if status >= 500 {
		return slog.LevelError
	}
	return slog.LevelInfo
}

// limitBody caps every request body; huma turns the overflow into a 413.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > s.cfg.MaxBodyBytes {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			_, _ = fmt.Fprintf(w, `{"title":"Request Entity Too Large","status":413,"detail":"request body is larger than the limit of %d bytes"}`, s.cfg.MaxBodyBytes)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}
