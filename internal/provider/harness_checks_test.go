package provider

// Checks shared by the tests: state checks that hold state against the mock
// cluster, the same for the state a CLI run left, checks of what the CLI
// printed or wrote (an entry of a saved plan), and a wait for an event on
// the mock.

import (
	"archive/zip"
	"context"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/unanswered"
)

var (
	uuidRegexp    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	rfc3339Regexp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$`)
)

// findResource returns the values of the managed resource at addr, which
// may live in a child module ("module.x.hellgate_api_key.y").
func findResource(state *tfjson.State, addr string) (map[string]any, error) {
	if state == nil || state.Values == nil {
		return nil, fmt.Errorf("no state")
	}
	var walk func(m *tfjson.StateModule) map[string]any
	walk = func(m *tfjson.StateModule) map[string]any {
		if m == nil {
			return nil
		}
		for _, r := range m.Resources {
			if r.Address == addr {
				return r.AttributeValues
			}
		}
		for _, c := range m.ChildModules {
			if v := walk(c); v != nil {
				return v
			}
		}
		return nil
	}
	v := walk(state.Values.RootModule)
	if v == nil {
		return nil, fmt.Errorf("resource %s not in state", addr)
	}
	return v, nil
}

type stateCheckFunc func(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse)

func (f stateCheckFunc) CheckState(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	f(ctx, req, resp)
}

// captureString copies a string attribute of hellgate_api_key.test into
// *dst, so a later step's PreConfig can act on it (for example revoke that
// key by hand).
func captureString(attr string, dst *string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		vals, err := findResource(req.State, keyAddr)
		if err != nil {
			resp.Error = err
			return
		}
		s, ok := vals[attr].(string)
		if !ok {
			resp.Error = fmt.Errorf("%s.%s is %T, not a string", keyAddr, attr, vals[attr])
			return
		}
		*dst = s
	})
}

// matchesMock checks that the key in state is the key on the mock cluster:
// same id, scopes, timestamps and, unless imported, the same secret.
//
//nolint:unparam // takes the resource address like statecheck's own checks, for configurations with more than one key
func (c *testCluster) matchesMock(addr string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		vals, err := findResource(req.State, addr)
		if err != nil {
			resp.Error = err
			return
		}
		id, _ := vals["id"].(string)
		key, ok := c.srv.Key(id)
		if !ok {
			resp.Error = fmt.Errorf("%s: key %q from state does not exist on the mock", addr, id)
			return
		}
		var got []string
		if raw, ok := vals["scopes"].([]any); ok {
			for _, s := range raw {
				str, _ := s.(string)
				got = append(got, str)
			}
		}
		want := slices.Clone(key.Scopes)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			resp.Error = fmt.Errorf("%s: scopes in state %v, on the mock %v", addr, got, want)
			return
		}
		if kv, _ := vals["key_value"].(string); kv != "" && kv != key.KeyValue {
			resp.Error = fmt.Errorf("%s: key_value in state is not the mock's secret for key %s", addr, id)
			return
		}
		if ca, _ := vals["created_at"].(string); ca != key.CreatedAt.UTC().Format(time.RFC3339) {
			resp.Error = fmt.Errorf("%s: created_at %q, on the mock %s", addr, ca, key.CreatedAt.UTC().Format(time.RFC3339))
			return
		}
		ea, _ := vals["expires_at"].(string)
		switch {
		case key.ExpiresAt == nil && vals["expires_at"] != nil:
			resp.Error = fmt.Errorf("%s: expires_at %q, but the key never expires", addr, ea)
		case key.ExpiresAt != nil && ea != key.ExpiresAt.UTC().Format(time.RFC3339):
			resp.Error = fmt.Errorf("%s: expires_at %q, on the mock %s", addr, ea, key.ExpiresAt.UTC().Format(time.RFC3339))
		}
	})
}

// liveKeys checks how many keys are live on the mock.
func (c *testCluster) liveKeys(want int) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		if got := len(c.srv.Keys()); got != want {
			resp.Error = fmt.Errorf("expected %d live keys on the mock, found %d", want, got)
		}
	})
}

// keyLive checks that the key whose id *id holds still exists on the mock:
// a key that the provider could not name as its own must survive.
func (c *testCluster) keyLive(id *string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		if _, ok := c.srv.Key(*id); !ok {
			resp.Error = fmt.Errorf("key %s was revoked, but the provider could not know it for its own", *id)
		}
	})
}

// keyGone checks that the key whose id *id holds no longer exists on the mock.
func (c *testCluster) keyGone(id *string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		if _, ok := c.srv.Key(*id); ok {
			resp.Error = fmt.Errorf("key %s should have been revoked, but it is still on the mock", *id)
		}
	})
}

func stringSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, 0, len(values))
	for _, v := range values {
		checks = append(checks, knownvalue.StringExact(v))
	}
	return knownvalue.SetExact(checks)
}

// expiresAfter checks that the expires_at of hellgate_api_key.test is its
// created_at plus seconds.
func expiresAfter(seconds int64) statecheck.StateCheck {
	var created, expires string
	return stateCheckFunc(func(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		captureString("created_at", &created).CheckState(ctx, req, resp)
		if resp.Error != nil {
			return
		}
		captureString("expires_at", &expires).CheckState(ctx, req, resp)
		if resp.Error != nil {
			return
		}
		c, err1 := time.Parse(time.RFC3339, created)
		e, err2 := time.Parse(time.RFC3339, expires)
		if err1 != nil || err2 != nil {
			resp.Error = fmt.Errorf("timestamps do not parse: %q, %q", created, expires)
			return
		}
		if got := int64(e.Sub(c) / time.Second); got != seconds {
			resp.Error = fmt.Errorf("expires_at - created_at = %ds, want %ds", got, seconds)
		}
	})
}

// zipEntry returns the contents of f, an entry of a zip archive such as a
// saved plan, for a check to look into.
func zipEntry(t *testing.T, f *zip.File) []byte {
	t.Helper()
	r, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	_ = r.Close()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// endsCleanly ends a test of CLI runs: the next plan must be empty, and
// the destroy must leave no key on the mock.
func endsCleanly(t *testing.T, tf *terraformCLI, c *testCluster) {
	t.Helper()
	tf.planIsEmpty()
	tf.mustDestroy()
	if err := c.checkDestroyed(nil); err != nil {
		t.Fatal(err)
	}
}

// mustContain checks that Terraform's output holds each of wants, with runs
// of white space compared as one space (Terraform wraps diagnostics).
func mustContain(t *testing.T, out string, wants ...string) {
	t.Helper()
	flat := strings.Join(strings.Fields(out), " ")
	for _, w := range wants {
		if !strings.Contains(flat, strings.Join(strings.Fields(w), " ")) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

// wsRegexp compiles pattern with each space matching any run of white
// space, since Terraform wraps the diagnostics it prints.
func wsRegexp(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

// onlyLiveKey checks that the key at addr is the one live key on the mock
// and that state matches it (liveKeys(1) and matchesMock together).
//
//nolint:unparam // takes the resource address like matchesMock
func (c *testCluster) onlyLiveKey(addr string) statecheck.StateCheck {
	return stateCheckFunc(func(ctx context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		c.liveKeys(1).CheckState(ctx, req, resp)
		if resp.Error != nil {
			return
		}
		c.matchesMock(addr).CheckState(ctx, req, resp)
	})
}

// keyIDs checks that a list of keys holds exactly these ids, in this order.
func keyIDs(ids ...string) knownvalue.Check {
	items := make([]knownvalue.Check, 0, len(ids))
	for _, id := range ids {
		items = append(items, knownvalue.ObjectPartial(map[string]knownvalue.Check{"id": knownvalue.StringExact(id)}))
	}
	return knownvalue.ListExact(items)
}

// eventually waits until cond holds, failing the test if it does not
// within a minute. It is for waiting on an event (a request arriving at
// the mock), never for asserting how long something takes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s after a minute", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// stateMatchesMock checks that the keys in the working folder's state are
// exactly the live keys on the mock, none of them tainted or a
// placeholder, and returns how many there are.
func stateMatchesMock(t *testing.T, tf *terraformCLI, c *testCluster) int {
	t.Helper()
	var inState []string
	for _, r := range tf.showState() {
		if r.Type != "hellgate_api_key" {
			continue
		}
		id, _ := r.Values["id"].(string)
		if r.Tainted || unanswered.IsPlaceholderID(id) {
			t.Errorf("%s is tainted (id %s): a create was recorded as unanswered", r.Address, id)
		}
		inState = append(inState, id)
	}
	var live []string
	for _, k := range c.srv.Keys() {
		live = append(live, k.ID)
	}
	slices.Sort(inState)
	slices.Sort(live)
	if !slices.Equal(inState, live) {
		t.Errorf("state holds %d keys and the mock %d live keys; in state only: %v; on the mock only: %v",
			len(inState), len(live), missingFrom(inState, live), missingFrom(live, inState))
	}
	return len(live)
}

// missingFrom returns the elements of a that b lacks.
func missingFrom(a, b []string) []string {
	var out []string
	for _, v := range a {
		if !slices.Contains(b, v) {
			out = append(out, v)
		}
	}
	return out
}
