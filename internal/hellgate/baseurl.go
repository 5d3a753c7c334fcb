package hellgate

// The base URL: parsing and checking it without ever repeating it in an
// error (it may carry a password as user information, in forms url.Parse
// does not even recognise as such), and building request URLs from it.

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// ParseURL parses raw as url.Parse does, but first refuses user
// information (a name or password before an @, whether or not url.Parse
// would see it as such), and its errors never repeat raw or a part of it,
// not even in a wrapped *url.Error. Each error reads as a predicate of the
// URL, e.g. "must not contain user information ...", for the caller to
// name the setting it came from.
func ParseURL(raw string) (*url.URL, error) {
	if hasUserInfo(raw) {
		const msg = "must not contain user information (a name or password before @); give the credential as the API key or admin token instead"
		if u, err := url.Parse(raw); err == nil && u.User != nil && u.Host != "" {
			// Show where it was, with the user information replaced.
			shown := (&url.URL{Scheme: u.Scheme, User: url.User("REDACTED"), Host: u.Host}).String()
			return nil, fmt.Errorf("%q %s", shown, msg)
		}
		return nil, errors.New(msg)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("is not a valid URL (%s)", describeURLError(err))
	}
	return u, nil
}

// hasUserInfo reports whether raw has an @ in its authority, or in what
// follows a scheme without // (such as "https:user:secret@host", which
// url.Parse takes for an opaque URL).
func hasUserInfo(raw string) bool {
	rest := raw
	if i := strings.IndexByte(rest, ':'); i > 0 && validScheme(rest[:i]) {
		rest = rest[i+1:]
	}
	rest = strings.TrimPrefix(rest, "//")
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return strings.Contains(rest, "@")
}

// validScheme reports whether s is a URL scheme (RFC 3986: a letter, then
// letters, digits, "+", "-" and ".").
func validScheme(s string) bool { return schemeRE.MatchString(s) }

var schemeRE = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*$`)

// quoted matches a Go-quoted string, as url.Parse's errors quote the part
// of the URL they object to.
var quoted = regexp.MustCompile(`\s*"(?:[^"\\]|\\.)*"`)

// describeURLError says what url.Parse objected to, without the URL and
// without the part of it the error quotes (a port, say, which may be a
// password typed in the wrong place).
func describeURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return strings.TrimSpace(quoted.ReplaceAllString(err.Error(), ""))
}

// parseBaseURL checks a Config.BaseURL and returns it without a trailing
// slash. Its errors never repeat the URL.
func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, errors.New("hellgate: the base URL is required")
	}
	u, err := ParseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("hellgate: the base URL %w", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("hellgate: the base URL must start with https:// or http://")
	case u.Host == "":
		return nil, errors.New("hellgate: the base URL has no host")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.ContainsAny(raw, "?#"):
		return nil, errors.New("hellgate: the base URL must not have a query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = strings.TrimRight(u.RawPath, "/")
	return u, nil
}

// endpoint returns the absolute URL of an API path (already escaped, starting
// with "/") with an optional query.
func (c *Client) endpoint(escapedPath string, query url.Values) *url.URL {
	u := *c.baseURL
	u.RawPath = ""
	u.Path = ""
	// Parse the joined escaped path so that escapes such as %2F survive.
	joined := c.baseURL.EscapedPath() + escapedPath
	if p, err := url.PathUnescape(joined); err == nil {
		u.Path = p
		u.RawPath = joined
	} else {
		u.Path = joined
	}
	u.RawQuery = query.Encode()
	return &u
}

// requestPath returns the path requested for an API path: the base URL's
// path prefix, if any, then the API path.
func (c *Client) requestPath(apiPath string) string {
	return c.endpoint(apiPath, nil).EscapedPath()
}

// requestURL returns the URL of a path requested (as requestPath returns
// it), with scheme and host but no query. The base URL holds no user
// information (parseBaseURL refuses it), so the result holds no secret.
func (c *Client) requestURL(path string) string {
	return c.baseURL.Scheme + "://" + c.baseURL.Host + path
}
