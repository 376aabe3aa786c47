package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// BenchmarkTokenWarm measures Token on a cached, fresh token: the cost every
// API call pays. CachedSource is the generic cache; WeChatTokenSource is the
// WeChat source on top of it, warmed once against the fake WeChat server.
func BenchmarkTokenWarm(b *testing.B) {
	b.Run("source=CachedSource", func(b *testing.B) {
		src, err := auth.NewCachedSource(auth.CacheConfig{Key: "bench:warm", Fetch: func(context.Context, bool) (auth.Token, error) {
			return auth.NewToken("ACCESS_TOKEN", time.Hour, time.Now()), nil
		}})
		if err != nil {
			b.Fatal(err)
		}
		benchWarmToken(b, src)
	})
	b.Run("source=WeChatTokenSource", func(b *testing.B) {
		srv := logisticstest.NewServer()
		b.Cleanup(srv.Close)
		src, err := srv.TokenSource()
		if err != nil {
			b.Fatal(err)
		}
		benchWarmToken(b, src)
		if n := srv.TokenFetches(); n != 1 {
			b.Fatalf("the fake issued %d tokens, want 1", n)
		}
	})
}

func benchWarmToken(b *testing.B, src auth.TokenSource) {
	ctx := context.Background()
	if _, err := src.Token(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := src.Token(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTokenColdStampede starts 1000 goroutines on an empty cache per
// iteration and reports how many fetches they caused (fetches/op, ideally 1).
func BenchmarkTokenColdStampede(b *testing.B) {
	ctx := context.Background()
	var fetches atomic.Int64
	b.ReportAllocs()
	for b.Loop() {
		src, err := auth.NewCachedSource(auth.CacheConfig{Key: "bench:cold", Fetch: func(context.Context, bool) (auth.Token, error) {
			fetches.Add(1)
			time.Sleep(time.Millisecond) // a token endpoint is never instant
			return auth.NewToken("ACCESS_TOKEN", time.Hour, time.Now()), nil
		}})
		if err != nil {
			b.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 1000 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				if _, err := src.Token(ctx); err != nil {
					b.Error(err)
				}
			}()
		}
		close(start)
		wg.Wait()
	}
	b.ReportMetric(float64(fetches.Load())/float64(b.N), "fetches/op")
}
