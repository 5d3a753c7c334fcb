package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func do(t *testing.T, method, url, body string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

func read(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path) //nolint:gosec // G304: a file of the test's own folder
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// The release and its assets are recorded exactly as sent; what the fake
// does not serve is logged as unexpected.
func TestRecords(t *testing.T) {
	out := t.TempDir()
	for _, dir := range []string{"release", "assets"} {
		if err := os.Mkdir(filepath.Join(out, dir), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	server := httptest.NewServer((&fake{out: out}).routes())
	defer server.Close()
	api, uploads := server.URL+"/api/v3/repos/o/r/", server.URL+"/api/uploads/repos/o/r/"

	for _, c := range []struct {
		method, url, body string
		want              int
	}{
		{"GET", server.URL + "/api/v3/rate_limit", "", 200},
		{"GET", api + "releases/tags/v1.0.0", "", 404},
		{"POST", api + "releases", `{"tag_name":"v1.0.0","name":"v1.0.0","body":"notes\n\n* a\n","draft":true}`, 201},
		{"POST", api + "releases", `{"tag_name":"v1.0.0"}`, 422},
		{"POST", uploads + "releases/1/assets?name=a.zip", "zip bytes", 201},
		{"POST", uploads + "releases/1/assets?name=a.zip", "again", 422},
		{"POST", uploads + "releases/1/assets?name=..", "", 422},
		{"GET", server.URL + "/api/v3/repos/o/r", "", 404},
	} {
		if got := do(t, c.method, c.url, c.body); got != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.url, got, c.want)
		}
	}

	for file, want := range map[string]string{
		"release/owner":    "o",
		"release/repo":     "r",
		"release/tag_name": "v1.0.0",
		"release/body":     "notes\n\n* a\n",
		"release/draft":    "true",
		"assets/a.zip":     "zip bytes",
	} {
		if got := read(t, filepath.Join(out, file)); got != want {
			t.Errorf("%s = %q, want %q", file, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "release", "prerelease")); !os.IsNotExist(err) {
		t.Errorf("release/prerelease, never sent, exists (%v)", err)
	}
	log := read(t, filepath.Join(out, "requests.log"))
	if !strings.Contains(log, "GET /api/v3/repos/o/r 404 unexpected\n") {
		t.Errorf("requests.log does not call the unserved request unexpected:\n%s", log)
	}
	if strings.Count(log, "unexpected") != 1 {
		t.Errorf("requests.log calls served requests unexpected:\n%s", log)
	}
}

func TestRefusesAnAddressBeyondLoopback(t *testing.T) {
	if err := run("0.0.0.0:0", t.TempDir(), ""); err == nil || !strings.Contains(err.Error(), "only a loopback IP address") {
		t.Errorf("run on 0.0.0.0 = %v, want a refusal", err)
	}
}
