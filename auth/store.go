package auth

import (
	"context"
	"sync"
)

// Store keeps tokens, and the right to refresh them, where every process
// that uses the same app can reach them. The default is in-process memory
// (NewMemoryStore); package github.com/waybill-go/waybill/auth/redisstore
// shares them between processes through Redis.
//
// Keys name a provider, an account and a token kind (for example
// "wechat:wx1234:stable"). They never contain a secret.
type Store interface {
	// Load returns the token stored under key; ok is false if there is
	// none. Callers judge freshness themselves, so a store may return an
	// expired token or drop it, as it likes.
	Load(ctx context.Context, key string) (tok Token, ok bool, err error)
	// Save stores tok under key until tok.ExpiresAt.
	Save(ctx context.Context, key string, tok Token) error
	// Delete removes the token under key only if its value is still value,
	// so a token someone else already replaced is left alone.
	Delete(ctx context.Context, key, value string) error
	// Lock waits until the caller holds the right to refresh key, or ctx
	// ends. The caller must call unlock when done. Implementations give the
	// lock an expiry so that a holder that dies does not block others for
	// ever.
	Lock(ctx context.Context, key string) (unlock func(), err error)
}

// MemoryStore is a Store within one process. The zero value is not usable;
// call NewMemoryStore.
type MemoryStore struct {
	mu     sync.Mutex
	tokens map[string]Token
	locks  map[string]chan struct{}
}

// NewMemoryStore returns an empty in-memory Store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{tokens: map[string]Token{}, locks: map[string]chan struct{}{}}
}

// Load implements Store.
func (m *MemoryStore) Load(_ context.Context, key string) (Token, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[key]
	return t, ok, nil
}

// Save implements Store.
func (m *MemoryStore) Save(_ context.Context, key string, tok Token) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.tokens[key] = tok
	return nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(_ context.Context, key, value string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t, ok := m.tokens[key]; ok && t.Value == value {
		delete(m.tokens, key)
	}
	return nil
}

// Lock implements Store.
func (m *MemoryStore) Lock(ctx context.Context, key string) (func(), error) {
	for {
		m.mu.Lock()
		held, busy := m.locks[key]
		if !busy {
			ch := make(chan struct{})
			m.locks[key] = ch
			m.mu.Unlock()
			var once sync.Once
			return func() {
				once.Do(func() {
					m.mu.Lock()
					delete(m.locks, key)
					m.mu.Unlock()
					close(ch)
				})
			}, nil
		}
		m.mu.Unlock()
		select {
		case <-held:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}
