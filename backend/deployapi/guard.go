package deployapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"
)

// MaxBody is the most a POST may carry: the API's actions take their arguments in the URL,
// so anything big is a mistake or an attack.
const MaxBody = 64 << 10

// Options are the guards of one listener of the API. The zero value is the strictest TCP
// handler: loopback Host names only, no cross-origin caller, no token (which only a private
// socket may go without; Listen* refuse TCP without one).
type Options struct {
	// Token, when set, is required (`Authorization: Bearer <token>`) by every POST, and by every
	// GET unless ReadOpen lets a loopback caller read without it.
	Token string
	// Socket says the handler serves the private unix socket: the peer is the owner (the socket
	// is 0600), so the Host header means nothing there and is not checked. Origin still is.
	Socket bool
	// ListenHost is the host of the TCP address served; it is allowed as a Host header.
	ListenHost string
	// Hosts are more names (podium.yml api: hosts:) allowed as a Host header, besides loopback
	// literals, localhost and ListenHost.
	Hosts []string
	// Origins (podium.yml api: origins:) may call the API from a browser: they get CORS
	// headers. A request from any other Origin is refused with 403.
	Origins []string
	// ReadOpen (podium.yml api: read: open) lets a GET from a loopback peer through without the
	// token, for scripts such as `curl …/v1/wait_for`. POSTs always need the token.
	ReadOpen bool
}

// guard checks, before any routing and for every method: the Host header (against DNS
// rebinding), the Origin (against cross-site requests from a browser), the token, and what a
// POST carries. It says whether the request may go on; when not, it has answered.
func (h *handler) guard(w http.ResponseWriter, r *http.Request) bool {
	o := h.opts
	if !o.Socket && !h.hostAllowed(r.Host) {
		writeError(w, http.StatusForbidden, fmt.Sprintf("host %q is not one this supervisor serves (allowed: loopback, localhost, the listen address, podium.yml api: hosts:)", stripPort(r.Host)))
		return false
	}
	if origin, sent := r.Header["Origin"]; sent {
		o0 := ""
		if len(origin) > 0 {
			o0 = origin[0]
		}
		if len(origin) != 1 || !slices.Contains(o.Origins, o0) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("origin %q may not call this API (list it in podium.yml api: origins:)", o0))
			return false
		}
		hd := w.Header()
		hd.Set("Access-Control-Allow-Origin", o0)
		hd.Add("Vary", "Origin")
		if r.Method == http.MethodOptions {
			hd.Set("Access-Control-Allow-Methods", "GET, POST")
			hd.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			hd.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return false
		}
	}
	if o.Token != "" && !h.authorized(r) && !(r.Method == http.MethodGet && o.ReadOpen && loopbackPeer(r)) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="podium"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong token: send `Authorization: Bearer <token>`")
		return false
	}
	if r.Method == http.MethodPost {
		return checkBody(w, r)
	}
	return true
}

// checkBody accepts a POST with no body, or one of at most MaxBody bytes of
// application/json. A Content-Type other than JSON is refused even with an empty body: that is
// what a browser's "simple" cross-site form or text/plain request looks like.
func checkBody(w http.ResponseWriter, r *http.Request) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q: the API takes application/json bodies only", ct))
			return false
		}
	}
	if r.ContentLength > MaxBody {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a body of %d bytes: at most %d", r.ContentLength, MaxBody))
		return false
	}
	if r.Body == nil || r.Body == http.NoBody {
		return true
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a body over %d bytes", MaxBody))
		return false
	case err != nil:
		writeError(w, http.StatusBadRequest, fmt.Sprintf("read the body: %v", err))
		return false
	}
	if len(data) > 0 && r.Header.Get("Content-Type") == "" {
		writeError(w, http.StatusUnsupportedMediaType, "a body without Content-Type: the API takes application/json bodies only")
		return false
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	return true
}

// hostAllowed says whether the Host header names this supervisor: a loopback literal,
// localhost, the listen host, or a name podium.yml lists. Anything else may be a DNS name an
// attacker pointed at 127.0.0.1.
func (h *handler) hostAllowed(hostport string) bool {
	host := stripPort(hostport)
	if host == "" {
		return false
	}
	if isLoopback(host) {
		return true
	}
	if h.opts.ListenHost != "" && strings.EqualFold(host, strings.Trim(h.opts.ListenHost, "[]")) {
		return true
	}
	for _, n := range h.opts.Hosts {
		if strings.EqualFold(host, n) {
			return true
		}
	}
	return false
}

// stripPort is the host of a Host header, without port or IPv6 brackets.
func stripPort(hostport string) string {
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		return host
	}
	return strings.Trim(hostport, "[]")
}

// loopbackPeer says whether the request came from this machine over TCP.
func loopbackPeer(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
