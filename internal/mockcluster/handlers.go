package mockcluster

// Routing and the handlers of the API-key endpoints, with their JSON
// forms.

import (
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/scopes"
)

// collectionPath is the path of the API-key collection.
const collectionPath = "/api/admin/api-keys"

// op is an API operation.
type op int

const (
	opNone op = iota
	opCreate
	opList
	opGet
	opUpdate
	opDelete
)

// route is the outcome of matching a request to an operation.
type route struct {
	op    op
	id    string // the raw path segment of an item route, not yet validated
	allow string // for 405: the methods the path allows; "" when the path matched
	found bool   // false: no such path (404)
}

// matchRoute maps a method and path to an operation. Paths match exactly: a
// trailing slash or extra segment is another (unknown) path.
func matchRoute(method, path string) route {
	if path == collectionPath {
		switch method {
		case http.MethodGet:
			return route{op: opList, found: true}
		case http.MethodPost:
			return route{op: opCreate, found: true}
		}
		return route{allow: "GET, POST", found: true}
	}
	seg, ok := strings.CutPrefix(path, collectionPath+"/")
	if !ok || seg == "" || strings.Contains(seg, "/") {
		return route{}
	}
	switch method {
	case http.MethodGet:
		return route{op: opGet, id: seg, found: true}
	case http.MethodPatch:
		return route{op: opUpdate, id: seg, found: true}
	case http.MethodDelete:
		return route{op: opDelete, id: seg, found: true}
	}
	return route{allow: "GET, PATCH, DELETE", found: true}
}

// dispatch runs the operation of a matched route: credentials, then scope,
// then the operation's own validation and work.
func (s *Server) dispatch(r *http.Request, rt route) reply {
	switch {
	case !rt.found:
		return errorReply(routeNotFound())
	case rt.op == opNone:
		return methodNotAllowed(rt.allow)
	}
	cred, aerr := s.authenticate(r)
	if aerr != nil {
		return errorReply(aerr)
	}
	switch rt.op {
	case opCreate:
		return s.handleCreate(r, cred)
	case opList:
		return s.handleList(r, cred)
	case opGet:
		return s.handleGet(r, cred, rt.id)
	case opUpdate:
		return s.handleUpdate(r, cred, rt.id)
	default:
		return s.handleDelete(r, cred, rt.id)
	}
}

// createdKeyJSON is the body of a successful create: the only answer that
// carries key_value.
type createdKeyJSON struct {
	ID        string   `json:"id"`
	CreatedAt string   `json:"created_at"`
	ExpiresAt *string  `json:"expires_at,omitempty"`
	KeyValue  string   `json:"key_value"`
	Scopes    []string `json:"scopes"`
}

// keyJSON is a key as get, list and update show it: masked.
type keyJSON struct {
	ID             string   `json:"id"`
	CreatedAt      string   `json:"created_at"`
	ExpiresAt      *string  `json:"expires_at,omitempty"`
	MaskedKeyValue string   `json:"masked_key_value"`
	Scopes         []string `json:"scopes"`
}

// listJSON is the body of a list answer.
type listJSON struct {
	Data  []keyJSON `json:"data"`
	Links linksJSON `json:"links"`
}

// linksJSON carries next only when more keys follow.
type linksJSON struct {
	Next string `json:"next,omitempty"`
}

func expiresAtJSON(k Key) *string {
	if k.ExpiresAt == nil {
		return nil
	}
	s := formatTime(*k.ExpiresAt)
	return &s
}

func toCreatedKeyJSON(k Key) createdKeyJSON {
	return createdKeyJSON{ID: k.ID, CreatedAt: formatTime(k.CreatedAt), ExpiresAt: expiresAtJSON(k),
		KeyValue: k.KeyValue, Scopes: k.Scopes}
}

func toKeyJSON(k Key) keyJSON {
	return keyJSON{ID: k.ID, CreatedAt: formatTime(k.CreatedAt), ExpiresAt: expiresAtJSON(k),
		MaskedKeyValue: maskKeyValue(k.KeyValue), Scopes: k.Scopes}
}

// handleCreate is POST /api/admin/api-keys.
func (s *Server) handleCreate(r *http.Request, cred credential) reply {
	if aerr := authorize(cred, scopes.APIKeysCreate); aerr != nil {
		return errorReply(aerr)
	}
	if _, aerr := parseQuery(r.URL.RawQuery); aerr != nil {
		return errorReply(aerr)
	}
	idemKey, aerr := idempotencyKey(r.Header)
	if aerr != nil {
		return errorReply(aerr)
	}
	req, aerr := parseCreate(r.Body)
	if aerr != nil {
		return errorReply(aerr)
	}
	k, replayed, err := s.store.create(createParams{
		scopes:      req.Scopes,
		expiresIn:   secondsToDuration(req.ExpiresIn),
		owner:       cred.identity(),
		idemKey:     idemKey,
		fingerprint: req.fingerprint(),
	})
	if err != nil {
		return errorReply(err)
	}
	rep := jsonReply(http.StatusCreated, toCreatedKeyJSON(k))
	// The body holds a secret: keep it out of any cache.
	rep.header = http.Header{"Cache-Control": {"no-store"}}
	if replayed {
		rep.header.Set("X-Idempotent-Replayed", "true")
	}
	return rep
}

// handleList is GET /api/admin/api-keys?after=&limit=.
func (s *Server) handleList(r *http.Request, cred credential) reply {
	if aerr := authorize(cred, scopes.APIKeysRead); aerr != nil {
		return errorReply(aerr)
	}
	q, aerr := parseQuery(r.URL.RawQuery, "after", "limit")
	if aerr != nil {
		return errorReply(aerr)
	}
	limit, aerr := parseLimit(q)
	if aerr != nil {
		return errorReply(aerr)
	}
	after := ""
	if raw, ok := q["after"]; ok {
		if after, aerr = parseID(raw, "after"); aerr != nil {
			return errorReply(aerr)
		}
	}
	page, more, ok := s.store.list(after, limit)
	if !ok {
		return errorReply(badRequest("unknown_after",
			"Query parameter \"after\" names %s, which is no API key this cluster has issued.", quote(after)))
	}
	body := listJSON{Data: make([]keyJSON, 0, len(page))}
	for _, k := range page {
		body.Data = append(body.Data, toKeyJSON(k))
	}
	if more {
		body.Links.Next = s.nextLink(r, page[len(page)-1].ID, limit)
	}
	return jsonReply(http.StatusOK, body)
}

// nextLink builds links.next: an absolute URL on the request's host, http
// unless X-Forwarded-Proto (or TLS) says https. With PublishedNextLinks it
// drops the /api prefix, as the published example does.
func (s *Server) nextLink(r *http.Request, lastID string, limit int) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := strings.ToLower(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0])); p == "http" || p == "https" {
		scheme = p
	}
	path := collectionPath
	if s.publishedNextLinks {
		path = strings.TrimPrefix(collectionPath, "/api")
	}
	u := url.URL{
		Scheme:   scheme,
		Host:     requestHost(r),
		Path:     path,
		RawQuery: "after=" + url.QueryEscape(lastID) + "&limit=" + strconv.Itoa(limit),
	}
	return u.String()
}

// requestHost is the host the client addressed: the Host header, or, for an
// HTTP/1.0 request without one, the address the connection arrived on.
func requestHost(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return a.String()
	}
	return "localhost"
}

// handleGet is GET /api/admin/api-keys/{id}.
func (s *Server) handleGet(r *http.Request, cred credential, rawID string) reply {
	if aerr := authorize(cred, scopes.APIKeysRead); aerr != nil {
		return errorReply(aerr)
	}
	id, aerr := s.itemRequest(r, rawID)
	if aerr != nil {
		return errorReply(aerr)
	}
	k, ok := s.store.get(id)
	if !ok {
		return errorReply(notFound(id))
	}
	return jsonReply(http.StatusOK, toKeyJSON(k))
}

// handleUpdate is PATCH /api/admin/api-keys/{id}: it replaces the scopes.
func (s *Server) handleUpdate(r *http.Request, cred credential, rawID string) reply {
	if aerr := authorize(cred, scopes.APIKeysUpdate); aerr != nil {
		return errorReply(aerr)
	}
	id, aerr := s.itemRequest(r, rawID)
	if aerr != nil {
		return errorReply(aerr)
	}
	list, aerr := parseUpdate(r.Body)
	if aerr != nil {
		return errorReply(aerr)
	}
	k, err := s.store.updateScopes(id, list)
	if err != nil {
		return errorReply(err)
	}
	return jsonReply(http.StatusOK, toKeyJSON(k))
}

// handleDelete is DELETE /api/admin/api-keys/{id}. A request body is ignored.
func (s *Server) handleDelete(r *http.Request, cred credential, rawID string) reply {
	if aerr := authorize(cred, scopes.APIKeysDelete); aerr != nil {
		return errorReply(aerr)
	}
	id, aerr := s.itemRequest(r, rawID)
	if aerr != nil {
		return errorReply(aerr)
	}
	if err := s.store.remove(id); err != nil {
		return errorReply(err)
	}
	return reply{status: http.StatusNoContent}
}

// itemRequest validates what the item routes share: no query parameters and
// a UUID in the path.
func (s *Server) itemRequest(r *http.Request, rawID string) (string, *apiError) {
	if _, aerr := parseQuery(r.URL.RawQuery); aerr != nil {
		return "", aerr
	}
	return parseID(rawID, "id")
}
