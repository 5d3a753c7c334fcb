package hellgate

// The API-key operations (create, get, list one page or all pages, delete)
// and their wire forms.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// apiKeysPath is the collection path of the API-key endpoints.
const apiKeysPath = "/api/admin/api-keys" //nolint:gosec // a URL path, not a credential (G101 matches "keys")

// MaxListPages is how many pages a listing of every key reads at the most
// (a million keys at MaxPageSize), so that a server that keeps naming new
// pages cannot keep a listing going for ever.
const MaxListPages = 10000

// MaxPageSize is the largest page Hellgate's list endpoint accepts, and the
// page size ListAllAPIKeys uses by default.
const MaxPageSize = 100

// APIKey is a Hellgate API key as the API returns it.
type APIKey struct {
	ID        string
	CreatedAt time.Time
	ExpiresAt *time.Time // nil: never expires
	Scopes    []string

	// KeyValue is the secret itself, returned only by CreateAPIKey.
	KeyValue string
	// MaskedKeyValue is a display form such as "key_123xxxx", returned by
	// GetAPIKey and ListAPIKeys.
	MaskedKeyValue string
}

// apiKeyJSON is the wire form of an API key.
type apiKeyJSON struct {
	ID             string     `json:"id"`
	CreatedAt      time.Time  `json:"created_at"`
	ExpiresAt      *time.Time `json:"expires_at"`
	Scopes         []string   `json:"scopes"`
	KeyValue       string     `json:"key_value"`
	MaskedKeyValue string     `json:"masked_key_value"`
}

func (k apiKeyJSON) apiKey() APIKey {
	return APIKey(k)
}

// CreateAPIKeyInput is the input of CreateAPIKey.
type CreateAPIKeyInput struct {
	Scopes    []string
	ExpiresIn *int64 // seconds after creation; nil: never expires

	// IdempotencyKey is sent as x-idempotency-key. Empty means a fresh random
	// one. The same key is sent on every retry of one call, so a create that
	// reached the server before the connection broke is replayed, not done
	// twice.
	IdempotencyKey string
}

// CreateAPIKey creates an API key. The returned key's KeyValue is the only
// time Hellgate reveals the secret; it is masked in this package's logs and
// redacted from its later error messages.
func (c *Client) CreateAPIKey(ctx context.Context, in CreateAPIKeyInput) (*APIKey, error) {
	return c.createAPIKey(ctx, in, false)
}

// RepeatCreateAPIKey sends a create once more, a single attempt with no
// retries, under the idempotency key in.IdempotencyKey, which must be set:
// Hellgate answers with the key it made for that idempotency key, if it
// still remembers one, and otherwise makes a new key. It is for a create
// whose outcome is unknown and that has no time for the retry policy's
// waits (the run was stopped).
func (c *Client) RepeatCreateAPIKey(ctx context.Context, in CreateAPIKeyInput) (*APIKey, error) {
	if in.IdempotencyKey == "" {
		return nil, errors.New("hellgate: repeating a create needs the idempotency key it was sent with")
	}
	return c.createAPIKey(ctx, in, true)
}

func (c *Client) createAPIKey(ctx context.Context, in CreateAPIKeyInput, once bool) (*APIKey, error) {
	body, err := json.Marshal(struct {
		Scopes    []string `json:"scopes"`
		ExpiresIn *int64   `json:"expires_in,omitempty"`
	}{Scopes: nonNil(in.Scopes), ExpiresIn: in.ExpiresIn})
	if err != nil {
		return nil, fmt.Errorf("encoding the create request: %w", err)
	}
	key := in.IdempotencyKey
	if key == "" {
		key = NewIdempotencyKey()
	}
	resp, err := c.do(ctx, apiRequest{
		method:         http.MethodPost,
		path:           apiKeysPath,
		body:           body,
		idempotencyKey: key,
		once:           once,
	})
	if err != nil {
		return nil, c.collectionNotFound(err)
	}

	// Hellgate answered 2xx: it made a key, even if the answer is unusable.
	var k apiKeyJSON
	path := c.requestPath(apiKeysPath)
	if err := json.Unmarshal(resp.body, &k); err != nil {
		// The body holds the secret: describe the problem, never quote it.
		return nil, committed(fmt.Errorf("POST %s: the response (status %d) is not a valid API key object", path, resp.status))
	}
	c.rememberSecret(k.KeyValue)
	switch {
	case k.ID == "":
		return nil, committed(fmt.Errorf("POST %s: the response (status %d) has no id", path, resp.status))
	case k.KeyValue == "":
		return nil, committed(fmt.Errorf("POST %s: the response for API key %s has no key_value; delete that key and try again", path, k.ID))
	}
	c.setVerdict(endpointServes)
	out := k.apiKey()
	return &out, nil
}

// GetAPIKey reads one API key. An unknown id is an *Error for which
// IsNotFound is true, once the endpoint is known to serve the API-key
// collection (see IsWrongEndpoint).
func (c *Client) GetAPIKey(ctx context.Context, id string) (*APIKey, error) {
	path, err := apiKeyPath(id)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(ctx, apiRequest{method: http.MethodGet, path: path})
	if err != nil {
		return nil, c.confirmNotFound(ctx, err)
	}
	k, err := c.decodeAPIKey(http.MethodGet, c.requestPath(path), resp)
	if err == nil {
		c.setVerdict(endpointServes)
	}
	return k, err
}

// ListAPIKeysInput selects one page of ListAPIKeys.
type ListAPIKeysInput struct {
	After string // list the keys after the one with this id; empty: from the start
	Limit int    // page size, 1 to MaxPageSize; 0: the server's default (20)
}

// APIKeyPage is one page of API keys.
type APIKeyPage struct {
	Keys []APIKey
	// Next selects the following page; nil on the last page.
	Next *ListAPIKeysInput
}

// ListAPIKeys lists one page of API keys. The next page is taken from the
// after and limit values of the response's links.next; its URL is never
// followed as given (Hellgate's published example lacks the /api prefix).
func (c *Client) ListAPIKeys(ctx context.Context, in ListAPIKeysInput) (*APIKeyPage, error) {
	q := url.Values{}
	if in.After != "" {
		q.Set("after", in.After)
	}
	if in.Limit != 0 {
		q.Set("limit", strconv.Itoa(in.Limit))
	}
	resp, err := c.do(ctx, apiRequest{method: http.MethodGet, path: apiKeysPath, query: q})
	if err != nil {
		return nil, c.collectionNotFound(err)
	}
	path := c.requestPath(apiKeysPath)

	var body struct {
		Data  []apiKeyJSON `json:"data"`
		Links struct {
			Next *string `json:"next"`
		} `json:"links"`
	}
	if err := json.Unmarshal(resp.body, &body); err != nil {
		return nil, c.answerError("GET %s: decoding the response: %v", path, err)
	}
	page := &APIKeyPage{Keys: make([]APIKey, 0, len(body.Data))}
	for _, k := range body.Data {
		if k.ID == "" {
			return nil, fmt.Errorf("GET %s: the response lists a key without an id", path)
		}
		page.Keys = append(page.Keys, k.apiKey())
	}
	if body.Links.Next != nil && *body.Links.Next != "" {
		next, err := parseNextLink(*body.Links.Next, in.Limit)
		if err != nil {
			return nil, c.answerError("GET %s: %v", path, err)
		}
		page.Next = next
	}
	c.setVerdict(endpointServes)
	return page, nil
}

// parseNextLink reads after and limit from a links.next URL. A missing limit
// keeps the current one. Its errors quote the URL, which the caller must
// redact.
func parseNextLink(next string, limit int) (*ListAPIKeysInput, error) {
	u, err := url.Parse(next)
	if err != nil {
		return nil, fmt.Errorf("unparsable links.next %q: %w", next, err)
	}
	q := u.Query()
	out := &ListAPIKeysInput{After: q.Get("after"), Limit: limit}
	if out.After == "" {
		return nil, fmt.Errorf("links.next %q has no after parameter", next)
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("links.next %q has an invalid limit", next)
		}
		out.Limit = n
	}
	return out, nil
}

// ListAllAPIKeys lists every API key, page by page. pageSize 0 (or negative)
// means MaxPageSize, the fewest requests. A server that names the same next
// page twice is reported as an error instead of being followed forever.
func (c *Client) ListAllAPIKeys(ctx context.Context, pageSize int) ([]APIKey, error) {
	var all []APIKey
	for page, err := range c.APIKeyPages(ctx, pageSize) {
		if err != nil {
			return nil, err
		}
		all = append(all, page.Keys...)
	}
	return all, nil
}

// APIKeyPages yields the pages of the API-key list in order, fetching each
// only when the one before it has been consumed; a page's Next says
// whether another follows. pageSize 0 (or negative) means MaxPageSize. An
// error ends the sequence; it is yielded once, with a nil page. A server
// that names the same next page twice, or still names a next page after
// MaxListPages, is reported as an error instead of being followed forever.
func (c *Client) APIKeyPages(ctx context.Context, pageSize int) iter.Seq2[*APIKeyPage, error] {
	if pageSize <= 0 {
		pageSize = MaxPageSize
	}
	return func(yield func(*APIKeyPage, error) bool) {
		in := ListAPIKeysInput{Limit: pageSize}
		seen := map[string]bool{}
		for pages := 1; ; pages++ {
			page, err := c.ListAPIKeys(ctx, in)
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(page, nil) || page.Next == nil {
				return
			}
			if seen[page.Next.After] || page.Next.After == in.After {
				yield(nil, c.answerError("GET %s: the server returned the page after %q twice; stopping to avoid an endless listing", c.requestPath(apiKeysPath), page.Next.After))
				return
			}
			if pages == MaxListPages {
				yield(nil, fmt.Errorf("GET %s: the server still names a next page after %d pages (%d keys); "+
					"stopping, since a listing of every key reads at most %d pages", c.requestPath(apiKeysPath), pages, pages*pageSize, MaxListPages))
				return
			}
			seen[page.Next.After] = true
			in = *page.Next
		}
	}
}

// DeleteAPIKey revokes and deletes an API key. An unknown id comes back as an
// *Error for which IsNotFound is true, once the endpoint is known to serve
// the API-key collection (see IsWrongEndpoint); callers that only want the
// key gone treat that as success.
func (c *Client) DeleteAPIKey(ctx context.Context, id string) error {
	path, err := apiKeyPath(id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, apiRequest{method: http.MethodDelete, path: path})
	return c.confirmNotFound(ctx, err)
}

// DeleteAPIKeyOnce revokes an API key with a single attempt and no
// retries, for a key that must be revoked after the run was stopped, when
// there is no time for the retry policy's waits. Nothing else is sent: a
// 404 is judged only by what the client already learned about its
// endpoint, and where that is not enough the error is not a not-found.
func (c *Client) DeleteAPIKeyOnce(ctx context.Context, id string) error {
	path, err := apiKeyPath(id)
	if err != nil {
		return err
	}
	_, err = c.do(ctx, apiRequest{method: http.MethodDelete, path: path, once: true})
	if err == nil {
		return nil
	}
	// A context that has ended lets the endpoint check use what it knows
	// but start no request.
	ended, cancel := context.WithCancel(ctx)
	cancel()
	return c.confirmNotFound(ended, err)
}

// NewIdempotencyKey returns a fresh random idempotency key (a UUIDv4).
func NewIdempotencyKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+).
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// apiKeyPath returns the escaped path of one API key. The id is not
// validated beyond escaping, except that it must not be empty or a dot
// segment, which would address another resource.
func apiKeyPath(id string) (string, error) {
	if id == "" {
		return "", errors.New("hellgate: the API key id is empty")
	}
	seg := url.PathEscape(id)
	switch seg {
	case ".":
		seg = "%2E"
	case "..":
		seg = "%2E%2E"
	}
	return apiKeysPath + "/" + seg, nil
}

// decodeAPIKey decodes a Get response.
func (c *Client) decodeAPIKey(method, path string, resp *apiResponse) (*APIKey, error) {
	var k apiKeyJSON
	if err := json.Unmarshal(resp.body, &k); err != nil {
		return nil, c.answerError("%s %s: decoding the response: %v", method, path, err)
	}
	if k.ID == "" {
		return nil, fmt.Errorf("%s %s: the response (status %d) has no id", method, path, resp.status)
	}
	out := k.apiKey()
	return &out, nil
}

// nonNil makes a nil slice encode as [] rather than null.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
