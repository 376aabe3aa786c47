package pipeline

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/waybill-go/waybill"
)

// retry calls op until it succeeds, says not to retry, or the policy's
// attempts are spent. op gets the 1-based attempt number and returns whether
// its failure is transient. Waits between attempts use full jitter and are
// skipped, ending the loop with op's last error, when they would outlast the
// context's deadline; a context that ends during a wait ends the loop with
// op's last error as well, joined with the context's.
func (p *Pipeline) retry(ctx context.Context, op func(attempt int) (retry bool, err error)) error {
	attempts := max(p.policy.MaxAttempts, 1)
	for attempt := 1; ; attempt++ {
		retry, err := op(attempt)
		if err == nil || !retry || attempt >= attempts || ctx.Err() != nil {
			return err
		}
		wait := Backoff(p.policy, attempt)
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return err
		}
		if wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return &waitError{last: err, ctx: ctx.Err()}
			case <-t.C:
			}
		}
	}
}

// Backoff returns a random wait before the attempt after attempt n (n ≥ 1):
// between 0 and min(MaxDelay, BaseDelay·2ⁿ⁻¹).
func Backoff(p waybill.RetryPolicy, n int) time.Duration {
	if p.BaseDelay <= 0 {
		return 0
	}
	ceiling := p.BaseDelay
	for i := 1; i < n && (p.MaxDelay <= 0 || ceiling < p.MaxDelay); i++ {
		ceiling *= 2
	}
	if p.MaxDelay > 0 && ceiling > p.MaxDelay {
		ceiling = p.MaxDelay
	}
	return rand.N(ceiling + 1)
}

// waitError is a context that ended while waiting to retry. It matches both
// the context's error and the last attempt's error, and is not retryable:
// the caller gave up.
type waitError struct {
	last error
	ctx  error
}

func (e *waitError) Error() string {
	return e.ctx.Error() + " while waiting to retry after: " + e.last.Error()
}

func (e *waitError) Unwrap() []error { return []error{e.ctx, e.last} }

// Retryable is false: see errors.Retryable.
func (e *waitError) Retryable() bool { return false }
