package redistest

import (
	"testing"
)

func TestStartAndClose(t *testing.T) {
	t.Parallel()
	s := Start(t)
	if err := ping(s.Addr); err != nil {
		t.Fatalf("ping %s after Start: %v", s.Addr, err)
	}
	s.Close()
	s.Close() // idempotent
	if err := ping(s.Addr); err == nil {
		t.Fatalf("server on %s still answers after Close", s.Addr)
	}
}

func TestServersAreSeparate(t *testing.T) {
	t.Parallel()
	a, b := Start(t), Start(t)
	if a.Addr == b.Addr {
		t.Fatalf("two servers share the address %s", a.Addr)
	}
}
