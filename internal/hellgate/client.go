// Package hellgate is a small client for the API-key endpoints of the
// Hellgate Guardian API: create, read, list and delete API keys.
//
// It owns everything about talking to a cluster: authentication headers,
// retries with backoff and Retry-After, refusal of redirects, typed errors
// and secret-safe logging through terraform-plugin-log. It has no Terraform
// framework imports, so it can be used and tested on its own.
package hellgate

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/hashicorp/go-cleanhttp"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

// Defaults applied by New when the corresponding Config field is zero.
//
// They are chosen for a Terraform run, where a few seconds of waiting are
// cheap and a failed apply is expensive:
//
//   - DefaultMaxRetries (5) retries give six attempts; with the default
//     backoff (0.5-1s, 1-2s, 2-4s, 4-8s, 8-16s) the waits add up to 15.5-31s,
//     enough to ride out a rolling restart or a burst of throttling without
//     hiding a real outage for long.
//   - DefaultRequestTimeout (30s) bounds one attempt, including reading the
//     body; API-key calls are small and normally answer in milliseconds.
//   - DefaultRetryWaitMin/Max (500ms/30s) bound one backoff wait.
//   - DefaultMaxRetryAfter (60s) caps how long a server's Retry-After can make
//     us wait before one retry, so a misconfigured server cannot park an apply
//     for an hour; the caller's ctx bounds the total anyway.
const (
	DefaultMaxRetries     = 5
	DefaultRequestTimeout = 30 * time.Second
	DefaultRetryWaitMin   = 500 * time.Millisecond
	DefaultRetryWaitMax   = 30 * time.Second
	DefaultMaxRetryAfter  = 60 * time.Second

	// DefaultUserAgent is sent when Config.UserAgent is empty.
	DefaultUserAgent = "terraform-provider-hellgate"
)

// ClusterURL returns the base URL of the Hellgate cluster with the given id,
// e.g. "https://my-cluster-id.on-hellgate.cloud".
func ClusterURL(clusterID string) string {
	return "https://" + clusterID + ".on-hellgate.cloud"
}

// Config configures a Client. Only BaseURL and one credential are required.
type Config struct {
	// BaseURL is the cluster's base URL, e.g. https://x.on-hellgate.cloud or
	// http://127.0.0.1:8089. A trailing slash is ignored; a path prefix is
	// kept (the API paths are appended to it). It must not carry user info,
	// a query or a fragment.
	BaseURL string

	// APIKey (sent as x-api-key) and AdminToken (sent as x-admin-token) are
	// the two ways to authenticate. Exactly one must be set.
	APIKey     string
	AdminToken string

	// UserAgent is sent as the User-Agent header; empty means
	// DefaultUserAgent.
	UserAgent string

	// HTTPClient is used for every request. Nil means one shared go-cleanhttp
	// pooled transport, so keep-alive connections are reused across
	// concurrent calls and clients. The client is copied, never modified: the
	// copy refuses redirects (see ErrRedirect). Its Timeout, if any, still
	// applies on top of RequestTimeout.
	HTTPClient *http.Client

	// MaxRetries is the number of retries after the first attempt, used as
	// given: 0 means no retries (one attempt) and a negative value is treated
	// as 0. The zero value therefore does not retry; callers that want the
	// default pass DefaultMaxRetries explicitly. (A zero value meaning
	// "default" would make "no retries" impossible to ask for.)
	MaxRetries int

	// RequestTimeout bounds each attempt, from sending the request to reading
	// the whole response body. 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration

	// RetryWaitMin and RetryWaitMax bound the exponential backoff between
	// attempts. 0 means DefaultRetryWaitMin / DefaultRetryWaitMax.
	RetryWaitMin, RetryWaitMax time.Duration

	// MaxRetryAfter caps the wait a server may ask for with Retry-After.
	// 0 means DefaultMaxRetryAfter.
	MaxRetryAfter time.Duration

	// Clock times the waits between attempts (backoff and Retry-After) and
	// reads the time an HTTP-date Retry-After is measured from. Nil means
	// the system clock; tests pass a clock.Fake so that retries wait on no
	// wall clock. Per-attempt timeouts and the caller's deadline are
	// context deadlines and run on real time whatever the clock.
	Clock clock.Clock
}

// Client calls one Hellgate cluster. It is safe for concurrent use.
type Client struct {
	baseURL    *url.URL
	authHeader string // "x-api-key" or "x-admin-token"
	credential string
	userAgent  string
	httpClient *http.Client
	retry      retryPolicy
	clock      clock.Clock

	// serverClock bounds how far Hellgate's clock is from clock, from the
	// Date headers of its answers (see servertime.go).
	serverClock serverClock

	// credentialSecret is the credential as redact looks for it; nil when
	// it is shorter than minSecretLen.
	credentialSecret *secret

	// ep is what the client knows about its endpoint: whether it serves
	// the API-key collection, so that a 404 on a key's path means the key
	// is gone (see endpointcheck.go).
	ep endpointState

	// secrets holds every key_value this client has seen in a response, so
	// that later logs and error messages can mask them too.
	secretsMu sync.RWMutex
	secrets   []*secret
}

// maxIdleConnsPerHost is how many idle keep-alive connections the shared
// transport keeps to one cluster. go-cleanhttp's default is GOMAXPROCS+1
// (3 on a two-core machine), fewer than Terraform's default -parallelism of
// 10: each time more calls than that finished together, the surplus
// connections were closed and the next calls dialled (and, for https,
// handshook) anew. A provider talks to one cluster, so allow as many as the
// pool holds in all.
const maxIdleConnsPerHost = 100

// sharedTransport is the pooled transport behind every Client created without
// an HTTPClient, so that all of them share one connection pool.
var sharedTransport = sync.OnceValue(func() http.RoundTripper {
	t := cleanhttp.DefaultPooledTransport()
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxIdleConns = max(t.MaxIdleConns, maxIdleConnsPerHost)
	return t
})

// New checks cfg and returns a Client. The error never contains a credential.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}

	c := &Client{baseURL: base, userAgent: cfg.UserAgent, clock: clock.OrReal(cfg.Clock)}
	var credentialName string
	switch {
	case cfg.APIKey != "" && cfg.AdminToken != "":
		return nil, errors.New("hellgate: set either an API key or an admin token, not both")
	case cfg.APIKey != "":
		c.authHeader, c.credential, credentialName = headerAPIKey, cfg.APIKey, "API key"
	case cfg.AdminToken != "":
		c.authHeader, c.credential, credentialName = headerAdminToken, cfg.AdminToken, "admin token"
	default:
		return nil, errors.New("hellgate: an API key or an admin token is required")
	}
	if err := CheckCredential(c.credential); err != nil {
		// Go would refuse to send it, or a server would read another
		// value; say so without echoing it.
		return nil, fmt.Errorf("hellgate: the %s is not a valid HTTP header value: %w", credentialName, err)
	}
	if len(c.credential) >= minSecretLen {
		c.credentialSecret = newSecret(c.credential)
	}
	if c.userAgent == "" {
		c.userAgent = DefaultUserAgent
	}
	if b, bad := badHeaderByte(c.userAgent); bad {
		return nil, fmt.Errorf("hellgate: the user agent contains the control character 0x%02x", b)
	}

	c.retry, err = newRetryPolicy(cfg)
	if err != nil {
		return nil, err
	}

	// Copy the caller's client (sharing its transport and pool) rather than
	// changing it, and refuse redirects on the copy: Go copies custom headers
	// such as x-api-key to the redirect target, even on another host.
	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	} else {
		hc = http.Client{Transport: sharedTransport()}
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	c.httpClient = &hc
	return c, nil
}
