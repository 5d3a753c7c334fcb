// Package validators holds the schema validators the provider shares across
// its resources, data sources and provider block, together with the plain
// checks behind them, so that values read from environment variables are
// judged by exactly the same rules as values written in configuration.
package validators

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

var dnsLabel = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// CheckClusterID reports why id is not a Hellgate cluster id, or nil.
// A cluster id becomes the first label of https://{id}.on-hellgate.cloud,
// so it must be a lower-case DNS label.
func CheckClusterID(id string) error {
	if id == "" {
		return fmt.Errorf("must not be empty; expected a DNS label such as \"my-cluster-id\"")
	}
	if !dnsLabel.MatchString(id) {
		return fmt.Errorf("%q is not a valid cluster id: expected a DNS label of 1 to 63 lower-case letters, digits and hyphens that starts and ends with a letter or digit, such as \"my-cluster-id\" (the part before .on-hellgate.cloud)", id)
	}
	return nil
}

// CheckEndpoint parses and checks a Hellgate base URL. It must be an
// absolute https:// URL; plain http:// is accepted only for loopback hosts
// (localhost, 127.0.0.0/8, ::1), such as a mock cluster on this machine,
// because credentials for a card vault must never travel in clear text.
func CheckEndpoint(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("must not be empty; expected a base URL such as \"https://my-cluster-id.on-hellgate.cloud\"")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%q is not a valid URL: %w", raw, err)
	}
	if u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return nil, fmt.Errorf("%q is not an absolute URL: expected a base URL such as \"https://my-cluster-id.on-hellgate.cloud\"", raw)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%q must not contain user information: set credentials with api_key or admin_token instead", redactUser(u))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%q must not have a query or fragment: expected a base URL such as \"https://my-cluster-id.on-hellgate.cloud\"", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			return nil, fmt.Errorf("%q uses plain http:// with a host that is not loopback: use https://, since credentials must not travel in clear text (http:// is allowed only for localhost, 127.0.0.0/8 and ::1)", raw)
		}
	default:
		return nil, fmt.Errorf("%q has scheme %q: expected https:// (or http:// for localhost, 127.0.0.0/8 and ::1)", raw, u.Scheme)
	}
	return u, nil
}

func redactUser(u *url.URL) string {
	c := *u
	c.User = url.User("REDACTED")
	return c.String()
}

// IsLoopbackHost reports whether host (without port) is localhost or a
// loopback IP address.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckDuration parses s as a Go duration (such as "30s" or "720h") and
// checks that it lies within [minD, maxD].
func CheckDuration(s string, minD, maxD time.Duration) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: expected a number with a unit such as \"30s\", \"5m\" or \"720h\" (units: s, m, h)", s)
	}
	if d < minD || d > maxD {
		return 0, fmt.Errorf("%q is out of range: expected a duration from %s to %s", s, minD, maxD)
	}
	return d, nil
}
