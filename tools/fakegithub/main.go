// Command fakegithub is a stand-in for the part of GitHub's REST API that
// goreleaser's release step uses, on a loopback address, for make
// release-check: a real (not snapshot) goreleaser release publishes to it
// (goreleaser's github_urls), and the check then reads what it recorded.
//
//	go build -o fakegithub ./tools/fakegithub
//	./fakegithub -out DIR -addr-file DIR/addr &
//
// It serves the rate limit, the lookup of a release by tag (there is none),
// the creation and editing of a release and the upload of its assets, and
// writes into DIR:
//
//   - addr-file: its address, 127.0.0.1:PORT, once it listens;
//   - requests.log: one line per request, "METHOD PATH STATUS", and
//     "unexpected" at the end of a request it does not serve (answered 404);
//   - release/: the created release as its fields, one file each, holding
//     exactly the value sent: owner, repo, tag_name, name, draft, prerelease,
//     body (absent fields are absent files); a second created release is an
//     error;
//   - edits.log: the JSON of each edit of a release (goreleaser edits a
//     release to publish it, which a draft never is);
//   - assets/NAME: each uploaded file, byte for byte.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

const releaseID = 1

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "the loopback address to listen on")
	out := flag.String("out", "", "the folder to record into (required)")
	addrFile := flag.String("addr-file", "", "a file to write the address to once listening")
	flag.Parse()
	if *out == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*addr, *out, *addrFile); err != nil {
		log.Fatal("fakegithub: ", err)
	}
}

func run(addr, out, addrFile string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-addr %s: only a loopback IP address, such as 127.0.0.1:0", addr)
	}
	for _, dir := range []string{out, filepath.Join(out, "release"), filepath.Join(out, "assets")} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return err
	}
	f := &fake{out: out}
	server := &http.Server{Handler: f.routes(), ReadHeaderTimeout: 10 * time.Second}
	if addrFile != "" {
		// Written whole, then renamed, so a reader never sees half of it.
		tmp := addrFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(ln.Addr().String()+"\n"), 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, addrFile); err != nil {
			return err
		}
	}
	log.Printf("fakegithub: listening on http://%s, recording into %s", ln.Addr(), out)
	return server.Serve(ln)
}

type fake struct {
	out string

	mu      sync.Mutex // guards the files below, created and assets
	created bool
	assets  int
}

func (f *fake) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v3/rate_limit", f.rateLimit)
	mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/releases/tags/{tag}", f.releaseByTag)
	mux.HandleFunc("POST /api/v3/repos/{owner}/{repo}/releases", f.createRelease)
	mux.HandleFunc("PATCH /api/v3/repos/{owner}/{repo}/releases/{id}", f.editRelease)
	mux.HandleFunc("GET /api/v3/repos/{owner}/{repo}/releases/"+strconv.Itoa(releaseID)+"/assets", f.listAssets)
	mux.HandleFunc("POST /api/uploads/repos/{owner}/{repo}/releases/{id}/assets", f.uploadAsset)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		f.answer(w, r, http.StatusNotFound, map[string]string{"message": "Not Found (fakegithub does not serve this)"}, "unexpected")
	})
	return mux
}

// answer writes status and body as JSON and logs the request.
func (f *fake) answer(w http.ResponseWriter, r *http.Request, status int, body any, note ...string) {
	f.mu.Lock()
	line := strings.Join(append([]string{r.Method, r.URL.Path, strconv.Itoa(status)}, note...), " ")
	if err := appendFile(filepath.Join(f.out, "requests.log"), line+"\n"); err != nil {
		log.Print("fakegithub: ", err)
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

func (f *fake) fail(w http.ResponseWriter, r *http.Request, status int, err error) {
	f.answer(w, r, status, map[string]string{"message": err.Error()}, "error:", err.Error())
}

func (f *fake) rateLimit(w http.ResponseWriter, r *http.Request) {
	rate := map[string]int64{"limit": 5000, "remaining": 5000, "reset": time.Now().Add(time.Hour).Unix()}
	f.answer(w, r, http.StatusOK, map[string]any{"resources": map[string]any{"core": rate, "search": rate}, "rate": rate})
}

// releaseByTag: there is no release yet, so goreleaser creates one.
func (f *fake) releaseByTag(w http.ResponseWriter, r *http.Request) {
	f.answer(w, r, http.StatusNotFound, map[string]string{"message": "Not Found"})
}

// release is what goreleaser sends to create or edit a release; a pointer
// is nil when the field was not sent.
type release struct {
	TagName    *string `json:"tag_name"`
	Name       *string `json:"name"`
	Body       *string `json:"body"`
	Draft      *bool   `json:"draft"`
	Prerelease *bool   `json:"prerelease"`
}

func (f *fake) createRelease(w http.ResponseWriter, r *http.Request) {
	var rel release
	if err := json.NewDecoder(r.Body).Decode(&rel); err != nil {
		f.fail(w, r, http.StatusBadRequest, err)
		return
	}
	f.mu.Lock()
	second := f.created
	f.created = true
	f.mu.Unlock()
	if second {
		f.fail(w, r, http.StatusUnprocessableEntity, errors.New("a second release was created"))
		return
	}
	fields := map[string]*string{"owner": ptr(r.PathValue("owner")), "repo": ptr(r.PathValue("repo")), "tag_name": rel.TagName, "name": rel.Name, "body": rel.Body}
	if rel.Draft != nil {
		fields["draft"] = ptr(strconv.FormatBool(*rel.Draft))
	}
	if rel.Prerelease != nil {
		fields["prerelease"] = ptr(strconv.FormatBool(*rel.Prerelease))
	}
	for name, value := range fields {
		if value == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(f.out, "release", name), []byte(*value), 0o600); err != nil {
			f.fail(w, r, http.StatusInternalServerError, err)
			return
		}
	}
	f.answer(w, r, http.StatusCreated, f.releaseJSON(r, rel))
}

func (f *fake) releaseJSON(r *http.Request, rel release) map[string]any {
	base := "http://" + r.Host
	repo := r.PathValue("owner") + "/" + r.PathValue("repo")
	return map[string]any{
		"id":         releaseID,
		"tag_name":   rel.TagName,
		"name":       rel.Name,
		"body":       rel.Body,
		"draft":      rel.Draft,
		"prerelease": rel.Prerelease,
		"html_url":   fmt.Sprintf("%s/%s/releases/tag/%s", base, repo, deref(rel.TagName)),
		"upload_url": fmt.Sprintf("%s/api/uploads/repos/%s/releases/%d/assets{?name,label}", base, repo, releaseID),
	}
}

func (f *fake) editRelease(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != strconv.Itoa(releaseID) {
		f.fail(w, r, http.StatusNotFound, fmt.Errorf("no release %s", r.PathValue("id")))
		return
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		f.fail(w, r, http.StatusBadRequest, err)
		return
	}
	var rel release
	if err := json.Unmarshal(data, &rel); err != nil {
		f.fail(w, r, http.StatusBadRequest, err)
		return
	}
	f.mu.Lock()
	err = appendFile(filepath.Join(f.out, "edits.log"), strings.TrimSpace(string(data))+"\n")
	f.mu.Unlock()
	if err != nil {
		f.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	f.answer(w, r, http.StatusOK, f.releaseJSON(r, rel))
}

func (f *fake) listAssets(w http.ResponseWriter, r *http.Request) {
	f.answer(w, r, http.StatusOK, []any{})
}

func (f *fake) uploadAsset(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	if r.PathValue("id") != strconv.Itoa(releaseID) {
		f.fail(w, r, http.StatusNotFound, fmt.Errorf("no release %s", r.PathValue("id")))
		return
	}
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		f.fail(w, r, http.StatusUnprocessableEntity, fmt.Errorf("asset name %q", name))
		return
	}
	path := filepath.Join(f.out, "assets", name)
	data, err := io.ReadAll(r.Body)
	if err != nil {
		f.fail(w, r, http.StatusBadRequest, err)
		return
	}
	// O_EXCL: an asset uploaded twice is GitHub's 422 "already_exists".
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600) //nolint:gosec // G304: a plain file name in our own folder, checked above
	if err != nil {
		f.fail(w, r, http.StatusUnprocessableEntity, err)
		return
	}
	_, err = file.Write(data)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		f.fail(w, r, http.StatusInternalServerError, err)
		return
	}
	f.mu.Lock()
	f.assets++
	id := f.assets
	f.mu.Unlock()
	f.answer(w, r, http.StatusCreated, map[string]any{
		"id":    id,
		"name":  name,
		"size":  len(data),
		"state": "uploaded",
	}, name)
}

func appendFile(path, text string) error {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600) //nolint:gosec // G304: a fixed name in the -out folder
	if err != nil {
		return err
	}
	_, err = file.WriteString(text)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

func ptr(s string) *string { return &s }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
