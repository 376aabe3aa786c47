package redisstore_test

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

// quiet drops go-redis's own log lines (each failed dial to the Redis that
// is down on purpose), which would bury the test output.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

// TestMain checks that no test leaves a goroutine behind: no waiting Lock,
// no unlock, no Redis connection.
func TestMain(m *testing.M) {
	redis.SetLogger(quiet{})
	goleak.VerifyTestMain(m)
}
