// The samples: one per Terraform run, keyed by mode, N, kind of resource and
// operation, and the medians and per-key request counts the report shows.

package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// key names one measurement.
type key struct {
	mode string
	n    int
	kind string
	op   string
}

// sample is one Terraform run.
type sample struct {
	wall    time.Duration
	reqs    requests
	maxRSS  int64   // KiB, the largest provider process
	cpu     float64 // seconds, all provider processes
	mockCPU float64 // seconds
}

type results map[key][]sample

func (r results) add(k key, s sample) { r[k] = append(r[k], s) }

// summary is what the report shows of one measurement's samples.
type summary struct {
	ok      bool
	wall    time.Duration // median
	reqs    requests      // the run with the most requests
	reqsVar bool          // the runs did not all send the same requests
	maxRSS  int64         // largest
	cpu     float64       // median
	mockCPU float64       // median
}

func (r results) summary(k key) summary {
	ss := r[k]
	if len(ss) == 0 {
		return summary{}
	}
	walls := make([]float64, len(ss))
	cpus := make([]float64, len(ss))
	mocks := make([]float64, len(ss))
	s := summary{ok: true, reqs: ss[0].reqs}
	for i, x := range ss {
		walls[i], cpus[i], mocks[i] = float64(x.wall), x.cpu, x.mockCPU
		s.maxRSS = max(s.maxRSS, x.maxRSS)
		if x.reqs != ss[0].reqs {
			s.reqsVar = true
			if x.reqs.total() > s.reqs.total() {
				s.reqs = x.reqs
			}
		}
	}
	s.wall = time.Duration(median(walls))
	s.cpu, s.mockCPU = median(cpus), median(mocks)
	return s
}

func median(v []float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

func (r requests) total() int64 { return r.Create + r.Get + r.List + r.Update + r.Delete }

// perKey renders requests divided by n, e.g. "1.00 GET + 1.00 DELETE".
func (r requests) perKey(n int) string {
	var parts []string
	for _, c := range []struct {
		name string
		v    int64
	}{{"POST", r.Create}, {"GET", r.Get}, {"list", r.List}, {"PATCH", r.Update}, {"DELETE", r.Delete}} {
		if c.v != 0 {
			parts = append(parts, fmt.Sprintf("%.2f %s", float64(c.v)/float64(n), c.name))
		}
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, " + ")
}

// peakRSS is the largest peak of any provider process of kind, in any mode
// and operation at n, in KiB; 0 when there is none.
func (r results) peakRSS(n int, kind string) int64 {
	var peak int64
	for k, ss := range r {
		if k.n == n && k.kind == kind {
			for _, s := range ss {
				peak = max(peak, s.maxRSS)
			}
		}
	}
	return peak
}
