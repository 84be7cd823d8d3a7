package pods

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/onsi/gomega"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"
)

// fakeExecutor runs stream in place of a Kubernetes exec stream.
type fakeExecutor struct {
	stream func(ctx context.Context, o remotecommand.StreamOptions) error
}

func (f fakeExecutor) Stream(o remotecommand.StreamOptions) error {
	return f.stream(context.Background(), o)
}

func (f fakeExecutor) StreamWithContext(ctx context.Context, o remotecommand.StreamOptions) error {
	return f.stream(ctx, o)
}

// startSession serves one session with ex and returns a connected client
// and a channel that receives the session's outcome when run returns.
func startSession(t *testing.T, ex remotecommand.Executor, tty bool, limits ExecLimits) (*websocket.Conn, <-chan execOutcome) {
	t.Helper()
	return startSessionUntil(t, ex, tty, limits, nil)
}

// startSessionUntil is startSession for a server that shuts down when
// shutdown is closed.
func startSessionUntil(t *testing.T, ex remotecommand.Executor, tty bool, limits ExecLimits, shutdown <-chan struct{}) (*websocket.Conn, <-chan execOutcome) {
	t.Helper()
	done := make(chan execOutcome, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{ExecProtocol}})
		if err != nil {
			t.Errorf("accept: %v", err)
			return
		}
		s := &execSession{conn: conn, exec: ex, tty: tty, limits: limits, shutdown: shutdown}
		done <- s.run(r.Context())
	}))
	t.Cleanup(srv.Close)
	conn, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{Subprotocols: []string{ExecProtocol}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	if conn.Subprotocol() != ExecProtocol {
		t.Errorf("subprotocol %q, want %q", conn.Subprotocol(), ExecProtocol)
	}
	return conn, done
}

// ReadExecSession reads every message of an exec session until the server
// closes the socket, at most timeout, and returns the output, the last text
// message and the close status. Exported for the package's external tests.
func ReadExecSession(t *testing.T, conn *websocket.Conn, timeout time.Duration) (string, ExecMessage, websocket.StatusCode) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	defer cancel()
	var out strings.Builder
	var last ExecMessage
	for {
		typ, data, err := conn.Read(ctx)
		if err != nil {
			return out.String(), last, websocket.CloseStatus(err)
		}
		if typ == websocket.MessageBinary {
			out.Write(data)
			continue
		}
		if err := json.Unmarshal(data, &last); err != nil {
			t.Fatalf("text message %q: %v", data, err)
		}
	}
}

// readUntilEnd reads a session of the unit tests (a fake executor: quick).
func readUntilEnd(t *testing.T, conn *websocket.Conn) (string, ExecMessage, websocket.StatusCode) {
	t.Helper()
	return ReadExecSession(t, conn, 10*time.Second)
}

func send(t *testing.T, conn *websocket.Conn, typ websocket.MessageType, data string) {
	t.Helper()
	if err := conn.Write(t.Context(), typ, []byte(data)); err != nil {
		t.Fatal(err)
	}
}

func outcomeOf(t *testing.T, done <-chan execOutcome) execOutcome {
	t.Helper()
	var o execOutcome
	gomega.NewWithT(t).Eventually(done).WithTimeout(10*time.Second).Should(gomega.Receive(&o), "session did not end")
	return o
}

func TestExecSessionStdinStdout(t *testing.T) {
	ex := fakeExecutor{stream: func(ctx context.Context, o remotecommand.StreamOptions) error {
		if o.Stderr == nil || o.TerminalSizeQueue != nil {
			return errors.New("without tty the session should pass stderr and no size queue")
		}
		_, err := io.Copy(o.Stdout, o.Stdin) // like cat: until stdin ends
		return err
	}}
	conn, done := startSession(t, ex, false, ExecLimits{})
	send(t, conn, websocket.MessageBinary, "hello\n")
	_, data, err := conn.Read(t.Context())
	if err != nil || string(data) != "hello\n" {
		t.Fatalf("echo: %q %v", data, err)
	}
	send(t, conn, websocket.MessageText, `{"type":"some-future-type"}`)
	send(t, conn, websocket.MessageBinary, "again")
	send(t, conn, websocket.MessageText, `{"type":"stdin-eof"}`)
	out, last, status := readUntilEnd(t, conn)
	if out != "again" || last.Type != ExecExit || last.ExitCode == nil || *last.ExitCode != 0 || status != CloseExited {
		t.Errorf("end: output %q, last %+v, close %d", out, last, status)
	}
	if o := outcomeOf(t, done); o.ExitCode == nil || *o.ExitCode != 0 || o.Err != nil {
		t.Errorf("outcome %+v", o)
	}
}

func TestExecSessionResize(t *testing.T) {
	ex := fakeExecutor{stream: func(ctx context.Context, o remotecommand.StreamOptions) error {
		if !o.Tty || o.Stderr != nil || o.TerminalSizeQueue == nil {
			return errors.New("with tty the session should pass a size queue and no stderr")
		}
		size := o.TerminalSizeQueue.Next()
		if size == nil {
			return errors.New("no size")
		}
		_, err := fmt.Fprintf(o.Stdout, "%dx%d", size.Width, size.Height)
		return err
	}}
	conn, _ := startSession(t, ex, true, ExecLimits{})
	send(t, conn, websocket.MessageText, `{"type":"resize","cols":120,"rows":40}`)
	out, last, status := readUntilEnd(t, conn)
	if out != "120x40" || last.Type != ExecExit || status != CloseExited {
		t.Errorf("output %q, last %+v, close %d", out, last, status)
	}
}

func TestExecSessionEnds(t *testing.T) {
	blockUntilDone := func(ctx context.Context, o remotecommand.StreamOptions) error {
		<-ctx.Done()
		return ctx.Err()
	}
	tests := []struct {
		name    string
		stream  func(ctx context.Context, o remotecommand.StreamOptions) error
		limits  ExecLimits
		input   string // a text message sent first
		last    ExecMessage
		status  websocket.StatusCode
		outcome error
	}{
		{name: "exit code", stream: func(context.Context, remotecommand.StreamOptions) error {
			return utilexec.CodeExitError{Err: errors.New("command terminated with exit code 3"), Code: 3}
		}, last: ExecMessage{Type: ExecExit, ExitCode: new(3)}, status: CloseExited},
		{name: "stream error", stream: func(context.Context, remotecommand.StreamOptions) error {
			return errors.New("container not found")
		}, last: ExecMessage{Type: ExecError, Message: "container not found"}, status: CloseFailed},
		{name: "idle", stream: blockUntilDone, limits: ExecLimits{IdleTimeout: 300 * time.Millisecond},
			last: ExecMessage{Type: ExecError, Message: "session closed after 300ms without input or output"}, status: CloseLimit, outcome: errIdle},
		{name: "maximum duration", stream: blockUntilDone, limits: ExecLimits{MaxDuration: 300 * time.Millisecond},
			last: ExecMessage{Type: ExecError, Message: "session closed after its maximum duration of 300ms"}, status: CloseLimit, outcome: errMaxDuration},
		{name: "not JSON", stream: blockUntilDone, input: "ls\n",
			last: ExecMessage{Type: ExecError, Message: "text messages must be JSON control messages: invalid character 'l' looking for beginning of value"}, status: CloseBadMessage},
		{name: "bad size", stream: blockUntilDone, input: `{"type":"resize","cols":0,"rows":40}`,
			last: ExecMessage{Type: ExecError, Message: "resize needs cols and rows between 1 and 65535, got 0×40"}, status: CloseBadMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, done := startSession(t, fakeExecutor{stream: tt.stream}, false, tt.limits)
			if tt.input != "" {
				send(t, conn, websocket.MessageText, tt.input)
			}
			out, last, status := readUntilEnd(t, conn)
			if out != "" || status != tt.status {
				t.Errorf("output %q, close %d, want close %d", out, status, tt.status)
			}
			got, _ := json.Marshal(last)
			want, _ := json.Marshal(tt.last)
			if string(got) != string(want) {
				t.Errorf("last message %s, want %s", got, want)
			}
			o := outcomeOf(t, done)
			if tt.outcome != nil && !errors.Is(o.Err, tt.outcome) {
				t.Errorf("outcome %+v, want %v", o, tt.outcome)
			}
		})
	}
}

func TestExecSessionClientGone(t *testing.T) {
	stopped := make(chan struct{})
	ex := fakeExecutor{stream: func(ctx context.Context, o remotecommand.StreamOptions) error {
		defer close(stopped)
		<-ctx.Done() // the exec stream is closed with the socket
		return ctx.Err()
	}}
	conn, done := startSession(t, ex, true, ExecLimits{})
	send(t, conn, websocket.MessageBinary, "typing")
	conn.CloseNow()
	if o := outcomeOf(t, done); !errors.Is(o.Err, errClientGone) {
		t.Errorf("outcome %+v, want client gone", o)
	}
	select {
	case <-stopped:
	default:
		t.Error("session returned before its exec stream stopped")
	}
}

func TestExecSessionServerShutdown(t *testing.T) {
	ex := fakeExecutor{stream: func(ctx context.Context, o remotecommand.StreamOptions) error {
		<-ctx.Done()
		return ctx.Err()
	}}
	shutdown := make(chan struct{})
	conn, done := startSessionUntil(t, ex, true, ExecLimits{PingInterval: 50 * time.Millisecond}, shutdown)
	send(t, conn, websocket.MessageBinary, "ls\r")
	close(shutdown)
	_, last, status := readUntilEnd(t, conn)
	if last.Type != ExecError || last.Message != "the server is shutting down" || status != websocket.StatusGoingAway {
		t.Errorf("last %+v, close %d", last, status)
	}
	if o := outcomeOf(t, done); !errors.Is(o.Err, errShutdown) {
		t.Errorf("outcome %+v", o)
	}
}
