package redisstore

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// unlockTimeout bounds the release of a lock. The release does not depend
// on the caller's context, which may have ended; if it fails, the lock
// expires by itself.
const unlockTimeout = 2 * time.Second

// acquireScript tries to take the lock in KEYS[1] for holder ARGV[1] for
// ARGV[2] milliseconds with SET NX PX and returns 1 if the caller holds it.
// Two repairs ride along: a holder whose earlier attempt succeeded without
// it hearing the answer gets the lock (its expiry renewed) instead of
// waiting for itself, and a lock someone left without an expiry is given
// one, so nothing can block refreshes for ever.
var acquireScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then
	redis.call('PEXPIRE', KEYS[1], ARGV[2])
	return 1
end
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`)

// releaseScript deletes the lock in KEYS[1] only if holder ARGV[1] still
// holds it: a lock that expired and was taken by another process is left to
// that process.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// Lock implements auth.Store. It takes the lock key (the token's key plus
// ":lock") with a random holder ID and the Store's lock TTL. While another
// process holds it, Lock asks again every poll interval until it gets the
// lock, the holder's lock expires, or ctx ends; it returns as soon as ctx
// ends. unlock releases the lock if, and only if, the caller still holds
// it; it may be called more than once.
//
// Under the FallBack policy, a Redis failure grants the lock at once with
// an unlock that does nothing.
func (s *Store) Lock(ctx context.Context, key string) (unlock func(), err error) {
	k, err := s.redisKey("lock", key)
	if err != nil {
		return nil, err
	}
	k += lockSuffix
	holder := rand.Text()
	ttl := s.ttl.Milliseconds()
	var timer *time.Timer
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("redisstore: lock %s: %w", k, err)
		}
		got, err := acquireScript.Run(ctx, s.rdb, []string{k}, holder, ttl).Bool()
		if err != nil {
			if ferr := s.failure(ctx, "lock", k, err, ""); ferr != nil {
				return nil, ferr
			}
			return func() {}, nil
		}
		if got {
			return s.unlocker(ctx, k, holder), nil
		}
		wait := s.jitter()
		if timer == nil {
			timer = time.NewTimer(wait)
			defer timer.Stop()
		} else {
			timer.Reset(wait)
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("redisstore: lock %s: waiting for another process's refresh: %w", k, ctx.Err())
		case <-timer.C:
		}
	}
}

// jitter returns the poll interval varied by up to a fifth either way.
func (s *Store) jitter() time.Duration {
	spread := int64(s.poll) * 2 / 5
	if spread <= 0 {
		return s.poll
	}
	return s.poll - time.Duration(spread/2) + time.Duration(mrand.Int64N(spread+1))
}

func (s *Store) unlocker(ctx context.Context, k, holder string) func() {
	ctx = context.WithoutCancel(ctx) // keep the values (tracing), not the deadline
	var once sync.Once
	return func() {
		once.Do(func() {
			uctx, cancel := context.WithTimeout(ctx, unlockTimeout)
			defer cancel()
			if err := releaseScript.Run(uctx, s.rdb, []string{k}, holder).Err(); err != nil {
				s.log.WarnContext(uctx, "redisstore: releasing the refresh lock failed; it will expire by itself",
					slog.String("key", k), slog.Duration("lock_ttl", s.ttl), slog.String("error", err.Error()))
			}
		})
	}
}
