package mockcluster

import (
	"net/http"
	"testing"
	"time"
)

// Every answer's Date header tells the cluster's time, by the clock that
// stamps created_at, not the system clock: clients measure how far the
// cluster's clock is from theirs by it.
func TestDateHeaderFollowsTheClock(t *testing.T) {
	h := newHarness(t)
	h.clock.Advance(90*time.Minute + 1500*time.Millisecond)
	for _, res := range []response{
		h.do("POST", "/api/admin/api-keys", `{"scopes":["pci:tokens:read"]}`, admin...),
		h.do("GET", "/api/admin/api-keys", "", admin...),
		h.do("GET", "/api/admin/api-keys/not-a-uuid", "", admin...),
		h.do("GET", "/nowhere", ""),
	} {
		got, err := http.ParseTime(res.header.Get("Date"))
		if want := epoch.Add(90*time.Minute + time.Second); err != nil || !got.Equal(want) {
			t.Errorf("answer %d: Date %q, want %s", res.status, res.header.Get("Date"), want.Format(http.TimeFormat))
		}
	}
}
