package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
)

// maxAPIBody caps what a vendor API answer may be.
const maxAPIBody = 16 << 20

// doJSON sends req with c and decodes a 2xx JSON answer into out (nil:
// drop it); other answers are a *StatusError with the body's first bytes.
func doJSON(c *http.Client, req *http.Request, out any) (http.Header, error) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		msg := string(body)
		if len(msg) > 300 {
			msg = msg[:300]
		}
		return resp.Header, &StatusError{Status: resp.StatusCode, Message: msg}
	}
	if out != nil && len(body) > 0 {
		if err := json.Unmarshal(body, out); err != nil {
			return resp.Header, fmt.Errorf("decode the answer: %w", err)
		}
	}
	return resp.Header, nil
}

// pageNumber reads a continue token that is a page number (1 when empty).
func pageNumber(token string) (int, error) {
	if token == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(token)
	if err != nil || n < 1 {
		return 0, &Error{Reason: ReasonInvalid, Field: "continue", Message: "not a token from a previous page of this list"}
	}
	return n, nil
}

// nextPage is the continue token after page of size limit, given how many
// items all pages hold and how many this one had.
func nextPage(page, limit, total, got int) string {
	if got < limit || (total >= 0 && page*limit >= total) {
		return ""
	}
	return strconv.Itoa(page + 1)
}

// newRequest builds a request with ctx.
func newRequest(ctx context.Context, method, u string, body io.Reader) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, method, u, body)
}
