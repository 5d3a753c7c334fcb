package hellgate

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
)

// MayHaveCommitted judges the errors of real calls: what the server did (or
// whether one was reached at all) decides, not the shape of the error.
func TestMayHaveCommitted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		reply func(http.ResponseWriter, *http.Request)
		want  bool
	}{
		{"500", status(http.StatusInternalServerError, "oops"), true},
		{"503", status(http.StatusServiceUnavailable, "down"), true},
		{"dropped after reading the request", drop, true},
		{"400", status(http.StatusBadRequest, "bad"), false},
		{"401", status(http.StatusUnauthorized, ""), false},
		{"409", status(http.StatusConflict, ""), false},
		{"429", status(http.StatusTooManyRequests, "", "Retry-After", "0"), false},
		{"redirect", status(http.StatusTemporaryRedirect, "", "Location", "https://elsewhere.example/"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := newTestClient(t, replies(tt.reply), func(c *Config) { c.MaxRetries = 0 })
			_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
			if err == nil {
				t.Fatal("want an error")
			}
			if got := MayHaveCommitted(err); got != tt.want {
				t.Errorf("MayHaveCommitted(%v) = %v, want %v", err, got, tt.want)
			}
		})
	}

	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		c := refusingClient(t)
		_, err := c.CreateAPIKey(t.Context(), CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
		if err == nil || MayHaveCommitted(err) {
			t.Errorf("MayHaveCommitted(%v) = true, want false: no attempt reached a server", err)
		}
	})

	t.Run("stopped mid-call, answer lost", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(t.Context())
		stopThenDrop := func(w http.ResponseWriter, r *http.Request) {
			cancel()
			drop(w, r)
		}
		c, _ := newTestClient(t, replies(stopThenDrop))
		_, err := c.CreateAPIKey(ctx, CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
		if !errors.Is(err, context.Canceled) || !MayHaveCommitted(err) {
			t.Errorf("MayHaveCommitted(%v) = false, want true: the server had the request", err)
		}
	})

	if MayHaveCommitted(nil) {
		t.Error("MayHaveCommitted(nil) = true")
	}
}

func TestIsHostNotFound(t *testing.T) {
	t.Parallel()
	notFound := &net.DNSError{Err: "no such host", Name: "typo.on-hellgate.cloud", IsNotFound: true}
	tests := []struct {
		name     string
		err      error
		wantHost string
		wantOK   bool
	}{
		{"wrapped", fmt.Errorf("GET /x: %w", &net.OpError{Op: "dial", Net: "tcp", Err: notFound}), "typo.on-hellgate.cloud", true},
		{"resolver trouble", &net.DNSError{Err: "server misbehaving", Name: "x.on-hellgate.cloud", IsTemporary: true}, "", false},
		{"other", errors.New("no such host"), "", false},
		{"nil", nil, "", false},
	}
	for _, tt := range tests {
		host, ok := IsHostNotFound(tt.err)
		if host != tt.wantHost || ok != tt.wantOK {
			t.Errorf("%s: IsHostNotFound = %q, %v; want %q, %v", tt.name, host, ok, tt.wantHost, tt.wantOK)
		}
	}

	// Through a real call: the client's error carries the host.
	cfg := testConfig("https://typo.on-hellgate.cloud")
	cfg.HTTPClient = &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: notFound}
		},
	}}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAPIKey(t.Context(), "a")
	if host, ok := IsHostNotFound(err); !ok || host != "typo.on-hellgate.cloud" {
		t.Errorf("IsHostNotFound(%v) = %q, %v; want typo.on-hellgate.cloud, true", err, host, ok)
	}
	if MayHaveCommitted(err) {
		t.Errorf("MayHaveCommitted(%v) = true for an unknown host", err)
	}
}
