// Package safetynet lets a test wait for a call that must return, without
// asserting how long it takes.
//
// The SDK's tests never bound a duration: a machine kept busy by other work
// stretches any call, and a test that says "within 500 ms" fails there while
// the code is right. What a test can check is that a call returns at all
// where a broken implementation would wait for ever: a deadline or a
// cancellation ignored, a wait that is never cut short. Wait runs such a
// call and fails the test only after Limit, far beyond anything a working
// call takes even on a loaded machine, so that only a real hang reaches it;
// the failure then names the call instead of the whole test binary timing
// out ten minutes later.
//
// Code under testing/synctest needs none of this: its clock is fake, and
// time.Since there is exact.
package safetynet

import (
	"testing"
	"time"
)

// Limit is how long Wait lets a call run before calling it a hang.
const Limit = 30 * time.Second

// Wait runs f in a goroutine and returns what it returns. If f has not
// returned after Limit, Wait fails the test, naming the call by what. f runs
// on another goroutine, so it must not call t.Fatal or t.FailNow; it
// returns what the test checks instead.
func Wait[T any](t testing.TB, what string, f func() T) T {
	t.Helper()
	done := make(chan T, 1)
	go func() { done <- f() }()
	timer := time.NewTimer(Limit)
	defer timer.Stop()
	select {
	case v := <-done:
		return v
	case <-timer.C:
		t.Fatalf("%s has not returned after %v: it hangs", what, Limit)
		var zero T
		return zero // not reached: Fatalf ends the test's goroutine
	}
}
