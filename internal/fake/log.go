package fake

// Log is a fake's record of the requests it received, of a provider's
// request type R. It is not safe for concurrent use; its zero value is
// empty.
type Log[R any] struct {
	reqs []R
}

// Add records r.
func (l *Log[R]) Add(r R) { l.reqs = append(l.reqs, r) }

// Copy returns the requests recorded so far, oldest first, each passed
// through clone when it is not nil (to copy what a request refers to, such
// as a map).
func (l *Log[R]) Copy(clone func(R) R) []R {
	out := make([]R, len(l.reqs))
	for i, r := range l.reqs {
		if clone != nil {
			r = clone(r)
		}
		out[i] = r
	}
	return out
}

// Select returns the requests in reqs for which keep is true, in order; nil
// when there are none.
func Select[R any](reqs []R, keep func(R) bool) []R {
	var out []R
	for _, r := range reqs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}
