package validators

import (
	"strings"
	"testing"
	"time"
)

func TestCheckClusterID(t *testing.T) {
	for _, ok := range []string{"a", "my-cluster-id", "c0ffee", strings.Repeat("a", 63), "1-2"} {
		if err := CheckClusterID(ok); err != nil {
			t.Errorf("CheckClusterID(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"", "-a", "a-", "My-Cluster", "a.b", "a_b", strings.Repeat("a", 64), "a b", "https://x"} {
		err := CheckClusterID(bad)
		if err == nil {
			t.Errorf("CheckClusterID(%q) = nil, want an error", bad)
			continue
		}
		if !strings.Contains(err.Error(), "my-cluster-id") {
			t.Errorf("CheckClusterID(%q) error %q does not show an example", bad, err)
		}
	}
	if err := CheckClusterID(""); err == nil || !strings.Contains(err.Error(), "must not be empty") {
		t.Errorf("CheckClusterID(\"\") = %v, want an error saying it must not be empty", err)
	}
}

func TestCheckEndpoint(t *testing.T) {
	ok := []string{
		"https://my-cluster-id.on-hellgate.cloud",
		"https://proxy.example.com/hellgate",
		"http://127.0.0.1:8089",
		"http://127.1.2.3",
		"http://localhost:8089",
		"http://LOCALHOST",
		"http://[::1]:8089",
		"HTTPS://example.com",
	}
	for _, raw := range ok {
		if _, err := CheckEndpoint(raw); err != nil {
			t.Errorf("CheckEndpoint(%q) = %v, want nil", raw, err)
		}
	}
	bad := map[string]string{
		"":                                "must not be empty",
		"my-cluster-id.on-hellgate.cloud": "not an absolute URL",
		"http://example.com":              "not loopback",
		"http://10.0.0.1:8089":            "not loopback",
		"http://localhost.example.com":    "not loopback",
		"http://[::2]":                    "not loopback",
		"ftp://example.com":               `scheme "ftp"`,
		"https://user:secret@example.com": "user information",
		"https://example.com/?a=b":        "query or fragment (nothing from ? or # on)",
		"https://example.com/#x":          "query or fragment (nothing from ? or # on)",
		"https://example.com/?":           "query or fragment (nothing from ? or # on)",
		"https://exa mple.com":            "not a valid URL",
		"mailto:someone":                  "not an absolute URL",
	}
	for raw, want := range bad {
		_, err := CheckEndpoint(raw)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckEndpoint(%q) = %v, want an error containing %q", raw, err, want)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("CheckEndpoint(%q) error leaks the password: %v", raw, err)
		}
	}
}

func TestCheckDuration(t *testing.T) {
	if d, err := CheckDuration("90s", time.Second, time.Hour); err != nil || d != 90*time.Second {
		t.Errorf("CheckDuration(90s) = %v, %v", d, err)
	}
	for in, want := range map[string]string{
		"10":  "not a duration",
		"abc": "not a duration",
		"0s":  "out of range",
		"2h":  "out of range",
		"-1s": "out of range",
	} {
		if _, err := CheckDuration(in, time.Second, time.Hour); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckDuration(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestClosest(t *testing.T) {
	all := []string{"pci:tokens:create", "pci:tokens:read", "network:tokens:use"}
	for in, want := range map[string]string{ //nolint:gosec // misspelt scope names, not credentials
		"pci:token:create":  "pci:tokens:create",
		"pci:tokens:reed":   "pci:tokens:read",
		"network:token:use": "network:tokens:use",
		"PCI:TOKENS:READ":   "pci:tokens:read",
		"Pci:Token:Create":  "pci:tokens:create",
		"something-else":    "",
		"":                  "",
	} {
		if got := Closest(in, all); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}
