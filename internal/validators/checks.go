// Package validators holds the schema validators the provider shares across
// its resources, data sources and provider block, together with the plain
// checks behind them, so that values read from environment variables are
// judged by exactly the same rules as values written in configuration.
package validators

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
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
// Its errors never repeat user information or the value as given: they
// show at most the scheme and host, or a bare host name.
func CheckEndpoint(raw string) (*url.URL, error) {
	const example = `expected a base URL such as "https://my-cluster-id.on-hellgate.cloud"`
	if raw == "" {
		return nil, errors.New("must not be empty; " + example)
	}
	u, err := hellgate.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		if isHostName(raw) {
			// A host name without its scheme: safe to show, and the fix is plain.
			return nil, fmt.Errorf("%q is not an absolute URL: expected a base URL such as %q", raw, "https://"+raw)
		}
		return nil, errors.New("is not an absolute URL: " + example)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.ContainsAny(raw, "?#") {
		return nil, errors.New("must not have a query or fragment (nothing from ? or # on): " + example)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopbackHost(u.Hostname()) {
			shown := (&url.URL{Scheme: u.Scheme, Host: u.Host}).String()
			return nil, fmt.Errorf("%q uses plain http:// with a host that is not loopback: use https://, since credentials must not travel in clear text (http:// is allowed only for localhost, 127.0.0.0/8 and ::1)", shown)
		}
	default:
		return nil, fmt.Errorf("has scheme %q: expected https:// (or http:// for localhost, 127.0.0.0/8 and ::1)", u.Scheme)
	}
	return u, nil
}

// hostName matches a DNS name of at least two labels.
var hostName = regexp.MustCompile(`^(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))+$`)

// isHostName reports whether s is a DNS name such as example.com, which
// cannot be a secret typed in the wrong place.
func isHostName(s string) bool { return len(s) <= 253 && hostName.MatchString(s) }

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
