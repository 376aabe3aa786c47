package fake

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// TokenCheck is what Tokens.Check finds a token to be.
type TokenCheck int

// The outcomes of Tokens.Check, in the order they are tested.
const (
	TokenValid   TokenCheck = iota // issued, neither expired nor revoked
	TokenMissing                   // the empty string: no token was sent
	TokenUnknown                   // never issued, or revoked
	TokenExpired                   // issued, but its expiry has come
)

// Tokens is a fake's book of the access tokens it issued and when each
// expires. It is not safe for concurrent use; its zero value is empty.
type Tokens struct {
	expiry map[string]time.Time
}

// Issue makes a new random token that lives for lifetime from now.
func (b *Tokens) Issue(now time.Time, lifetime time.Duration) string {
	raw := make([]byte, 24)
	_, _ = rand.Read(raw)
	t := "FAKE_AT_" + hex.EncodeToString(raw)
	if b.expiry == nil {
		b.expiry = map[string]time.Time{}
	}
	b.expiry[t] = now.Add(lifetime)
	return t
}

// Check says whether token may be used at now.
func (b *Tokens) Check(token string, now time.Time) TokenCheck {
	exp, ok := b.expiry[token]
	switch {
	case token == "":
		return TokenMissing
	case !ok:
		return TokenUnknown
	case !now.Before(exp):
		return TokenExpired
	}
	return TokenValid
}

// Expiry returns when token expires; the zero time for a token the book
// does not hold.
func (b *Tokens) Expiry(token string) time.Time { return b.expiry[token] }

// Shorten makes token expire at at if it would live longer. A token the
// book does not hold stays unknown.
func (b *Tokens) Shorten(token string, at time.Time) {
	if exp, ok := b.expiry[token]; ok && exp.After(at) {
		b.expiry[token] = at
	}
}

// Revoke forgets token, so that it is unknown from now on.
func (b *Tokens) Revoke(token string) { delete(b.expiry, token) }

// ExpireAll makes every token in the book expire at now.
func (b *Tokens) ExpireAll(now time.Time) {
	for t := range b.expiry {
		b.expiry[t] = now
	}
}
