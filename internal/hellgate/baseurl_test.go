package hellgate

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

// New's errors about the base URL never repeat its user information or the
// raw value, in their text or in a wrapped *url.Error.
func TestBaseURLErrorsNeverEchoTheURL(t *testing.T) {
	t.Parallel()
	const pw = "s3cr3tPW"
	for raw, want := range map[string]string{
		"https:user:" + pw + "@host.example.com":    "user info",
		"https://user:" + pw + "@ho st.example.com": "user info",
		"https://user:" + pw + "@example.com":       "user info",
		"https://example.com:" + pw:                 "not a valid URL",
		"https://exa mple.com/" + pw:                "not a valid URL",
		"https://example.com/\x7f" + pw:             "not a valid URL",
		"key_" + pw:                                 "must start with https://",
		"ftp://example.com/" + pw:                   "must start with https://",
		"https:///" + pw:                            "has no host",
		"https://example.com/?token=" + pw:          "query or fragment",
		"https://example.com/#" + pw:                "query or fragment",
		"https://example.com/?":                     "query or fragment",
		"https://example.com/#":                     "query or fragment",
	} {
		_, err := New(Config{BaseURL: raw, AdminToken: testToken})
		if err == nil {
			t.Errorf("New(%q) succeeded", raw)
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "user:") {
			t.Errorf("New(%q) error repeats the URL: %v", raw, err)
		}
		if !strings.Contains(err.Error(), want) {
			t.Errorf("New(%q) = %v, want an error containing %q", raw, err, want)
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			t.Errorf("New(%q) wraps a *url.Error, which repeats the URL: %v", raw, ue)
		}
	}
}

func TestDescribeURLError(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{
		"https://exa mple.com": "invalid character in host name",
		"https://x:port":       "invalid port after host",
		"https://x/%zz":        "invalid URL escape",
		"https://x/\x00":       "net/url: invalid control character in URL",
		":no-scheme":           "missing protocol scheme",
	} {
		_, err := url.Parse(raw)
		if got := describeURLError(err); got != want {
			t.Errorf("describeURLError(Parse(%q)) = %q, want %q", raw, got, want)
		}
	}
}
