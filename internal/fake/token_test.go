package fake

import (
	"strings"
	"testing"
	"time"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	var b Tokens
	if got := b.Check("x", now); got != TokenUnknown {
		t.Fatalf("empty book: %v", got)
	}
	a, c := b.Issue(now, time.Hour), b.Issue(now, 2*time.Hour)
	if a == c || !strings.HasPrefix(a, "FAKE_AT_") || len(a) != len("FAKE_AT_")+48 {
		t.Fatalf("tokens %q and %q", a, c)
	}
	if !b.Expiry(a).Equal(now.Add(time.Hour)) || !b.Expiry("nope").IsZero() {
		t.Fatalf("expiries %v, %v", b.Expiry(a), b.Expiry("nope"))
	}
	for _, cs := range []struct {
		token string
		at    time.Time
		want  TokenCheck
	}{
		{"", now, TokenMissing},
		{"forged", now, TokenUnknown},
		{a, now.Add(time.Hour - time.Second), TokenValid},
		{a, now.Add(time.Hour), TokenExpired},
	} {
		if got := b.Check(cs.token, cs.at); got != cs.want {
			t.Errorf("Check(%q, +%v) = %v, want %v", cs.token, cs.at.Sub(now), got, cs.want)
		}
	}

	b.Shorten(c, now.Add(3*time.Hour)) // later than its expiry: unchanged
	if !b.Expiry(c).Equal(now.Add(2 * time.Hour)) {
		t.Fatalf("Shorten lengthened: %v", b.Expiry(c))
	}
	b.Shorten(c, now.Add(time.Minute))
	if !b.Expiry(c).Equal(now.Add(time.Minute)) {
		t.Fatalf("Shorten: %v", b.Expiry(c))
	}
	b.Revoke(c)
	b.Shorten(c, now.Add(time.Minute)) // a revoked token stays unknown
	if got := b.Check(c, now); got != TokenUnknown {
		t.Fatalf("revoked: %v", got)
	}

	d := b.Issue(now, time.Hour)
	b.ExpireAll(now)
	if b.Check(a, now) != TokenExpired || b.Check(d, now) != TokenExpired {
		t.Fatal("ExpireAll left a token valid")
	}
}
