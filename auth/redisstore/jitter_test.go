package redisstore

import (
	"testing"
	"time"
)

func TestJitterStaysWithinAFifth(t *testing.T) {
	t.Parallel()
	for _, poll := range []time.Duration{time.Millisecond, 40 * time.Millisecond, time.Second} {
		s := &Store{poll: poll}
		lo, hi := poll-poll/5, poll+poll/5
		seen := map[time.Duration]bool{}
		for range 1000 {
			d := s.jitter()
			if d < lo || d > hi {
				t.Fatalf("poll %v: wait %v outside [%v, %v]", poll, d, lo, hi)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("poll %v: every wait was the same", poll)
		}
	}
}
