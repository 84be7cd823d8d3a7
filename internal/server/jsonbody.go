package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// maxJSONDepth is where the duplicate-key scan stops: encoding/json
// refuses deeper documents itself.
const maxJSONDepth = 10000

// readBody reads a request body whole (MaxBodyBytes bounds it) within
// BodyReadTimeout, and refuses a JSON body in which an object has a key
// twice. Go's decoder keeps the last value, so {"role":"user",
// "role":"admin"} would pass a check that read the first one and act on
// the second; it is a 422 naming the key instead (body.role). JSON that
// does not parse is left to huma's decoder, which says where.
//
// The read deadline is cleared as soon as the body is in: over HTTP/1.1,
// net/http reads the connection in the background while the handler
// runs, and a deadline left in place (huma's own body timeout leaves one,
// hence BodyReadTimeout -1 on every operation) ends that read and with it
// the context of the request and of every later one on the connection.
func (s *Server) readBody(ctx huma.Context, next func(huma.Context)) {
	op := ctx.Operation()
	if op.RequestBody == nil {
		next(ctx)
		return
	}
	_ = ctx.SetReadDeadline(time.Now().Add(s.cfg.BodyReadTimeout))
	body, err := io.ReadAll(ctx.BodyReader())
	_ = ctx.SetReadDeadline(time.Time{})
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			_ = huma.WriteErr(s.api, ctx, http.StatusRequestEntityTooLarge,
				fmt.Sprintf("request body is larger than the limit of %d bytes", tooLarge.Limit))
			return
		}
		_ = huma.WriteErr(s.api, ctx, http.StatusBadRequest, "cannot read the request body")
		return
	}
	if isJSON(ctx.Header("Content-Type")) {
		if loc, ok := duplicateKey(body); ok {
			_ = huma.WriteErr(s.api, ctx, http.StatusUnprocessableEntity, "a JSON object in the body has a key twice",
				&huma.ErrorDetail{Location: loc, Message: "is given more than once: give each key once"})
			return
		}
	}
	next(bodyContext{humaContext: ctx, body: bytes.NewReader(body)})
}

// isJSON reports whether a request's Content-Type is JSON (huma reads a
// body without one as JSON).
func isJSON(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// humaContext names the embedded context of bodyContext, whose methods it
// keeps (huma's own wrappers do the same).
type humaContext = huma.Context

// bodyContext serves a request body that was read already.
type bodyContext struct {
	humaContext
	body io.Reader
}

func (c bodyContext) BodyReader() io.Reader { return c.body }

// Unwrap lets humago.Unwrap reach the request.
func (c bodyContext) Unwrap() huma.Context { return c.humaContext }

// duplicateKey returns the location of the first key given twice in one
// object of the JSON document raw (body.metadata.labels.app), if any.
func duplicateKey(raw []byte) (string, bool) {
	type frame struct {
		keys   map[string]bool // nil in an array
		path   string
		index  int    // next element of an array
		key    string // last key read in an object
		expect bool   // an object expects a key next
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	stack := []*frame{}
	// childPath is where the value about to be read lives.
	childPath := func() string {
		if len(stack) == 0 {
			return "body"
		}
		top := stack[len(stack)-1]
		if top.keys == nil {
			p := top.path + "[" + strconv.Itoa(top.index) + "]"
			top.index++
			return p
		}
		return top.path + "." + top.key
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false // the end, or not JSON: huma says where
		}
		if len(stack) > 0 {
			if top := stack[len(stack)-1]; top.keys != nil && top.expect {
				if key, ok := tok.(string); ok {
					if top.keys[key] {
						return top.path + "." + key, true
					}
					top.keys[key], top.key, top.expect = true, key, false
					continue
				}
			}
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			if len(stack) >= maxJSONDepth {
				return "", false
			}
			f := &frame{path: childPath()}
			if tok == json.Delim('{') {
				f.keys, f.expect = map[string]bool{}, true
			}
			stack = append(stack, f)
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			childPath() // a scalar: count it in its array
		}
		if len(stack) > 0 {
			if top := stack[len(stack)-1]; top.keys != nil {
				top.expect = true
			}
		}
	}
}
