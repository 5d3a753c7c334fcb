package hellgate

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// A host name that does not resolve is not retried, and the error says the
// request never reached a server.
func TestUnknownHostIsNotRetriedAndNeverSent(t *testing.T) {
	t.Parallel()
	var dials atomic.Int32
	cfg := testConfig("https://no-such-cluster.on-hellgate.cloud")
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{
		// No real DNS lookup: answer as a resolver does for an unknown name.
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			dials.Add(1)
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{
				Err: "no such host", Name: "no-such-cluster.on-hellgate.cloud", IsNotFound: true,
			}}
		},
	}}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if err == nil || !strings.Contains(err.Error(), "no such host") {
		t.Fatalf("err = %v, want no such host", err)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("dials = %d, want 1: an unknown host is not retried", n)
	}
	if !NeverSent(err) {
		t.Errorf("NeverSent(%v) = false, want true", err)
	}
}

// Connections refused on every attempt: retried, and never sent.
func TestRefusedEveryTimeIsNeverSent(t *testing.T) {
	t.Parallel()
	c := refusingClient(t)
	_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if err == nil || !strings.Contains(err.Error(), "giving up after 4 attempts") {
		t.Fatalf("err = %v, want refused after 4 attempts", err)
	}
	if !NeverSent(err) {
		t.Errorf("NeverSent(%v) = false, want true", err)
	}
}

// The first attempt reached the server (which may have acted on it) before
// the server went away: the error must not claim the request was never
// sent, even though the last attempts were refused.
func TestReachedOnceIsNotNeverSent(t *testing.T) {
	t.Parallel()
	var closeServer func()
	rec := replies(func(w http.ResponseWriter, r *http.Request) {
		closeServer()
		drop(w, r)
	})
	c, srv := newTestClient(t, rec)
	closeServer = func() { go srv.CloseClientConnections(); _ = srv.Listener.Close() }
	_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if err == nil {
		t.Fatal("want an error")
	}
	if len(rec.requests()) != 1 {
		t.Fatalf("requests = %d, want the server to have seen exactly one", len(rec.requests()))
	}
	if NeverSent(err) {
		t.Errorf("NeverSent(%v) = true, but the first attempt reached the server", err)
	}
}

// A 5xx answer means the server was reached.
func TestServerErrorIsNotNeverSent(t *testing.T) {
	t.Parallel()
	c, _ := newTestClient(t, replies(status(http.StatusServiceUnavailable, "down")))
	_, err := c.GetAPIKey(t.Context(), "a")
	if err == nil || NeverSent(err) {
		t.Errorf("err = %v, NeverSent = %v; want an error that reached the server", err, NeverSent(err))
	}
}

// The TLS handshake fails (a plain HTTP server behind an https URL, a
// certificate that does not verify): the request itself was never sent,
// so it is neither retried nor taken for a create that may have
// committed.
func TestFailedHandshakeIsNotRetriedAndNeverSent(t *testing.T) {
	t.Parallel()
	for name, withTLS := range map[string]bool{
		"plain HTTP behind https": false,
		"certificate not trusted": true,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rec := replies(status(http.StatusOK, ""))
			var conns atomic.Int32
			ts := httptest.NewUnstartedServer(rec)
			ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			if withTLS {
				ts.StartTLS()
			} else {
				ts.Start()
			}
			t.Cleanup(ts.Close)
			c, err := New(testConfig(strings.Replace(ts.URL, "http://", "https://", 1)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
			if err == nil {
				t.Fatal("want an error")
			}
			if n := len(rec.requests()); n != 0 {
				t.Errorf("the server read %d request(s), want none", n)
			}
			if n := conns.Load(); n != 1 {
				t.Errorf("connections = %d, want 1: a failed handshake is not retried (err: %v)", n, err)
			}
			if !NeverSent(err) || MayHaveCommitted(err) {
				t.Errorf("NeverSent = %v, MayHaveCommitted = %v, want true, false (err: %v)", NeverSent(err), MayHaveCommitted(err), err)
			}
		})
	}
}
