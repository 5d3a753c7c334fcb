// Package mockcluster is an in-memory stand-in for a Hellgate Guardian
// cluster's API-key endpoints, as described in the project's API notes.
//
// A Server is an http.Handler: tests mount it on an httptest.Server, and the
// hellgate-mock command serves it on a port. It checks credentials and scopes
// as Guardian does, validates every request strictly, supports idempotent
// creates, lets keys expire on an injectable clock (package clock), can keep its state in a
// file across restarts, and can inject faults (5xx, 429, dropped
// connections, latency), drawn at random or played from a script, to
// exercise a client's retries.
//
// Every answer carries a unique x-request-id header. Errors have the body
// {"code": "<snake_case>", "message": "<sentence>"} and Content-Type
// application/json. Checks run in this order: route (404, 405), faults,
// credentials (401), scope (403), validation (400), existence (404),
// idempotency (409).
//
// Where the API reference is silent, the mock chooses as follows:
//
//   - Both x-api-key and x-admin-token, or either header twice: 400
//     ambiguous_credentials, rather than guessing which was meant.
//   - Idempotency records are kept 24 hours per credential ("admin", or the
//     API key's id): the same x-idempotency-key sent with another credential
//     is a different record. Bodies compare after parsing; the order of the
//     scopes matters, absent and null expires_in are the same.
//   - expires_in must be an integer literal: 60.0 and 6e1 are rejected.
//   - Unknown query parameters, and a parameter given twice, are rejected
//     (400), like unknown body fields; an empty after or limit is invalid.
//   - The id of a deleted key remains a valid after cursor for at least 24
//     hours, so a client paging while keys are deleted still gets the rest
//     of the list; an id never issued (or deleted long ago) is 400
//     unknown_after.
//   - Ids in paths compare case-insensitively; any well-formed UUID is a
//     valid id (unknown ones are 404).
//   - The request's Content-Type is not checked, so that a plain
//     "curl -d" works.
//
// Besides the API, GET /_mock/stats (admin token only, never faulted)
// reports request and fault counters.
package mockcluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

// Options configures a Server.
type Options struct {
	// AdminToken is the x-admin-token that may do everything. Required.
	AdminToken string
	// Clock is the clock for creation times, expiry and the idempotency
	// window; nil means the system clock. Latency faults wait on real time
	// whatever the clock, since they stand for a slow network.
	Clock clock.Clock
	// Faults is the initial fault injection; the zero value injects none.
	Faults Faults
	// StateFile, when set, keeps keys and idempotency records across
	// restarts: loaded by New; each change is appended to it and synced
	// before it is answered, and it is compacted from time to time, so
	// that a change costs the same however many keys were ever made.
	// A lock file beside the file itself, symbolic links resolved (the
	// file's real path + ".lock"), keeps a second mock off it until
	// Close, whatever path that mock is given to it. "" means in memory
	// only.
	StateFile string
	// PublishedNextLinks makes links.next take the form of the published
	// example, without the /api prefix, so that client tests can prove they
	// do not follow the URL blindly.
	PublishedNextLinks bool
	// IdempotencyTTL is how long a create is remembered under its
	// x-idempotency-key; 0 means 24 hours. Tests shorten it to play a
	// Hellgate that forgets sooner.
	IdempotencyTTL time.Duration
	// Logger receives one line per request (never a secret); nil means none.
	Logger *log.Logger
}

// Server is the mock cluster. Its methods are safe for concurrent use.
type Server struct {
	now                func() time.Time // the cluster's clock
	adminToken         string
	logger             *log.Logger
	publishedNextLinks bool
	store              *store
	faults             *faultInjector
	counters           counters
}

// New returns a Server, loading opts.StateFile when it exists. With a state
// file, it takes the file's lock first and fails, naming the file, if
// another mock holds it; Close releases it.
func New(opts Options) (*Server, error) {
	if opts.AdminToken == "" {
		return nil, errors.New("mockcluster: Options.AdminToken is required")
	}
	if err := opts.Faults.validate(); err != nil {
		return nil, err
	}
	now := clock.OrReal(opts.Clock).Now
	s := &Server{
		now:                now,
		adminToken:         opts.AdminToken,
		logger:             opts.Logger,
		publishedNextLinks: opts.PublishedNextLinks,
		store:              newStore(now, opts.StateFile, opts.IdempotencyTTL),
		faults:             newFaultInjector(opts.Faults),
	}
	if err := s.store.lock(); err != nil {
		return nil, fmt.Errorf("mockcluster: %w", err)
	}
	if err := s.store.load(); err != nil {
		_ = s.store.close()
		return nil, fmt.Errorf("mockcluster: %w", err)
	}
	return s, nil
}

// Close closes the state file and releases its lock, so that another mock
// may use it; changes after Close answer 500 and change nothing. A Server
// without a state file holds nothing to release and goes on as before.
func (s *Server) Close() error {
	return s.store.close()
}

// SetFaults replaces the fault injection at run time and reseeds its random
// source with f.Seed. Settings out of range are clamped into it (rates to
// 0..1, negative durations to 0); New, by contrast, rejects them.
func (s *Server) SetFaults(f Faults) {
	s.faults.set(f)
}

// reply is a complete answer, built before anything is sent, so that a
// dropped connection can discard it.
type reply struct {
	status int
	header http.Header // extra headers; may be nil
	body   []byte      // nil for no body
}

// jsonReply encodes v as the body of a reply.
func jsonReply(status int, v any) reply {
	body, err := json.Marshal(v)
	if err != nil {
		// Only the package's own types are encoded here; this cannot happen.
		return errorReply(newError(http.StatusInternalServerError, "internal_error", "The mock failed to encode its answer."))
	}
	return reply{status: status, body: append(body, '\n')}
}

// errorReply renders an error as {"code", "message"}.
func errorReply(err error) reply {
	aerr, ok := errorsAs(err)
	if !ok {
		aerr = newError(http.StatusInternalServerError, "internal_error", "The mock failed: %v.", err)
	}
	return jsonReply(aerr.status, map[string]string{"code": aerr.code, "message": aerr.message})
}

// write sends a reply.
func (rep reply) write(w http.ResponseWriter) {
	for name, vs := range rep.header {
		for _, v := range vs {
			w.Header().Add(name, v)
		}
	}
	if rep.body != nil {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(rep.body)))
	}
	w.WriteHeader(rep.status)
	if rep.body != nil {
		_, _ = w.Write(rep.body)
	}
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	reqID := newUUID()
	w.Header().Set("X-Request-Id", reqID)
	// The Date header tells the cluster's time, by the clock that stamps
	// created_at (net/http would otherwise send the system clock's).
	w.Header().Set("Date", s.now().UTC().Format(http.TimeFormat))

	var rep reply
	fault := faultNone
	switch p := r.URL.Path; {
	case p == "/api" || strings.HasPrefix(p, "/api/"):
		rep, fault = s.serveAPI(r)
	case p == "/_mock" || strings.HasPrefix(p, "/_mock/"):
		rep = s.serveMock(r)
	default:
		rep = errorReply(routeNotFound())
	}

	if fault == faultDrop {
		s.logRequest(r, reqID, 0, fault, start)
		dropConnection(w)
		return
	}
	rep.write(w)
	s.logRequest(r, reqID, rep.status, fault, start)
}

// serveAPI answers a request under /api/, with fault injection.
func (s *Server) serveAPI(r *http.Request) (reply, faultKind) {
	rt := matchRoute(r.Method, r.URL.Path)
	s.counters.countRequest(rt.op)

	kind, status, cfg := s.faults.decide()
	// Latency waits on real time whatever s's clock: it stands for a slow
	// network, not for time passing in the cluster.
	if cfg.Latency > 0 && clock.Real().Sleep(r.Context(), cfg.Latency) != nil {
		// The client went away during the latency; nothing was done.
		return errorReply(newError(http.StatusServiceUnavailable, "canceled", "The request was canceled.")), faultNone
	}
	switch kind {
	case faultError:
		s.counters.faultError.Add(1)
		return errorReply(newError(status, "injected_fault",
			"The mock injected a %d%s; nothing was done.", status, httpStatusText(status))), kind
	case faultThrottle:
		s.counters.faultThrottle.Add(1)
		rep := errorReply(newError(http.StatusTooManyRequests, "too_many_requests",
			"Too many requests (injected by the mock); retry after the Retry-After delay."))
		rep.header = http.Header{"Retry-After": {strconv.FormatInt(cfg.retryAfterSeconds(), 10)}}
		return rep, kind
	case faultDrop:
		s.counters.faultDrop.Add(1)
	}
	return s.dispatch(r, rt), kind
}

// serveMock answers the mock's own endpoints under /_mock/, which are never
// faulted.
func (s *Server) serveMock(r *http.Request) reply {
	if r.URL.Path != "/_mock/stats" {
		return errorReply(routeNotFound())
	}
	if r.Method != http.MethodGet {
		return methodNotAllowed("GET")
	}
	// Only the admin token may read the stats; an x-api-key is ignored.
	if vs := r.Header.Values("X-Admin-Token"); len(vs) != 1 || !s.isAdminToken(vs[0]) {
		return errorReply(newError(http.StatusUnauthorized, "unauthorized",
			"The mock's stats need a valid x-admin-token."))
	}
	return jsonReply(http.StatusOK, s.Stats())
}

func routeNotFound() *apiError {
	return newError(http.StatusNotFound, "not_found", "No such route; the API-key endpoints are under /api/admin/api-keys.")
}

func methodNotAllowed(allow string) reply {
	rep := errorReply(newError(http.StatusMethodNotAllowed, "method_not_allowed",
		"This method is not allowed here; allowed: %s.", allow))
	rep.header = http.Header{"Allow": {allow}}
	return rep
}

// logRequest writes one line about a finished request. It logs the method,
// a path with anything but known literals and UUIDs redacted (so a secret
// pasted into a URL does not end up in the log), the status and the fault;
// never headers, query strings or bodies.
func (s *Server) logRequest(r *http.Request, reqID string, status int, fault faultKind, start time.Time) {
	if s.logger == nil {
		return
	}
	outcome := strconv.Itoa(status)
	if fault == faultDrop {
		outcome = "dropped"
	}
	line := r.Method + " " + redactPath(r.URL.Path) + " " + outcome +
		" " + time.Since(start).Round(time.Microsecond).String() + " request_id=" + reqID
	if fault != faultNone {
		line += " fault=" + fault.String()
	}
	s.logger.Print(line)
}

// redactPath keeps the path segments that are part of a known route or a
// UUID and replaces the others with "*".
func redactPath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		switch seg {
		case "", "api", "admin", "api-keys", "_mock", "stats":
		default:
			if !validUUID(seg) {
				segs[i] = "*"
			}
		}
	}
	return strings.Join(segs, "/")
}

// counters are the request and fault counters behind Stats.
type counters struct {
	create, get, list, update, delete    atomic.Int64
	faultError, faultThrottle, faultDrop atomic.Int64
}

func (c *counters) countRequest(o op) {
	switch o {
	case opCreate:
		c.create.Add(1)
	case opGet:
		c.get.Add(1)
	case opList:
		c.list.Add(1)
	case opUpdate:
		c.update.Add(1)
	case opDelete:
		c.delete.Add(1)
	}
}

// Stats is the body of GET /_mock/stats.
type Stats struct {
	Requests RequestStats `json:"requests"`
	Faults   FaultStats   `json:"faults"`
	LiveKeys int          `json:"live_keys"`
}

// RequestStats counts the requests received for each operation, faulted or
// not, authenticated or not. Requests to no operation (unknown routes, wrong
// methods) are not counted.
type RequestStats struct {
	Create int64 `json:"create"`
	Get    int64 `json:"get"`
	List   int64 `json:"list"`
	Update int64 `json:"update"`
	Delete int64 `json:"delete"`
}

// FaultStats counts the injected faults of each kind, scripted or drawn,
// and the script steps not yet used.
type FaultStats struct {
	Error      int64 `json:"error"`
	Throttle   int64 `json:"throttle"`
	Drop       int64 `json:"drop"`
	ScriptLeft int   `json:"script_left"`
}

// Stats returns the counters and the number of live keys (not deleted,
// expired ones included).
func (s *Server) Stats() Stats {
	c := &s.counters
	return Stats{
		Requests: RequestStats{
			Create: c.create.Load(), Get: c.get.Load(), List: c.list.Load(),
			Update: c.update.Load(), Delete: c.delete.Load(),
		},
		Faults: FaultStats{
			Error: c.faultError.Load(), Throttle: c.faultThrottle.Load(), Drop: c.faultDrop.Load(),
			ScriptLeft: s.faults.scriptLeft(),
		},
		LiveKeys: s.store.liveCount(),
	}
}
