// The targets the report checks, and the lower bound the latency runs are
// compared with.

package main

import (
	"fmt"
	"math"
	"time"
)

// Targets of issue G.
const (
	targetN             = 500
	targetApplyRatio    = 1.65
	targetPlanRatio     = 3.8
	targetDestroyRatio  = 1.4
	targetLatencyN      = 100
	targetLatencyRatio  = 1.3
	targetMaxRSSMiB     = 64
	requestsPerListPage = 100
)

var ratioTargets = map[string]float64{opApply: targetApplyRatio, opPlan: targetPlanRatio, opDestroy: targetDestroyRatio}

// lowerBound is the baseline plus the rounds of requests the operation
// cannot avoid: one per key (destroy: a refresh, then the delete).
func (b *bench) lowerBound(base time.Duration, n int, op string) time.Duration {
	rounds := 1
	if op == opDestroy {
		rounds = 2
	}
	waves := math.Ceil(float64(n) / float64(b.opts.parallelism))
	return base + time.Duration(float64(rounds)*waves*float64(b.opts.latency))
}

type target struct {
	name, measured string
	met            bool
}

// targets checks issue G's targets against what was measured; targets for
// an N that was not measured are left out.
func (b *bench) targets() []target {
	var out []target
	// Requests: exactly one per key and operation, at every N measured.
	for _, mode := range []string{modePlain, modeLatency} {
		ns := b.opts.ns
		if mode == modeLatency {
			ns = b.opts.latencyNs
		}
		for _, n := range ns {
			for _, want := range []struct {
				op   string
				reqs requests
				name string
			}{
				{opApply, requests{Create: int64(n)}, "apply: 1 POST per key, nothing else"},
				{opPlan, requests{Get: int64(n)}, "no-change plan: 1 GET per key, nothing else"},
				{opDestroy, requests{Get: int64(n), Delete: int64(n)}, "destroy: 1 DELETE per key (plus Terraform's refresh, 1 GET per key), nothing else"},
				{opList, requests{List: int64(math.Ceil(float64(n) / requestsPerListPage))}, "list data source: ceil(N/100) list requests"},
			} {
				s := b.results.summary(key{mode, n, kindHellgate, want.op})
				if !s.ok {
					continue
				}
				out = append(out, target{
					name:     fmt.Sprintf("%s, N=%d%s", want.name, n, modeSuffix(mode)),
					measured: fmt.Sprintf("%d POST, %d GET, %d list, %d PATCH, %d DELETE", s.reqs.Create, s.reqs.Get, s.reqs.List, s.reqs.Update, s.reqs.Delete),
					met:      s.reqs == want.reqs && !s.reqsVar,
				})
			}
		}
	}
	for _, op := range []string{opApply, opPlan, opDestroy} {
		h := b.results.summary(key{modePlain, targetN, kindHellgate, op})
		base := b.results.summary(key{modePlain, targetN, kindBaseline, op})
		if !h.ok || !base.ok {
			continue
		}
		ratio := h.wall.Seconds() / base.wall.Seconds()
		out = append(out, target{
			name:     fmt.Sprintf("%s at N=%d, no latency: at most %.2fx terraform_data", opLabel(op), targetN, ratioTargets[op]),
			measured: fmt.Sprintf("%.2fx (%s vs %s)", ratio, secs(h.wall), secs(base.wall)),
			met:      ratio <= ratioTargets[op],
		})
	}
	if h, base := b.results.summary(key{modeLatency, targetLatencyN, kindHellgate, opApply}),
		b.results.summary(key{modeLatency, targetLatencyN, kindBaseline, opApply}); h.ok && base.ok {
		bound := b.lowerBound(base.wall, targetLatencyN, opApply)
		ratio := h.wall.Seconds() / bound.Seconds()
		out = append(out, target{
			name: fmt.Sprintf("apply at N=%d with %s latency, -parallelism=%d: at most %.1fx the lower bound",
				targetLatencyN, b.opts.latency, b.opts.parallelism, targetLatencyRatio),
			measured: fmt.Sprintf("%.2fx (%s vs %s)", ratio, secs(h.wall), secs(bound)),
			met:      ratio <= targetLatencyRatio,
		})
	}
	var peak int64
	found := false
	for k, ss := range b.results {
		if k.n == targetN && k.kind == kindHellgate {
			found = true
			for _, s := range ss {
				peak = max(peak, s.maxRSS)
			}
		}
	}
	if found {
		out = append(out, target{
			name:     fmt.Sprintf("provider peak memory at N=%d: under %d MiB", targetN, targetMaxRSSMiB),
			measured: mib(peak) + " (largest provider process of any run)",
			met:      peak < targetMaxRSSMiB<<10,
		})
	}
	return out
}
