package deployapi

import (
	"github.com/podiumdev/podium/backend/supervisor"

	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	// maxReplyBytes bounds what the client reads of one answer: a state of many services with
	// their histories fits easily, a runaway server does not exhaust memory.
	maxReplyBytes = 64 << 20
	// maxEventBytes bounds one server-sent event for the same reason.
	maxEventBytes = 16 << 20
	// waitSlack is how much longer than the server's timeout the client waits for its answer,
	// so the server's 408 arrives before the client gives up.
	waitSlack = 30 * time.Second
	// eventBuffer lets a burst of events through while the caller redraws.
	eventBuffer = 64
)

// Client talks to a supervisor's HTTP API: the CLI's `podium deploy` commands and the TUI's
// --remote mode. It keeps no state; every method is one request.
type Client struct {
	base  string // where requests go: http://podium for a unix socket
	shown string // what messages name: the URL the caller gave
	token string
	hc    *http.Client
}

// StatusError is an answer other than 2xx. It keeps the status code so callers can tell an
// unknown service (404) from a timeout (408) or a refused action (409).
type StatusError struct {
	Method  string
	URL     string
	Code    int
	Message string // the server's own words
}

// UnreachableError says nothing answered at the API's address: the daemon is not running, or
// the URL is wrong.
type UnreachableError struct {
	URL string
	Err error
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s %s: %d %s: %s", e.Method, e.URL, e.Code, http.StatusText(e.Code), e.Message)
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("no supervisor at %s: %v", e.URL, e.Err)
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// NewClient returns a client of the API at baseURL: http(s)://HOST:PORT, or unix:///PATH for
// a supervisor's socket (requests then go to http://podium/… over it). token, when not empty,
// is sent as a bearer token.
func NewClient(baseURL, token string) *Client {
	base := strings.TrimRight(baseURL, "/")
	// No client-wide timeout: waits and event streams are long by design; contexts bound them.
	c := &Client{base: base, shown: base, token: token, hc: &http.Client{}}
	if path, ok := strings.CutPrefix(base, "unix://"); ok {
		c.base = "http://podium"
		c.hc.Transport = &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", path)
			},
			DisableCompression: true,
		}
	}
	return c
}

// URL is the API's base URL as the caller gave it, for messages.
func (c *Client) URL() string { return c.shown }

// Status is every service, as GET /v1/state reports it.
func (c *Client) Status(ctx context.Context) ([]supervisor.ServiceStatus, error) {
	_, out, err := c.State(ctx)
	return out, err
}

// State is the supervisor's health and every service, as GET /v1/state reports them.
func (c *Client) State(ctx context.Context) (supervisor.Health, []supervisor.ServiceStatus, error) {
	var doc stateDoc
	if err := c.do(ctx, http.MethodGet, "/v1/state", nil, &doc); err != nil {
		return supervisor.Health{}, nil, err
	}
	out := make([]supervisor.ServiceStatus, len(doc.Services))
	for i, d := range doc.Services {
		out[i] = fromServiceDoc(d)
	}
	return fromHealthDoc(doc.Supervisor), out, nil
}

// Service is one service; an unknown name is an *StatusError with Code 404.
func (c *Client) Service(ctx context.Context, name string) (supervisor.ServiceStatus, error) {
	var doc serviceDoc
	if err := c.do(ctx, http.MethodGet, "/v1/services/"+url.PathEscape(name), nil, &doc); err != nil {
		return supervisor.ServiceStatus{}, err
	}
	return fromServiceDoc(doc), nil
}

// WaitFor blocks until the service is stable (with image, unless it is empty) and returns nil,
// or returns an *StatusError: 408 at the timeout, 404 for an unknown service. A timeout of 0 means
// the server's default.
func (c *Client) WaitFor(ctx context.Context, name, image string, timeout time.Duration) error {
	q := url.Values{"name": {name}}
	if image != "" {
		q.Set("image", image)
	}
	guard := DefaultWaitTimeout
	if timeout > 0 {
		q.Set("timeout", timeout.String())
		guard = min(timeout, MaxWaitTimeout)
	}
	// A server that never answers must not hang a CI job forever.
	ctx, cancel := context.WithTimeout(ctx, guard+waitSlack)
	defer cancel()
	return c.do(ctx, http.MethodGet, "/v1/wait_for", q, nil)
}

// Rollback redeploys revision rev of the service as a new revision; rev 0 lets the server pick
// it with PreviousRevision.
func (c *Client) Rollback(ctx context.Context, name string, rev int) error {
	var q url.Values
	if rev > 0 {
		q = url.Values{"rev": {fmt.Sprint(rev)}}
	}
	return c.do(ctx, http.MethodPost, "/v1/services/"+url.PathEscape(name)+"/rollback", q, nil)
}

// Restart replaces the service's containers with fresh ones of the same revision.
func (c *Client) Restart(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodPost, "/v1/services/"+url.PathEscape(name)+"/restart", nil, nil)
}

// Pause stops deploys of the service; its containers keep running.
func (c *Client) Pause(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodPost, "/v1/services/"+url.PathEscape(name)+"/pause", nil, nil)
}

// Resume lets a paused service deploy again.
func (c *Client) Resume(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodPost, "/v1/services/"+url.PathEscape(name)+"/resume", nil, nil)
}

// Events follows GET /v1/events. Each transition arrives on the first channel; an Event with an
// empty Service (and Cause CauseLagged, as Subscribe has it) means the server dropped events,
// so the caller should fetch Status again. Both channels close when the stream ends: on ctx's
// end with no error, otherwise after one error on the second channel. It does not reconnect;
// the caller does.
func (c *Client) Events(ctx context.Context) (<-chan supervisor.Event, <-chan error) {
	events := make(chan supervisor.Event, eventBuffer)
	errs := make(chan error, 1)
	go func() {
		err := c.stream(ctx, events)
		if err != nil && ctx.Err() == nil {
			errs <- err
		}
		close(events)
		close(errs)
	}()
	return events, errs
}

// stream reads server-sent events into events until the stream or ctx ends.
func (c *Client) stream(ctx context.Context, events chan<- supervisor.Event) error {
	u := c.shown + "/v1/events"
	req, err := c.request(ctx, http.MethodGet, c.base+"/v1/events")
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.transportError(http.MethodGet, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes))
		return answerError(http.MethodGet, u, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		return fmt.Errorf("GET %s: not an event stream (Content-Type %q)", u, ct)
	}
	br := bufio.NewReader(resp.Body)
	var (
		name string
		data strings.Builder
	)
	for {
		line, err := readLine(br)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, io.EOF) {
				return fmt.Errorf("event stream %s ended: the supervisor closed it", u)
			}
			return fmt.Errorf("read event stream %s: %w", u, err)
		}
		switch {
		case line == "":
			ev, ok, err := decodeEvent(name, data.String())
			if err != nil {
				return fmt.Errorf("event stream %s: %w", u, err)
			}
			name = ""
			data.Reset()
			if !ok {
				continue
			}
			select {
			case events <- ev:
			case <-ctx.Done():
				return nil
			}
		case strings.HasPrefix(line, ":"): // a comment: the keepalive
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				name = value
			case "data":
				if data.Len() > 0 {
					data.WriteByte('\n')
				}
				data.WriteString(value)
				if data.Len() > maxEventBytes {
					return fmt.Errorf("event stream %s: an event over %d bytes", u, maxEventBytes)
				}
			}
		}
	}
}

// readLine reads one SSE line without its CR/LF ending, refusing lines over maxEventBytes.
func readLine(br *bufio.Reader) (string, error) {
	var b strings.Builder
	for {
		chunk, err := br.ReadSlice('\n')
		b.Write(chunk)
		if b.Len() > maxEventBytes {
			return "", fmt.Errorf("a line over %d bytes", maxEventBytes)
		}
		if err == nil {
			return strings.TrimRight(b.String(), "\r\n"), nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return "", err
		}
	}
}

// decodeEvent turns one dispatched SSE event into an Event; ok is false for what the client
// does not know (a future event type), which it skips.
func decodeEvent(name, data string) (supervisor.Event, bool, error) {
	switch name {
	case "transition":
		var d eventDoc
		if err := json.Unmarshal([]byte(data), &d); err != nil {
			return supervisor.Event{}, false, fmt.Errorf("bad transition event: %w", err)
		}
		return fromEventDoc(d), true, nil
	case "lagged":
		// What Subscribe sends in the same case: no Service, the cause and the reason. A server
		// that sent no cause (or data that does not parse) still means a gap.
		var d laggedDoc
		_ = json.Unmarshal([]byte(data), &d)
		if d.Cause == "" {
			d.Cause = supervisor.CauseLagged
		}
		if d.Reason == "" {
			d.Reason = laggedReason
		}
		return supervisor.Event{Transition: supervisor.Transition{Cause: d.Cause, Reason: d.Reason}}, true, nil
	}
	return supervisor.Event{}, false, nil
}

// do makes one request and decodes a 2xx JSON answer into out (unless out is nil).
func (c *Client) do(ctx context.Context, method, path string, q url.Values, out any) error {
	target := path
	if len(q) > 0 {
		target += "?" + q.Encode()
	}
	u := c.shown + target // what messages name
	req, err := c.request(ctx, method, c.base+target)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.transportError(method, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes))
	if err != nil {
		return fmt.Errorf("%s %s: read the answer: %w", method, u, err)
	}
	if resp.StatusCode/100 != 2 {
		return answerError(method, u, resp.StatusCode, body)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return fmt.Errorf("%s %s: the answer is not the supervisor API's JSON: %w", method, u, err)
	}
	return nil
}

func (c *Client) request(ctx context.Context, method, u string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, u, err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

// transportError tells "nothing listens there" (an *UnreachableError) from other failures, and
// drops net/http's quoting of the URL so the message reads once.
func (c *Client) transportError(method, u string, err error) error {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return &UnreachableError{URL: c.shown, Err: op}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return fmt.Errorf("%s %s: %w", method, u, err)
}

// answerError builds the *StatusError for a non-2xx answer, with the server's message when it sent
// the API's JSON, else the start of whatever it sent.
func answerError(method, u string, code int, body []byte) error {
	msg := ""
	var reply replyDoc
	if json.Unmarshal(body, &reply) == nil {
		msg = reply.Error
		if msg == "" {
			msg = reply.Status
		}
	}
	if msg == "" {
		msg = strings.TrimSpace(string(body))
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
	}
	if msg == "" {
		msg = "no message"
	}
	return &StatusError{Method: method, URL: u, Code: code, Message: msg}
}
