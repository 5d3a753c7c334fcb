package scopes

import "testing"

func TestEscalating(t *testing.T) {
	got := Escalating([]string{"pci:tokens:read", APIKeysUpdate, APIKeysRead, APIKeysCreate})
	if len(got) != 2 || got[0].Scope != APIKeysCreate || got[1].Scope != APIKeysUpdate {
		t.Fatalf("Escalating = %+v, want create then update", got)
	}
	for _, e := range got {
		if e.Why == "" {
			t.Errorf("%s has no reason", e.Scope)
		}
	}
	if got := Escalating([]string{APIKeysRead, APIKeysDelete, "admin:types:create"}); got != nil {
		t.Errorf("Escalating of scopes that cannot mint or widen keys = %+v, want none", got)
	}
}
