// The targets the report checks (hellgate against the floor, and the
// requests per key), and the lower bound the latency runs are compared with.

package main

import (
	"fmt"
	"math"
	"time"
)

// The targets: hellgate measured against the floor.
const (
	targetN             = 500  // N of the timing targets without latency, and of the memory target
	targetLatencyN      = 200  // N of the timing targets with latency
	targetFloorRatio    = 1.10 // apply, no-change plan, destroy: at most this times the floor
	targetRSSRatio      = 1.05 // peak provider RSS: at most this times the floor's
	requestsPerListPage = 100
)

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

// targets checks the targets against what was measured; targets for an N
// that was not measured are left out.
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
					name:     fmt.Sprintf("%s, N=%d%s", want.name, n, b.latencySuffix(mode)),
					measured: fmt.Sprintf("%d POST, %d GET, %d list, %d PATCH, %d DELETE", s.reqs.Create, s.reqs.Get, s.reqs.List, s.reqs.Update, s.reqs.Delete),
					met:      s.reqs == want.reqs && !s.reqsVar,
				})
			}
		}
	}
	for _, at := range []struct {
		mode string
		n    int
	}{{modePlain, targetN}, {modeLatency, targetLatencyN}} {
		for _, op := range []string{opApply, opPlan, opDestroy} {
			h := b.results.summary(key{at.mode, at.n, kindHellgate, op})
			f := b.results.summary(key{at.mode, at.n, kindFloor, op})
			if !h.ok || !f.ok {
				continue
			}
			ratio := h.wall.Seconds() / f.wall.Seconds()
			out = append(out, target{
				name:     fmt.Sprintf("%s at N=%d%s: at most %.2fx the floor", opLabel(op), at.n, b.latencySuffix(at.mode), targetFloorRatio),
				measured: fmt.Sprintf("%.2fx (%s vs %s)", ratio, secs(h.wall), secs(f.wall)),
				met:      ratio <= targetFloorRatio,
			})
		}
	}
	if h, f := b.results.peakRSS(targetN, kindHellgate), b.results.peakRSS(targetN, kindFloor); h > 0 && f > 0 {
		ratio := float64(h) / float64(f)
		out = append(out, target{
			name:     fmt.Sprintf("provider peak RSS at N=%d: at most %.2fx the floor's", targetN, targetRSSRatio),
			measured: fmt.Sprintf("%.2fx (%s vs %s, the largest process of any run)", ratio, mib(h), mib(f)),
			met:      ratio <= targetRSSRatio,
		})
	}
	return out
}

// latencySuffix names the latency of a mode for a target: "" or ", with
// 20ms latency".
func (b *bench) latencySuffix(mode string) string {
	if mode == modeLatency {
		return fmt.Sprintf(", with %s latency", b.opts.latency)
	}
	return ""
}
