package redisstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/logistics"
)

// EventStore is a logistics.EventStore on Redis: give every process of a
// carrier's fleet an EventStore on the same Redis (and key prefix) through
// logistics.EventConfig.Store, and a push, or WeChat's retry of it, is
// answered once by the fleet, whichever process each delivery reaches.
//
//   - Claim is one SET NX PX (in a script that returns the value it found
//     instead): atomic, so of two processes claiming one push, one wins.
//     A claim carries an expiry, so one held by a process that died
//     lapses and a later delivery takes it over.
//   - Put is SET PX; Release deletes a key only while it holds the
//     caller's value (compare-and-delete, in a script).
//
// Keys are the prefix (WithPrefix, "waybill:" by default) followed by the
// handler's own key ("push:req:…" or "push:event:…", a hash): no secret is
// ever written to Redis, only hashes and the handler's outcomes (result
// codes and carrier data such as a waybill number).
//
// Errors match ErrUnavailable (and errors.Retryable holds for them) and
// name Redis, the operation and the key;
// the handler refuses the push (503) when it gets one, so WeChat tries
// again later. WithFailurePolicy does not apply: an event store that
// pretended to work would let a callback run twice. It is safe for
// concurrent use.
type EventStore struct {
	rdb    redis.UniversalClient
	addr   string
	prefix string
}

var _ logistics.EventStore = (*EventStore)(nil)

// NewEventStore returns an EventStore that talks to Redis through rdb. Of
// the options, WithPrefix applies; the others are for New's token store
// and are accepted and ignored. The store does not close rdb.
func NewEventStore(rdb redis.UniversalClient, opts ...Option) (*EventStore, error) {
	if rdb == nil {
		return nil, errors.New("redisstore: NewEventStore: nil Redis client")
	}
	cfg := config{prefix: DefaultPrefix}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	return &EventStore{rdb: rdb, addr: address(rdb), prefix: cfg.prefix}, nil
}

// claimScript sets KEYS[1] to ARGV[1] for ARGV[2] milliseconds if it is
// absent and returns false; otherwise it returns the value it holds.
var claimScript = redis.NewScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return false end
return redis.call('GET', KEYS[1])
`)

// Claim implements logistics.EventStore.
func (s *EventStore) Claim(ctx context.Context, key string, value []byte, ttl time.Duration) ([]byte, bool, error) {
	k := s.prefix + key
	cur, err := claimScript.Run(ctx, s.rdb, []string{k}, value, millis(ttl)).Text()
	if errors.Is(err, redis.Nil) {
		return nil, true, nil
	}
	if err != nil {
		return nil, false, s.failure("claim", k, err)
	}
	return []byte(cur), false, nil
}

// Put implements logistics.EventStore.
func (s *EventStore) Put(ctx context.Context, key string, value []byte, ttl time.Duration) error {
	k := s.prefix + key
	if err := s.rdb.Do(ctx, "SET", k, value, "PX", millis(ttl)).Err(); err != nil {
		return s.failure("put", k, err)
	}
	return nil
}

// Release implements logistics.EventStore: it runs the same
// compare-and-delete script as a lock's release.
func (s *EventStore) Release(ctx context.Context, key string, value []byte) error {
	k := s.prefix + key
	if err := releaseScript.Run(ctx, s.rdb, []string{k}, value).Err(); err != nil {
		return s.failure("release", k, err)
	}
	return nil
}

func millis(d time.Duration) int64 { return max(d.Milliseconds(), 1) }

func (s *EventStore) failure(op, key string, err error) error {
	return &unavailableError{fmt.Errorf("%w: event %s %s: %w", ErrUnavailable, op, key, err)}
}

// String describes the store by its Redis address and key prefix.
func (s *EventStore) String() string {
	return fmt.Sprintf("redisstore.EventStore{Addr:%s Prefix:%q}", s.addr, s.prefix)
}

// GoString is String.
func (s *EventStore) GoString() string { return s.String() }

// LogValue logs the Redis address and key prefix.
func (s *EventStore) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", s.addr), slog.String("prefix", s.prefix))
}
