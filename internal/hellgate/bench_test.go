package hellgate_test

// Benchmarks of the client's hot paths against the in-process mock cluster
// over real loopback HTTP, with allocations per operation:
//
//	go test -run '^$' -bench . -benchmem ./internal/hellgate/
//
// make bench runs them and puts the figures in BENCHMARKS.md. They measure
// the client and the mock together; conns/op counts the TCP connections the
// server accepted per operation, which shows whether keep-alive connections
// are reused (0 once warm) or opened afresh.

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/starfish-codes/terraform-provider-hellgate/internal/hellgate"
	"github.com/starfish-codes/terraform-provider-hellgate/internal/mockcluster"
)

// benchMock starts a mock cluster and a client that uses the package's
// default transport, as the provider does. It returns a counter of the
// connections the server accepted.
func benchMock(b *testing.B) (*hellgate.Client, *atomic.Int64) {
	b.Helper()
	srv, err := mockcluster.New(mockcluster.Options{AdminToken: adminToken})
	if err != nil {
		b.Fatalf("mockcluster.New: %v", err)
	}
	conns := new(atomic.Int64)
	ts := httptest.NewUnstartedServer(srv)
	ts.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	b.Cleanup(ts.Close)
	c, err := hellgate.New(hellgate.Config{
		BaseURL:    ts.URL,
		AdminToken: adminToken,
		MaxRetries: hellgate.DefaultMaxRetries,
	})
	if err != nil {
		b.Fatalf("hellgate.New: %v", err)
	}
	return c, conns
}

func benchCreate(b *testing.B, c *hellgate.Client) *hellgate.APIKey {
	b.Helper()
	k, err := c.CreateAPIKey(b.Context(), hellgate.CreateAPIKeyInput{Scopes: []string{"pci:tokens:read"}})
	if err != nil {
		b.Fatalf("CreateAPIKey: %v", err)
	}
	return k
}

// reportConns reports the connections opened during the timed loop.
func reportConns(b *testing.B, conns *atomic.Int64, before int64) {
	b.ReportMetric(float64(conns.Load()-before)/float64(b.N), "conns/op")
}

func BenchmarkCreateAPIKey(b *testing.B) {
	c, conns := benchMock(b)
	benchCreate(b, c) // warm the connection
	b.ReportAllocs()
	before := conns.Load()
	b.ResetTimer()
	for range b.N {
		benchCreate(b, c)
	}
	b.StopTimer()
	reportConns(b, conns, before)
}

func BenchmarkGetAPIKey(b *testing.B) {
	c, conns := benchMock(b)
	id := benchCreate(b, c).ID
	ctx := b.Context()
	b.ReportAllocs()
	before := conns.Load()
	b.ResetTimer()
	for range b.N {
		if _, err := c.GetAPIKey(ctx, id); err != nil {
			b.Fatalf("GetAPIKey: %v", err)
		}
	}
	b.StopTimer()
	reportConns(b, conns, before)
}

// BenchmarkGetAPIKeyParallel reads keys from 10 goroutines at once, as
// Terraform's default -parallelism=10 refreshes them.
func BenchmarkGetAPIKeyParallel(b *testing.B) {
	c, conns := benchMock(b)
	ids := make([]string, 10)
	for i := range ids {
		ids[i] = benchCreate(b, c).ID
	}
	ctx := b.Context()
	var next atomic.Int64
	b.ReportAllocs()
	before := conns.Load()
	b.SetParallelism(max(1, 10/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		id := ids[int(next.Add(1))%len(ids)]
		for pb.Next() {
			if _, err := c.GetAPIKey(ctx, id); err != nil {
				b.Errorf("GetAPIKey: %v", err)
				return
			}
		}
	})
	b.StopTimer()
	reportConns(b, conns, before)
}

func BenchmarkDeleteAPIKey(b *testing.B) {
	c, conns := benchMock(b)
	ctx := b.Context()
	ids := make([]string, b.N)
	for i := range ids {
		ids[i] = benchCreate(b, c).ID
	}
	b.ReportAllocs()
	before := conns.Load()
	b.ResetTimer()
	for _, id := range ids {
		if err := c.DeleteAPIKey(ctx, id); err != nil {
			b.Fatalf("DeleteAPIKey: %v", err)
		}
	}
	b.StopTimer()
	reportConns(b, conns, before)
}

// BenchmarkListAllAPIKeys250 lists 250 keys: three pages of 100.
func BenchmarkListAllAPIKeys250(b *testing.B) {
	c, conns := benchMock(b)
	for range 250 {
		benchCreate(b, c)
	}
	ctx, cancel := context.WithTimeout(b.Context(), time.Hour)
	defer cancel()
	b.ReportAllocs()
	before := conns.Load()
	b.ResetTimer()
	for range b.N {
		keys, err := c.ListAllAPIKeys(ctx, 0)
		if err != nil {
			b.Fatalf("ListAllAPIKeys: %v", err)
		}
		if len(keys) != 250 {
			b.Fatalf("ListAllAPIKeys returned %d keys, want 250", len(keys))
		}
	}
	b.StopTimer()
	reportConns(b, conns, before)
}
