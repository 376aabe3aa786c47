package logistics

import (
	"bytes"
	"container/list"
	"context"
	"sync"
	"time"
)

// EventStore remembers, for a while, which pushes an EventHandler has
// answered and with what, so that a replayed request or WeChat's retry of
// an event is answered again without running the callback twice, and so
// that two deliveries of one event that arrive together run it once. Give
// every process of a fleet the same store (package
// github.com/waybill-go/waybill/auth/redisstore has one on Redis) and the
// fleet behaves as one handler.
//
// The handler owns what the values mean; a store only keeps bytes under
// keys, each with its own expiry, and must do each operation atomically
// with respect to the others on the same key. Keys are short ASCII strings
// (a prefix and a hash) and values a few hundred bytes; neither holds a
// secret. An error from any method makes the handler refuse the push with
// 503 (WeChat tries again later) rather than risk running a callback
// twice.
type EventStore interface {
	// Claim stores value under key, to expire after ttl, if key holds
	// nothing (or only something expired), and reports claimed true.
	// Otherwise it leaves key as it is and returns what it holds.
	Claim(ctx context.Context, key string, value []byte, ttl time.Duration) (current []byte, claimed bool, err error)
	// Put stores value under key, to expire after ttl, replacing whatever
	// key holds.
	Put(ctx context.Context, key string, value []byte, ttl time.Duration) error
	// Release deletes key if, and only if, it still holds value.
	Release(ctx context.Context, key string, value []byte) error
}

// DefaultMemoryEventStoreSize is how many entries the memory store an
// EventHandler makes for itself holds (EventConfig.Store nil). Each push
// takes two; an entry is a key of about 70 bytes and a value of up to a
// few hundred, so a full store holds about 30 MiB.
const DefaultMemoryEventStoreSize = 1 << 16

// MemoryEventStore is an EventStore in process memory, bounded in entries.
// When it is full, the entry written longest ago goes first, expired or
// not: a push whose entries were evicted before its retries arrive is
// handled again as if new, so size the store for the pushes of the
// entries' lifetime (10 minutes by default, 2 entries per push). Expired
// entries are dropped when they are next looked up, or evicted in their
// turn. It is safe for concurrent use. It keeps the values it is given
// and returns the values it keeps without copying them: callers must not
// modify either (EventHandler does not).
type MemoryEventStore struct {
	mu      sync.Mutex
	max     int
	entries map[string]*list.Element
	order   *list.List // of *memoryEntry, oldest write first
	now     func() time.Time
}

type memoryEntry struct {
	key     string
	value   []byte
	expires time.Time
}

var _ EventStore = (*MemoryEventStore)(nil)

// NewMemoryEventStore returns a store of at most maxEntries entries;
// maxEntries below 1 means DefaultMemoryEventStoreSize.
func NewMemoryEventStore(maxEntries int) *MemoryEventStore {
	if maxEntries < 1 {
		maxEntries = DefaultMemoryEventStoreSize
	}
	return &MemoryEventStore{max: maxEntries, entries: make(map[string]*list.Element), order: list.New(), now: time.Now}
}

// Len reports how many entries the store holds, expired ones included.
func (s *MemoryEventStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.entries)
}

// get returns the live entry under key, dropping it if it has expired.
func (s *MemoryEventStore) get(key string, now time.Time) *memoryEntry {
	el, ok := s.entries[key]
	if !ok {
		return nil
	}
	e := el.Value.(*memoryEntry)
	if !now.Before(e.expires) {
		s.order.Remove(el)
		delete(s.entries, key)
		return nil
	}
	return e
}

// set writes key as the newest entry, evicting what the bound requires.
func (s *MemoryEventStore) set(key string, v []byte, ttl time.Duration, now time.Time) {
	if el, ok := s.entries[key]; ok {
		e := el.Value.(*memoryEntry)
		e.value, e.expires = v, now.Add(ttl)
		s.order.MoveToBack(el)
		return
	}
	for len(s.entries) >= s.max {
		oldest := s.order.Front()
		s.order.Remove(oldest)
		delete(s.entries, oldest.Value.(*memoryEntry).key)
	}
	s.entries[key] = s.order.PushBack(&memoryEntry{key: key, value: v, expires: now.Add(ttl)})
}

// Claim implements EventStore.
func (s *MemoryEventStore) Claim(_ context.Context, key string, value []byte, ttl time.Duration) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if e := s.get(key, now); e != nil {
		return e.value, false, nil
	}
	s.set(key, value, ttl, now)
	return nil, true, nil
}

// Put implements EventStore.
func (s *MemoryEventStore) Put(_ context.Context, key string, value []byte, ttl time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set(key, value, ttl, s.now())
	return nil
}

// Release implements EventStore.
func (s *MemoryEventStore) Release(_ context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.get(key, s.now()); e != nil && bytes.Equal(e.value, value) {
		s.order.Remove(s.entries[key])
		delete(s.entries, key)
	}
	return nil
}
