package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podiumdev/podium/backend/deployapi"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns their paths and a
// pool that trusts it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "podium test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem")
	writeFile(t, certFile, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, keyFile, string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})))
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestListenTCPWithTLS serves the TCP listener over HTTPS with a given token: the token file is
// not written (and an old one is removed), plain HTTP gets nowhere, the token is needed.
func TestListenTCPWithTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	priv := t.TempDir()
	writeFile(t, filepath.Join(priv, deployapi.TokenFile), "old\n")
	setup := superviseSetup{priv: priv, listen: "127.0.0.1:0", listenFrom: "--listen", tlsCert: certFile, tlsKey: keyFile,
		tlsFrom: "--tls-cert/--tls-key", token: "given"}
	ls := &localSupervisor{}
	var logBuf bytes.Buffer
	ln, opts, err := listenTCP(setup, ls, slog.New(slog.NewTextHandler(&logBuf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if ls.tokenFile != "" || !strings.HasPrefix(ls.url, "https://127.0.0.1:") || opts.Token != "given" {
		t.Fatalf("listenTCP: url %s token file %q opts %+v", ls.url, ls.tokenFile, opts)
	}
	if _, err := os.Stat(filepath.Join(priv, deployapi.TokenFile)); !os.IsNotExist(err) {
		t.Errorf("an old token file must go when a token is given: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- deployapi.ServeListener(ctx, ln, deployapi.NewGuardedHandler(newFakeSupervisor(), opts))
	}()
	defer func() { cancel(); <-done }()

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	get := func(token string) int {
		req, _ := http.NewRequest("GET", ls.url+"/v1/state", nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatalf("GET over TLS: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := get(""); code != http.StatusUnauthorized {
		t.Errorf("no token over TLS: %d", code)
	}
	if code := get("given"); code != http.StatusOK {
		t.Errorf("the token over TLS: %d", code)
	}
	if resp, err := http.Get("http://" + strings.TrimPrefix(ls.url, "https://") + "/v1/state"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP answered on the TLS listener")
		}
	}
	if strings.Contains(logBuf.String(), "in clear") {
		t.Errorf("no warning expected with TLS: %s", logBuf.String())
	}

	// Bad TLS files are an error naming where they came from.
	setup.tlsKey = certFile
	if _, _, err := listenTCP(setup, &localSupervisor{}, slog.New(slog.NewTextHandler(&logBuf, nil))); err == nil || !strings.Contains(err.Error(), "--tls-cert/--tls-key") {
		t.Errorf("a bad key: %v", err)
	}
}

// TestListenTCPPlainHTTPWarns: beyond loopback without TLS only with --plain-http, and then
// every start says the token crosses the network in clear; a token is made and saved 0600.
func TestListenTCPPlainHTTPWarns(t *testing.T) {
	priv := t.TempDir()
	setup := superviseSetup{priv: priv, listen: "0.0.0.0:0", listenFrom: "--listen"}
	if _, _, err := listenTCP(setup, &localSupervisor{}, slog.Default()); err == nil || !strings.Contains(err.Error(), "--plain-http") {
		t.Fatalf("0.0.0.0 without TLS or --plain-http: %v", err)
	}
	setup.plainHTTP = true
	var logBuf bytes.Buffer
	ls := &localSupervisor{}
	ln, opts, err := listenTCP(setup, ls, slog.New(slog.NewTextHandler(&logBuf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if !strings.Contains(logBuf.String(), "the token crosses the network in clear") {
		t.Errorf("--plain-http must warn: %s", logBuf.String())
	}
	st, err := os.Stat(ls.tokenFile)
	if err != nil || st.Mode().Perm() != 0o600 || len(opts.Token) != 64 {
		t.Fatalf("the made token: %v %v %d", st, err, len(opts.Token))
	}
	if b, _ := os.ReadFile(ls.tokenFile); strings.TrimSpace(string(b)) != opts.Token {
		t.Error("the token file does not hold the token in force")
	}
	ls.removeToken()
	if _, err := os.Stat(ls.tokenFile); !os.IsNotExist(err) {
		t.Errorf("removeToken: %v", err)
	}
}
