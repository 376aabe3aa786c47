package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// TokenSource hands out a valid access token, fetching or refreshing as needed.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Invalidator is implemented by sources that can drop a token the server rejected.
type Invalidator interface {
	Invalidate(ctx context.Context, rejected string) error
}

// ErrEmptyToken is returned by a source that has no token to give.
var ErrEmptyToken = errors.New("auth: empty access token")

// StaticToken returns a TokenSource that always hands out token. It cannot
// refresh: a client that sees it rejected reports the rejection. An empty
// token makes Token fail with ErrEmptyToken. Its String method never shows
// the token.
func StaticToken(token string) TokenSource { return &staticToken{token: token} }

// staticToken is used through a pointer so that printing a struct that
// holds one (fmt does not call methods on unexported fields) shows an
// address, not the token.
type staticToken struct{ token string }

func (s *staticToken) Token(context.Context) (string, error) {
	if s.token == "" {
		return "", ErrEmptyToken
	}
	return s.token, nil
}

// String, Format and LogValue never show the token.
func (*staticToken) String() string               { return "auth.StaticToken(" + redacted + ")" }
func (*staticToken) LogValue() slog.Value         { return slog.StringValue(redacted) }
func (s *staticToken) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// NoToken returns the TokenSource for environments that take no access
// token, such as WeChat Cloud Hosting containers calling
// http://api.weixin.qq.com over their private link. Clients given NoToken
// omit the access_token parameter altogether. It must be chosen explicitly:
// clients refuse a nil TokenSource.
func NoToken() TokenSource { return noToken{} }

type noToken struct{}

func (noToken) Token(context.Context) (string, error) { return "", nil }

// IsNoToken reports whether ts is the source returned by NoToken.
func IsNoToken(ts TokenSource) bool {
	_, ok := ts.(noToken)
	return ok
}

const redacted = "REDACTED"

// Token is an access token with its lifetime, as a Store keeps it.
type Token struct {
	Value     string    // the access token itself
	ExpiresAt time.Time // when the provider stops accepting it
	RefreshAt time.Time // when to fetch a new one; before ExpiresAt
}

// NewToken builds a Token that lives for lifetime from now. It is refreshed
// early by a margin that grows with the lifetime: a fifth of it, at most five
// minutes. A 7200 s WeChat token is thus refreshed 5 minutes early and a
// 300 s stable token one minute early, never on every call.
func NewToken(value string, lifetime time.Duration, now time.Time) Token {
	margin := min(lifetime/5, 5*time.Minute)
	return Token{Value: value, ExpiresAt: now.Add(lifetime), RefreshAt: now.Add(lifetime - margin)}
}

// Fresh reports whether t holds a value that need not be refreshed at now.
func (t Token) Fresh(now time.Time) bool {
	return t.Value != "" && now.Before(t.RefreshAt)
}

// String describes t without its value.
func (t Token) String() string {
	return "auth.Token{Value:" + redacted + " ExpiresAt:" + t.ExpiresAt.Format(time.RFC3339) + "}"
}

// Format prints String for every verb, so no formatting verb reaches the
// value.
func (t Token) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(t.String())) }

// LogValue logs t without its value.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("value", redacted),
		slog.Time("expires_at", t.ExpiresAt),
	)
}
