package redisstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/auth"
)

// ErrUnavailable is matched (errors.Is) by every error a Store returns
// because Redis could not be reached or refused a command, under the Fail
// policy. The error's text starts "redisstore: redis unavailable:" and goes
// on with the operation, the Redis key and Redis's own error.
// errors.Retryable reports such errors as worth trying again later.
var ErrUnavailable = errors.New("redisstore: redis unavailable")

// lockSuffix ends the key of the lock that guards a token key.
const lockSuffix = ":lock"

// Store is an auth.Store that keeps tokens, and the right to refresh them,
// in Redis, so that every process of an app shares one token. It is safe for
// concurrent use. Build it with New.
type Store struct {
	rdb    redis.UniversalClient
	addr   string
	prefix string
	ttl    time.Duration
	poll   time.Duration
	policy FailurePolicy
	log    *slog.Logger
	now    func() time.Time
}

var _ auth.Store = (*Store)(nil)

// New returns a Store that talks to Redis through rdb: a *redis.Client,
// *redis.ClusterClient, *redis.Ring or anything else that implements
// redis.UniversalClient. The Store does not close rdb. Redis's own
// timeouts and retries are rdb's options; the Store adds none.
func New(rdb redis.UniversalClient, opts ...Option) (*Store, error) {
	if rdb == nil {
		return nil, errors.New("redisstore: New: nil Redis client")
	}
	cfg := config{
		prefix:  DefaultPrefix,
		lockTTL: DefaultLockTTL,
		poll:    DefaultPollInterval,
		policy:  Fail,
		now:     time.Now,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	return &Store{
		rdb:    rdb,
		addr:   address(rdb),
		prefix: cfg.prefix,
		ttl:    cfg.lockTTL,
		poll:   cfg.poll,
		policy: cfg.policy,
		log:    cfg.logger,
		now:    cfg.now,
	}, nil
}

// address describes where rdb connects, for String. Redis options keep
// passwords apart from addresses, so none is shown.
func address(rdb redis.UniversalClient) string {
	switch c := rdb.(type) {
	case *redis.Client:
		return c.Options().Addr
	case *redis.ClusterClient:
		return strings.Join(c.Options().Addrs, ",")
	case *redis.Ring:
		addrs := make([]string, 0, len(c.Options().Addrs))
		for _, a := range c.Options().Addrs {
			addrs = append(addrs, a)
		}
		slices.Sort(addrs)
		return strings.Join(addrs, ",")
	default:
		return fmt.Sprintf("%T", rdb)
	}
}

// record is how a token is kept in Redis: a small JSON document, so that
// redis-cli shows when a token expires.
type record struct {
	Value     string    `json:"value"`
	ExpiresAt time.Time `json:"expires_at"`
	RefreshAt time.Time `json:"refresh_at"`
}

// Key returns the Redis key under which the token for an auth key is kept:
// the prefix followed by key. The lock that guards it is Key(key)+":lock".
func (s *Store) Key(key string) string { return s.prefix + key }

func (s *Store) redisKey(op, key string) (string, error) {
	if key == "" {
		return "", fmt.Errorf("redisstore: %s: empty key", op)
	}
	if strings.HasSuffix(key, lockSuffix) {
		return "", fmt.Errorf("redisstore: %s %s: a key may not end in %q, which marks lock keys", op, key, lockSuffix)
	}
	return s.prefix + key, nil
}

// Load implements auth.Store. A key that is missing, expired in Redis or
// holds something that is not a token record is reported as not found, so
// the caller fetches a token and Save overwrites the record.
func (s *Store) Load(ctx context.Context, key string) (auth.Token, bool, error) {
	k, err := s.redisKey("load", key)
	if err != nil {
		return auth.Token{}, false, err
	}
	raw, err := s.rdb.Get(ctx, k).Bytes()
	if errors.Is(err, redis.Nil) {
		return auth.Token{}, false, nil
	}
	if err != nil {
		return auth.Token{}, false, s.failure(ctx, "load", k, err, "")
	}
	var rec record
	if err := json.Unmarshal(raw, &rec); err != nil || rec.Value == "" {
		s.log.WarnContext(ctx, "redisstore: ignoring an unreadable token record", slog.String("key", k))
		return auth.Token{}, false, nil
	}
	return auth.Token{Value: rec.Value, ExpiresAt: rec.ExpiresAt, RefreshAt: rec.RefreshAt}, true, nil
}

// Save implements auth.Store. The record expires in Redis when tok does; a
// token that has already expired is not stored. An empty value, or one that
// is not valid UTF-8, is refused.
func (s *Store) Save(ctx context.Context, key string, tok auth.Token) error {
	k, err := s.redisKey("save", key)
	if err != nil {
		return err
	}
	if tok.Value == "" {
		return fmt.Errorf("redisstore: save %s: empty token", k)
	}
	if !utf8.ValidString(tok.Value) {
		return fmt.Errorf("redisstore: save %s: token is not valid UTF-8", k)
	}
	ttl := tok.ExpiresAt.Sub(s.now()).Truncate(time.Millisecond)
	if ttl < time.Millisecond {
		return nil
	}
	raw, err := encode(record{Value: tok.Value, ExpiresAt: tok.ExpiresAt, RefreshAt: tok.RefreshAt})
	if err != nil {
		return fmt.Errorf("redisstore: save %s: encoding the record: %w", k, err)
	}
	if err := s.rdb.Do(ctx, "SET", k, raw, "PX", ttl.Milliseconds()).Err(); err != nil {
		return s.failure(ctx, "save", k, err, tok.Value)
	}
	return nil
}

// encode marshals rec without HTML escaping, so the stored value is the
// token byte for byte.
func encode(rec record) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// deleteScript removes the token record in KEYS[1] only if its value is
// ARGV[1]. A record it cannot decode is left alone.
var deleteScript = redis.NewScript(`
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local ok, rec = pcall(cjson.decode, raw)
if ok and type(rec) == 'table' and rec['value'] == ARGV[1] then
	return redis.call('DEL', KEYS[1])
end
return 0
`)

// Delete implements auth.Store: it removes the token under key only if its
// value is still value, in one atomic step on the Redis server.
func (s *Store) Delete(ctx context.Context, key, value string) error {
	k, err := s.redisKey("delete", key)
	if err != nil {
		return err
	}
	if value == "" {
		return nil
	}
	if err := deleteScript.Run(ctx, s.rdb, []string{k}, value).Err(); err != nil {
		return s.failure(ctx, "delete", k, err, value)
	}
	return nil
}

// failure turns a Redis error into what the caller gets under the Store's
// policy. A context that has ended is always reported, whatever the policy:
// the caller has given up. secret, if not empty, is removed from the text.
func (s *Store) failure(ctx context.Context, op, key string, err error, secret string) error {
	err = scrub(err, secret)
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return fmt.Errorf("redisstore: %s %s: %w", op, key, err)
	}
	if s.policy == FallBack {
		s.log.WarnContext(ctx, "redisstore: redis unavailable, falling back to a local token",
			slog.String("op", op), slog.String("key", key), slog.String("addr", s.addr), slog.String("error", err.Error()))
		return nil
	}
	return &unavailableError{fmt.Errorf("%w: %s %s: %w", ErrUnavailable, op, key, err)}
}

// unavailableError is Redis out of reach: worth trying again later.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return e.err.Error() }
func (e *unavailableError) Unwrap() error { return e.err }

// Retryable is true: errors.Retryable reports a Redis outage as worth
// another try later.
func (e *unavailableError) Retryable() bool { return true }

// scrub keeps secret out of err's text. Redis errors do not quote command
// arguments, but a reply that cannot be parsed is quoted, so be sure.
func scrub(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "REDACTED"))
}

// String describes the Store by its Redis address and key prefix.
func (s *Store) String() string {
	return fmt.Sprintf("redisstore.Store{Addr:%s Prefix:%q}", s.addr, s.prefix)
}

// GoString is String.
func (s *Store) GoString() string { return s.String() }

// LogValue logs the Redis address and key prefix.
func (s *Store) LogValue() slog.Value {
	return slog.GroupValue(slog.String("addr", s.addr), slog.String("prefix", s.prefix))
}
