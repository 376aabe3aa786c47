package redisstore

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
)

// Defaults used by New.
const (
	// DefaultPrefix starts every key (WithPrefix).
	DefaultPrefix = "waybill:"
	// DefaultLockTTL is how long an unreleased refresh lock lasts (WithLockTTL).
	DefaultLockTTL = 10 * time.Second
	// DefaultPollInterval is how often a waiting process asks for the lock
	// (WithPollInterval).
	DefaultPollInterval = 40 * time.Millisecond
)

// Bounds that New enforces on the options.
const (
	minLockTTL      = 10 * time.Millisecond
	minPollInterval = time.Millisecond
	maxPrefixLen    = 256
)

// FailurePolicy says what a Store does when Redis cannot be reached or
// refuses a command.
type FailurePolicy int

const (
	// Fail, the default, returns an error for which
	// errors.Is(err, ErrUnavailable) holds and whose text names Redis. A
	// token source then fails too rather than fetch behind the fleet's back:
	// with WeChat's classic /cgi-bin/token endpoint an uncoordinated fetch
	// invalidates the token every other process is using.
	Fail FailurePolicy = iota
	// FallBack makes the Store behave as if it were empty and unshared:
	// Load finds nothing, Lock grants the lock at once, and Save and Delete
	// report success. Each process then fetches and caches its own token
	// until Redis is back. Every fallback is logged at Warn level. Choose it
	// for the stable_token endpoint, whose fetches do not invalidate each
	// other, when availability matters more than the daily fetch quota.
	FallBack
)

// String names the policy.
func (p FailurePolicy) String() string {
	switch p {
	case Fail:
		return "Fail"
	case FallBack:
		return "FallBack"
	default:
		return fmt.Sprintf("FailurePolicy(%d)", int(p))
	}
}

// Option configures New. An option given an invalid value makes New fail.
type Option func(*config) error

type config struct {
	prefix  string
	lockTTL time.Duration
	poll    time.Duration
	policy  FailurePolicy
	logger  *slog.Logger
	now     func() time.Time
}

// WithPrefix sets the string put in front of every key (default
// "waybill:"), to keep several applications or environments apart on one
// Redis. It may be empty; it may not contain spaces or control characters
// or be longer than 256 bytes.
func WithPrefix(prefix string) Option {
	return func(c *config) error {
		if len(prefix) > maxPrefixLen {
			return fmt.Errorf("redisstore: WithPrefix: prefix longer than %d bytes", maxPrefixLen)
		}
		if strings.IndexFunc(prefix, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
			return errors.New("redisstore: WithPrefix: prefix contains a space or control character")
		}
		c.prefix = prefix
		return nil
	}
}

// WithLockTTL sets how long the right to refresh a token lasts if its
// holder never gives it back (default 10 s, at least 10 ms). It bounds how
// long a process that died while refreshing can hold the others up. Make it
// longer than a token fetch normally takes: if the lock lapses during a
// slow fetch, another process may fetch as well. The last token saved
// wins, so that costs a fetch, not correctness.
func WithLockTTL(ttl time.Duration) Option {
	return func(c *config) error {
		if ttl < minLockTTL {
			return fmt.Errorf("redisstore: WithLockTTL: %v is shorter than %v", ttl, minLockTTL)
		}
		c.lockTTL = ttl
		return nil
	}
}

// WithPollInterval sets how often a process waiting for the right to
// refresh asks again (default 40 ms, at least 1 ms). Each wait is varied by
// up to a fifth either way so that waiting processes do not ask in step.
func WithPollInterval(d time.Duration) Option {
	return func(c *config) error {
		if d < minPollInterval {
			return fmt.Errorf("redisstore: WithPollInterval: %v is shorter than %v", d, minPollInterval)
		}
		c.poll = d
		return nil
	}
}

// WithFailurePolicy chooses what happens when Redis is unavailable: Fail
// (the default) or FallBack. See FailurePolicy.
func WithFailurePolicy(p FailurePolicy) Option {
	return func(c *config) error {
		if p != Fail && p != FallBack {
			return fmt.Errorf("redisstore: WithFailurePolicy: unknown policy %v", p)
		}
		c.policy = p
		return nil
	}
}

// WithLogger sets where fallbacks, unreadable records and failed lock
// releases are reported, at Warn level. Without it nothing is logged, as
// everywhere in the SDK. Log records carry the operation, the Redis key and
// the Redis error; never a token.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("redisstore: WithLogger: nil logger")
		}
		c.logger = l
		return nil
	}
}

// WithClock replaces time.Now, which Save uses to turn a token's ExpiresAt
// into a Redis expiry. Use the same clock as the token source, for tests.
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return errors.New("redisstore: WithClock: nil clock")
		}
		c.now = now
		return nil
	}
}
