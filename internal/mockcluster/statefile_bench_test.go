package mockcluster

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/clock"
)

// BenchmarkStateFileWrite measures one change written to the state file (a
// create with an idempotency key, or a delete, alternating) after n keys
// have been made, half of them deleted since. A change's cost must not grow
// with n. Run it with at least 2n iterations (-benchtime 25000x), so that
// the figure includes the compactions that rewrite the whole state.
func BenchmarkStateFileWrite(b *testing.B) {
	for _, n := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			clk := clock.NewFake(epoch)
			// Made in memory, then written once: the history, not its cost.
			st := newStore(clk.Now, "", 0)
			for i := range n {
				k, _, err := st.create(createParams{scopes: []string{"pci:tokens:read"}})
				if err != nil {
					b.Fatal(err)
				}
				if i%2 == 0 {
					if err := st.remove(k.ID); err != nil {
						b.Fatal(err)
					}
				}
			}
			st.file = filepath.Join(b.TempDir(), "state.json")
			if _, _, err := st.create(createParams{scopes: []string{"pci:tokens:read"}}); err != nil {
				b.Fatal(err)
			}
			clk.Advance(time.Second)

			b.ReportAllocs()
			var last string
			i := 0
			for b.Loop() {
				if i%2 == 0 {
					k, _, err := st.create(createParams{scopes: []string{"pci:tokens:read"}, owner: "admin",
						idemKey: fmt.Sprintf("bench-%d", i), fingerprint: "f"})
					if err != nil {
						b.Fatal(err)
					}
					last = k.ID
				} else if err := st.remove(last); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
