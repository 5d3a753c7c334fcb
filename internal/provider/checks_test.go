package provider

import (
	"context"
	"fmt"
	"slices"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
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

// captureString copies a string attribute of addr into *dst, so a later
// step's PreConfig can act on it (for example revoke that key by hand).
func captureString(addr, attr string, dst *string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		vals, err := findResource(req.State, addr)
		if err != nil {
			resp.Error = err
			return
		}
		s, ok := vals[attr].(string)
		if !ok {
			resp.Error = fmt.Errorf("%s.%s is %T, not a string", addr, attr, vals[attr])
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

// keyGone checks that the key whose id *id holds no longer exists on the mock.
func (c *testCluster) keyGone(id *string) statecheck.StateCheck {
	return stateCheckFunc(func(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
		if _, ok := c.srv.Key(*id); ok {
			resp.Error = fmt.Errorf("key %s should have been revoked, but it is still on the mock", *id)
		}
	})
}
