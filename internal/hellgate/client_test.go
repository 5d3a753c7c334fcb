package hellgate

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

func TestClusterURL(t *testing.T) {
	t.Parallel()
	if got := ClusterURL("my-cluster-id"); got != "https://my-cluster-id.on-hellgate.cloud" {
		t.Errorf("ClusterURL = %q", got)
	}
}

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" for success
	}{
		{"ok token", Config{BaseURL: "https://x.on-hellgate.cloud", AdminToken: "t"}, ""},
		{"ok key with slash", Config{BaseURL: "http://127.0.0.1:8089/", APIKey: "k"}, ""},
		{"no base", Config{AdminToken: "t"}, "base URL is required"},
		{"bad scheme", Config{BaseURL: "ftp://x", AdminToken: "t"}, "must start with https://"},
		{"no scheme", Config{BaseURL: "x.on-hellgate.cloud", AdminToken: "t"}, "must start with https://"},
		{"no host", Config{BaseURL: "https:///p", AdminToken: "t"}, "has no host"},
		{"query", Config{BaseURL: "https://x/?a=b", AdminToken: "t"}, "query or fragment"},
		{"user info", Config{BaseURL: "https://u:p@x", AdminToken: "t"}, "user info"}, //nolint:gosec // a URL with user info, to show it is refused
		{"no credential", Config{BaseURL: "https://x"}, "API key or an admin token is required"},
		{"both credentials", Config{BaseURL: "https://x", AdminToken: "t", APIKey: "k"}, "not both"},
		{"negative timeout", Config{BaseURL: "https://x", AdminToken: "t", RequestTimeout: -1}, "must not be negative"},
		{"min above max", Config{BaseURL: "https://x", AdminToken: "t", RetryWaitMin: time.Minute, RetryWaitMax: time.Second}, "longer than the maximum"},
		{"control character in user agent", Config{BaseURL: "https://x", AdminToken: "t", UserAgent: "terraform\x01"}, "the user agent contains the control character 0x01"},
	}
	for _, tt := range tests {
		_, err := New(tt.cfg)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: New: %v", tt.name, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("%s: New error = %v, want one containing %q", tt.name, err, tt.wantErr)
		}
	}
}

func TestNewAppliesDefaults(t *testing.T) {
	t.Parallel()
	c, err := New(Config{BaseURL: "https://x", AdminToken: "t", MaxRetries: DefaultMaxRetries})
	if err != nil {
		t.Fatal(err)
	}
	want := retryPolicy{
		maxRetries:     DefaultMaxRetries,
		requestTimeout: DefaultRequestTimeout,
		waitMin:        DefaultRetryWaitMin,
		waitMax:        DefaultRetryWaitMax,
		maxRetryAfter:  DefaultMaxRetryAfter,
	}
	if c.retry != want {
		t.Errorf("policy = %+v, want %+v", c.retry, want)
	}
	if c.clock != clock.Real() {
		t.Errorf("clock = %T, want the system clock", c.clock)
	}
	if c.userAgent != DefaultUserAgent {
		t.Errorf("user agent = %q", c.userAgent)
	}
	// Clients without an HTTPClient share one pooled transport.
	c2, _ := New(Config{BaseURL: "https://y", APIKey: "k"})
	if c.httpClient.Transport == nil || c.httpClient.Transport != c2.httpClient.Transport {
		t.Error("default clients do not share one transport")
	}
	// The zero MaxRetries means no retries, not the default.
	c3, _ := New(Config{BaseURL: "https://y", APIKey: "k"})
	if c3.retry.maxRetries != 0 {
		t.Errorf("zero MaxRetries became %d", c3.retry.maxRetries)
	}
}

func TestAuthHeaderAndUserAgent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		edit                  func(*Config)
		wantAPIKey, wantToken string
		wantUserAgent         string
	}{
		{"admin token", func(*Config) {}, "", testToken, "hellgate-test/1.0"},
		{"api key", func(c *Config) { c.AdminToken, c.APIKey = "", testAPIKey }, testAPIKey, "", "hellgate-test/1.0"},
		{"default user agent", func(c *Config) { c.UserAgent = "" }, "", testToken, DefaultUserAgent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := replies(jsonStatus(http.StatusOK, keyJSON("a")))
			c, _ := newTestClient(t, rec, tt.edit)
			if _, err := c.GetAPIKey(t.Context(), "a"); err != nil {
				t.Fatal(err)
			}
			h := rec.requests()[0].Header
			if h.Get("x-api-key") != tt.wantAPIKey || h.Get("x-admin-token") != tt.wantToken {
				t.Errorf("x-api-key %q, x-admin-token %q; want %q, %q", h.Get("x-api-key"), h.Get("x-admin-token"), tt.wantAPIKey, tt.wantToken)
			}
			if _, ok := h["X-Api-Key"]; ok != (tt.wantAPIKey != "") {
				t.Error("x-api-key header presence is wrong")
			}
			if _, ok := h["X-Admin-Token"]; ok != (tt.wantToken != "") {
				t.Error("x-admin-token header presence is wrong")
			}
			if h.Get("User-Agent") != tt.wantUserAgent || h.Get("Accept") != "application/json" {
				t.Errorf("User-Agent %q, Accept %q", h.Get("User-Agent"), h.Get("Accept"))
			}
		})
	}
}

func TestPaths(t *testing.T) {
	t.Parallel()
	rec := replies(jsonStatus(http.StatusOK, keyJSON("a")))
	c, ts := newTestClient(t, rec)
	prefixed, err := New(Config{BaseURL: ts.URL + "/proxy/hg/", AdminToken: "t"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		c       *Client
		id      string
		wantURI string
	}{
		{c, "123e4567-e89b-12d3-a456-426614174000", "/api/admin/api-keys/123e4567-e89b-12d3-a456-426614174000"},
		{c, "a/b", "/api/admin/api-keys/a%2Fb"},
		{c, "a b?c#d", "/api/admin/api-keys/a%20b%3Fc%23d"},
		{c, "..", "/api/admin/api-keys/%2E%2E"},
		{c, ".", "/api/admin/api-keys/%2E"},
		{prefixed, "x", "/proxy/hg/api/admin/api-keys/x"},
	}
	for i, tt := range tests {
		if _, err := tt.c.GetAPIKey(t.Context(), tt.id); err != nil {
			t.Fatalf("GetAPIKey(%q): %v", tt.id, err)
		}
		if got := rec.requests()[i].URI; got != tt.wantURI {
			t.Errorf("GetAPIKey(%q) requested %q, want %q", tt.id, got, tt.wantURI)
		}
	}
}

func TestEmptyIDIsRejected(t *testing.T) {
	t.Parallel()
	rec := replies(status(http.StatusNoContent, ""))
	c, _ := newTestClient(t, rec)
	if _, err := c.GetAPIKey(t.Context(), ""); err == nil {
		t.Error("GetAPIKey(\"\") succeeded")
	}
	if err := c.DeleteAPIKey(t.Context(), ""); err == nil {
		t.Error("DeleteAPIKey(\"\") succeeded")
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

func TestNewIdempotencyKey(t *testing.T) {
	t.Parallel()
	uuid4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 1000 {
		k := NewIdempotencyKey()
		if !uuid4.MatchString(k) {
			t.Fatalf("NewIdempotencyKey() = %q, want a UUIDv4", k)
		}
		if seen[k] {
			t.Fatalf("NewIdempotencyKey() repeated %q", k)
		}
		seen[k] = true
	}
}
