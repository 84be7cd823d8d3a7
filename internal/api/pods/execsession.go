package pods

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"k8s.io/client-go/tools/remotecommand"
	utilexec "k8s.io/client-go/util/exec"
)

// ExecProtocol is the WebSocket subprotocol of exec sessions; clients offer
// it and the server selects it. The protocol is described in execDoc.
const ExecProtocol = "wheelhouse.exec.v1"

// Close codes an exec session ends with (RFC 6455 section 7.4).
const (
	// CloseExited: the command ended; the last message says how.
	CloseExited = websocket.StatusNormalClosure
	// CloseLimit: the session was idle too long or reached its maximum
	// duration; the last message says which.
	CloseLimit = websocket.StatusPolicyViolation
	// CloseBadMessage: the client sent a text message that is not a valid
	// control message.
	CloseBadMessage = websocket.StatusInvalidFramePayloadData
	// CloseFailed: the exec stream failed (the cluster, the container, the
	// API server); the last message carries the error.
	CloseFailed = websocket.StatusInternalError
)

// ExecLimits bound exec sessions.
type ExecLimits struct {
	// IdleTimeout ends a session without input or output for this long.
	// Default 30 minutes.
	IdleTimeout time.Duration
	// MaxDuration ends any session after this long. Default 8 hours.
	MaxDuration time.Duration
	// PingInterval is how often the server pings the client, to find one
	// that went away without closing. Default 30 seconds; a client that does
	// not answer within the interval ends the session.
	PingInterval time.Duration
}

func (l *ExecLimits) defaults() {
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = 30 * time.Minute
	}
	if l.MaxDuration <= 0 {
		l.MaxDuration = 8 * time.Hour
	}
	if l.PingInterval <= 0 {
		l.PingInterval = 30 * time.Second
	}
}

// ExecMessage is a text (JSON) message of an exec session. The client
// sends type "resize" (Cols, Rows) and "stdin-eof" (closes the command's
// standard input); the server ends every session it can with "exit"
// (ExitCode) or "error" (Message).
type ExecMessage struct {
	Type     string `json:"type"`
	Cols     int    `json:"cols,omitempty"`
	Rows     int    `json:"rows,omitempty"`
	ExitCode *int   `json:"exitCode,omitempty"`
	Message  string `json:"message,omitempty"`
}

// Message types of ExecMessage.
const (
	ExecResize   = "resize"
	ExecStdinEOF = "stdin-eof"
	ExecExit     = "exit"
	ExecError    = "error"
)

// Why a session ended other than by its command.
var (
	errClientGone  = errors.New("client went away")
	errIdle        = errors.New("idle timeout")
	errMaxDuration = errors.New("maximum duration reached")
	errShutdown    = errors.New("server shutting down")
	errExecDone    = errors.New("exec stream ended")
)

// badMessageError is a text message the session cannot use.
type badMessageError struct{ reason string }

func (e *badMessageError) Error() string { return e.reason }

// execSession bridges one WebSocket to one Kubernetes exec stream: binary
// messages from the client are the command's standard input, its output
// goes back as binary messages, resize messages reach the terminal.
type execSession struct {
	conn   *websocket.Conn
	exec   remotecommand.Executor
	tty    bool
	limits ExecLimits
	// shutdown, when closed, ends the session: the server is stopping.
	shutdown <-chan struct{}
	// last is the time of the last input or output, in Unix nanoseconds.
	last atomic.Int64
}

// execOutcome is how a session ended.
type execOutcome struct {
	// ExitCode is the command's exit code when it is known.
	ExitCode *int
	// Err is why the session ended otherwise (nil with an exit code).
	Err error
}

// run serves the session until the command ends, the client goes away or
// a limit is reached, then sends the final message and closes the socket.
// connCtx lives as long as the connection may be used (the request's
// context); every goroutine run starts has ended when it returns.
func (s *execSession) run(connCtx context.Context) execOutcome {
	s.limits.defaults()
	defer s.conn.CloseNow()
	s.touch()

	ctx, cancel := context.WithCancelCause(connCtx)
	defer cancel(nil)
	ctx, stop := context.WithTimeoutCause(ctx, s.limits.MaxDuration, errMaxDuration)
	defer stop()

	stdinR, stdinW := io.Pipe()
	sizes := &sizeQueue{ch: make(chan remotecommand.TerminalSize, 1), done: ctx.Done()}
	var wg sync.WaitGroup
	input := make(chan []byte, 16) // nil: end of input
	wg.Go(func() { feed(input, stdinW) })
	wg.Go(func() { cancel(s.readLoop(connCtx, ctx, input, sizes)) })
	wg.Go(func() { s.watch(connCtx, ctx, cancel) })

	out := s.output(connCtx)
	opts := remotecommand.StreamOptions{Stdin: stdinR, Stdout: out, Tty: s.tty}
	if s.tty {
		opts.TerminalSizeQueue = sizes
	} else {
		// A terminal shows both; the stream keeps their order as it reads.
		opts.Stderr = out
	}
	err := s.exec.StreamWithContext(ctx, opts)
	cause := context.Cause(ctx)
	cancel(errExecDone)
	// Unblocks feed, should it wait for the executor to take input.
	stdinR.CloseWithError(errExecDone)

	outcome, msg, code, reason := s.outcome(err, cause)
	if msg != nil {
		if raw, merr := json.Marshal(msg); merr == nil {
			wctx, wcancel := context.WithTimeout(connCtx, 5*time.Second)
			_ = s.conn.Write(wctx, websocket.MessageText, raw)
			wcancel()
		}
	}
	_ = s.conn.Close(code, reason)
	s.conn.CloseNow()
	wg.Wait()
	return outcome
}

// outcome decides the final message and close code from what the executor
// returned and why the session context ended.
func (s *execSession) outcome(err, cause error) (execOutcome, *ExecMessage, websocket.StatusCode, string) {
	var bad *badMessageError
	var exit utilexec.ExitError
	switch {
	case errors.Is(cause, errClientGone):
		return execOutcome{Err: errClientGone}, nil, websocket.StatusGoingAway, "client went away"
	case errors.As(cause, &bad):
		return execOutcome{Err: bad}, &ExecMessage{Type: ExecError, Message: bad.reason}, CloseBadMessage, "bad control message"
	case errors.Is(cause, errShutdown):
		return execOutcome{Err: errShutdown}, &ExecMessage{Type: ExecError, Message: "the server is shutting down"}, websocket.StatusGoingAway, "server shutting down"
	case errors.Is(cause, errIdle):
		m := fmt.Sprintf("session closed after %s without input or output", s.limits.IdleTimeout)
		return execOutcome{Err: errIdle}, &ExecMessage{Type: ExecError, Message: m}, CloseLimit, "idle timeout"
	case errors.Is(cause, errMaxDuration):
		m := fmt.Sprintf("session closed after its maximum duration of %s", s.limits.MaxDuration)
		return execOutcome{Err: errMaxDuration}, &ExecMessage{Type: ExecError, Message: m}, CloseLimit, "maximum duration reached"
	case err == nil:
		code := 0
		return execOutcome{ExitCode: &code}, &ExecMessage{Type: ExecExit, ExitCode: &code}, CloseExited, "exited"
	case errors.As(err, &exit) && exit.Exited():
		code := exit.ExitStatus()
		return execOutcome{ExitCode: &code}, &ExecMessage{Type: ExecExit, ExitCode: &code}, CloseExited, "exited"
	}
	return execOutcome{Err: err}, &ExecMessage{Type: ExecError, Message: err.Error()}, CloseFailed, "exec failed"
}

// readLoop reads the client's messages until the connection ends and
// returns the reason the session should end for. Input goes to the
// command through a small queue, so that a command that does not read
// its input does not keep readLoop from seeing the client leave.
func (s *execSession) readLoop(connCtx, ctx context.Context, input chan<- []byte, sizes *sizeQueue) error {
	defer close(input)
	stdinOpen := true
	queue := func(data []byte) error {
		select {
		case input <- data:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	for {
		typ, data, err := s.conn.Read(connCtx)
		if err != nil {
			return errClientGone
		}
		s.touch()
		if typ == websocket.MessageBinary {
			if !stdinOpen || len(data) == 0 {
				continue
			}
			if err := queue(data); err != nil {
				return err
			}
			continue
		}
		var m ExecMessage
		if err := json.Unmarshal(data, &m); err != nil {
			return &badMessageError{reason: "text messages must be JSON control messages: " + err.Error()}
		}
		switch m.Type {
		case ExecResize:
			if m.Cols < 1 || m.Cols > 65535 || m.Rows < 1 || m.Rows > 65535 {
				return &badMessageError{reason: fmt.Sprintf("resize needs cols and rows between 1 and 65535, got %d×%d", m.Cols, m.Rows)}
			}
			sizes.push(remotecommand.TerminalSize{Width: uint16(m.Cols), Height: uint16(m.Rows)})
		case ExecStdinEOF:
			if stdinOpen {
				stdinOpen = false
				if err := queue(nil); err != nil {
					return err
				}
			}
		}
		// Other types are ignored, so newer clients work with this server.
	}
}

// feed writes the queued input to the command (nil closes its input)
// until the queue is closed or the stream is over.
func feed(input <-chan []byte, stdin *io.PipeWriter) {
	for data := range input {
		if data == nil {
			break
		}
		if _, err := stdin.Write(data); err != nil {
			break // the stream is over; later input is dropped
		}
	}
	_ = stdin.Close()
	for range input { // drain, so readLoop never blocks on a full queue
	}
}

// watch pings the client and ends the session when it does not answer,
// when the session has been idle too long or when the server shuts down.
// It returns when ctx ends.
func (s *execSession) watch(connCtx, ctx context.Context, cancel context.CancelCauseFunc) {
	tick := s.limits.PingInterval
	if s.limits.IdleTimeout < tick {
		tick = s.limits.IdleTimeout
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	lastPing := time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.shutdown:
			cancel(errShutdown)
			return
		case <-t.C:
		}
		if time.Since(time.Unix(0, s.last.Load())) >= s.limits.IdleTimeout {
			cancel(errIdle)
			return
		}
		if time.Since(lastPing) < s.limits.PingInterval {
			continue
		}
		lastPing = time.Now()
		pctx, pcancel := context.WithTimeout(connCtx, s.limits.PingInterval)
		err := s.conn.Ping(pctx)
		pcancel()
		if err != nil && ctx.Err() == nil {
			cancel(errClientGone)
			return
		}
	}
}

func (s *execSession) touch() { s.last.Store(time.Now().UnixNano()) }

// writerFunc is an io.Writer that writes whole buffers with f.
type writerFunc func(p []byte) error

func (f writerFunc) Write(p []byte) (int, error) {
	if err := f(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// output returns the writer that sends what the command writes to the
// client as binary messages, for as long as connCtx lasts.
func (s *execSession) output(connCtx context.Context) io.Writer {
	return writerFunc(func(p []byte) error {
		s.touch()
		if err := s.conn.Write(connCtx, websocket.MessageBinary, p); err != nil {
			return fmt.Errorf("write to the client: %w", err)
		}
		return nil
	})
}

// sizeQueue hands terminal sizes to the executor, keeping only the newest
// one the executor has not taken yet.
type sizeQueue struct {
	ch   chan remotecommand.TerminalSize
	done <-chan struct{}
}

// Next implements remotecommand.TerminalSizeQueue; nil ends the resizing.
func (q *sizeQueue) Next() *remotecommand.TerminalSize {
	select {
	case s := <-q.ch:
		return &s
	case <-q.done:
		return nil
	}
}

func (q *sizeQueue) push(s remotecommand.TerminalSize) {
	for {
		select {
		case q.ch <- s:
			return
		default:
		}
		select {
		case <-q.ch: // drop the older size
		default:
		}
	}
}
