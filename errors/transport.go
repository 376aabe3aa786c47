package errors

import (
	"context"
	stderrors "errors"
)

// TransportError is a call that got no reply to read: the connection was
// refused or reset, the SDK's HTTP client timed out, or the caller's context
// ended while the request was under way. Err is what the HTTP client
// reported, usually a *url.Error whose URL has its secrets redacted, so
// errors.As(err, &urlErr), Timeout() and errors.Is(err,
// context.DeadlineExceeded) keep working.
type TransportError struct {
	Provider string // the provider's name: "wechat", "apiusb", …
	Op       string // the API that was called, e.g. "order/cancel"
	Err      error  // what the HTTP client reported
	// MaybeSent is true unless the request certainly never left (a failed
	// DNS lookup or connect): the provider may have acted on it.
	MaybeSent bool
	// CallerDone is true when the caller's own context had ended; the
	// failure is then not worth retrying.
	CallerDone bool
}

// Error names the call and the HTTP client's error.
func (e *TransportError) Error() string {
	s := e.Provider
	if e.Op != "" {
		s += " " + e.Op
	}
	return s + ": no reply: " + e.Err.Error()
}

// Unwrap returns the HTTP client's error.
func (e *TransportError) Unwrap() error { return e.Err }

// Retryable reports whether trying again later may succeed: true unless the
// caller's context had ended.
func (e *TransportError) Retryable() bool { return !e.CallerDone }

// Retryable reports whether trying the same call again later may succeed:
// true for errors matching ErrSystem or ErrRateLimited and for transport
// failures (*TransportError: connection refused or reset, timeouts of the
// SDK's own HTTP client); false for nil, business refusals, invalid
// parameters, bad credentials, and the caller's own context ending
// (context.Canceled, or context.DeadlineExceeded of the caller's ctx, also
// when it ends while the SDK waits between attempts).
//
// An error in err's chain with a method Retryable() bool decides on its own;
// the SDK's transport errors, its store errors and its "context ended while
// waiting to retry" errors have one.
func Retryable(err error) bool {
	if err == nil || stderrors.Is(err, context.Canceled) {
		return false
	}
	var r interface{ Retryable() bool }
	if stderrors.As(err, &r) {
		return r.Retryable()
	}
	if stderrors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return stderrors.Is(err, ErrSystem) || stderrors.Is(err, ErrRateLimited)
}
