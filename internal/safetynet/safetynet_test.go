package safetynet

import (
	"testing"
	"testing/synctest"
	"time"
)

func TestWaitReturnsWhatTheCallReturns(t *testing.T) {
	t.Parallel()
	if got := Wait(t, "a quick call", func() int { return 42 }); got != 42 {
		t.Fatalf("Wait = %d, want 42", got)
	}
}

// fakeTB records a failure instead of failing the real test.
type fakeTB struct {
	testing.TB
	failed string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed = format
}

func TestWaitFailsAHangAfterTheLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		release := make(chan struct{})
		defer close(release)
		ft := &fakeTB{}
		start := time.Now()
		got := Wait(ft, "a hanging call", func() int { <-release; return 1 })
		if ft.failed == "" || got != 0 || time.Since(start) != Limit {
			t.Fatalf("Wait = %d after %v with failure %q; want a failure at %v", got, time.Since(start), ft.failed, Limit)
		}
	})
}
