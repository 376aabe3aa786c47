package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/telemetry"
)

// TokenSource is auth.TokenSource, declared here so that package auth can
// use the pipeline for its own token fetches.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
}

// Invalidator is auth.Invalidator.
type Invalidator interface {
	Invalidate(ctx context.Context, rejected string) error
}

// Verdict is what one reply means for the call.
type Verdict int

const (
	// Success: the provider said unambiguously that the call succeeded.
	Success Verdict = iota
	// Refused: a final answer; trying again will not change it.
	Refused
	// Transient: worth another attempt under the retry policy.
	Transient
	// TokenRejected: the access token was refused; replace it once and
	// send the call again.
	TokenRejected
)

// Judgement is a provider's reading of one reply.
type Judgement struct {
	Verdict Verdict
	// Err is the refusal, usually an *errors.APIError; nil for Success.
	Err error
	// Unknown is true when the reply leaves open whether the provider
	// acted on the request (a 5xx, a system error, an unreadable reply).
	Unknown bool
}

// Exchange is what a provider contributes to one call: how to build its
// request and how to judge a reply. A value of it usually holds the call's
// encoded request and the response it decodes into.
type Exchange interface {
	// Request builds the exchange for one attempt with token ("" without
	// Call.Tokens). It is called again for every attempt and after a
	// token refresh, and must send the same call each time.
	Request(token string) (*httpx.Request, error)
	// Judge reads a reply whose body is a JSON object (a byte order mark
	// and leading white space removed), usually decoding it into Call.Out.
	// It may point reply.Body at what it decoded Out from (a decrypted
	// plaintext), which is then what Out is scrubbed against.
	Judge(reply *httpx.Reply) Judgement
}

// Call is one API call: what the provider contributes to the pipeline.
type Call struct {
	// Op names the API in errors and logs, e.g. "order/cancel".
	Op string
	// Tokens gives the access token; nil when the call carries none.
	Tokens TokenSource
	// Secrets are removed from every text of the reply, besides the
	// access tokens the call sends (an AppSecret, an app secret).
	Secrets []string
	// Exchange builds the requests and judges the replies.
	Exchange Exchange
	// Out is what Judge decodes into. Its strings are scrubbed of secrets
	// after every reply, so that a provider echoing a secret cannot put it
	// into what the caller gets back.
	Out any
	// AlreadyDone is the sentinel of a refusal that means the call's
	// effect is already there (errors.ErrDuplicateCancel for a cancel):
	// heard after an attempt whose answer was lost, it means that attempt
	// did it, and the call succeeds. nil: no such refusal.
	AlreadyDone error
	// Settle, if set, is asked when the call's outcome is still unknown
	// after the retries: an attempt may have reached the provider, and no
	// later reply said what happened. It reports whether the call's effect
	// is known to have happened (a cancelled order, say).
	Settle func(ctx context.Context) (done bool, err error)
}

// Outcome is how a call ended, beside its error.
type Outcome struct {
	Attempts  int  // exchanges made, the one after a token refresh included
	Refreshed bool // the access token was replaced once during the call
	// Settled is true when success was established after a lost answer:
	// a retry heard "already done" (Call.AlreadyDone), or Settle said so.
	Settled bool
	// Asked is true when Call.Settle established it.
	Asked bool
}

// Do runs c: token, encode, send, read (capped), judge, refresh the token
// once, retry under the policy, typed error. See the package documentation.
func (p *Pipeline) Do(ctx context.Context, c *Call) (out Outcome, err error) {
	ctx, rec := p.tel.StartCall(ctx, p.provider, c.Op)
	defer func() { rec.End(ctx, out.Attempts, out.Settled, err) }()
	var secrets secrets
	for _, v := range c.Secrets {
		secrets.add(v)
	}
	token, err := p.token(ctx, c)
	if err != nil {
		return out, secrets.error(err)
	}
	secrets.add(token)
	var (
		refreshed    bool
		mayHaveActed bool // an earlier attempt may have reached the provider
		last         Judgement
	)
	err = p.retry(ctx, func(attempt int) (bool, error) {
		for {
			out.Attempts++
			j := p.exchange(ctx, c, token, attempt, &secrets, rec)
			last = j
			switch j.Verdict {
			case Success:
				return false, nil
			case TokenRejected:
				inv, ok := c.Tokens.(Invalidator)
				if refreshed || !ok {
					return false, j.Err
				}
				refreshed, out.Refreshed = true, true
				rec.Refreshed(ctx)
				if err := inv.Invalidate(ctx, token); err != nil {
					return false, fmt.Errorf("%s %s: dropping the rejected access token: %w (after %w)", p.provider, c.Op, err, j.Err)
				}
				fresh, err := p.token(ctx, c)
				if err != nil {
					return false, fmt.Errorf("%w (after %w)", err, j.Err)
				}
				token = fresh
				secrets.add(token)
				continue // the same call again with the new token
			}
			if mayHaveActed && c.AlreadyDone != nil && errors.Is(j.Err, c.AlreadyDone) {
				// An earlier attempt most likely did it; its answer was lost.
				out.Settled = true
				last = Judgement{Verdict: Success}
				return false, nil
			}
			mayHaveActed = mayHaveActed || j.Unknown
			return j.Verdict == Transient && ctx.Err() == nil, j.Err
		}
	})
	if err != nil && last.Unknown && c.Settle != nil && ctx.Err() == nil {
		done, serr := c.Settle(ctx)
		switch {
		case serr != nil:
			err = &settleError{err: err, settle: serr}
		case done:
			out.Settled, out.Asked = true, true
			err = nil
		}
	}
	return out, secrets.error(err)
}

// token returns the access token to send, "" when the call carries none.
func (p *Pipeline) token(ctx context.Context, c *Call) (string, error) {
	if c.Tokens == nil {
		return "", nil
	}
	t, err := c.Tokens.Token(ctx)
	if err == nil && t == "" {
		err = errEmptyToken
	}
	if err != nil {
		return "", fmt.Errorf("%s %s: getting the access token: %w", p.provider, c.Op, err)
	}
	return t, nil
}

var errEmptyToken = errors.New("the token source gave an empty access token")

// bom is the UTF-8 byte order mark some servers put before a reply.
var bom = []byte("\xef\xbb\xbf")

// exchange makes one attempt and judges it. Failures that look the same on
// every provider are judged here: no reply, an oversized reply, a redirect,
// a body that is not a JSON object.
func (p *Pipeline) exchange(ctx context.Context, c *Call, token string, attempt int, secrets *secrets, rec *telemetry.Call) Judgement {
	req, err := c.Exchange.Request(token)
	if err != nil {
		return Judgement{Verdict: Refused, Err: fmt.Errorf("%s %s: building the request: %w", p.provider, c.Op, err)}
	}
	reply, err := p.http.Send(ctx, req, attempt)
	if rec != nil {
		status := 0
		if reply != nil {
			status = reply.Status
		}
		rec.Attempt(attempt, httpx.RedactURL(req.URL), status, err)
	}
	switch {
	case errors.Is(err, httpx.ErrReplyTooLarge):
		// The provider answered; what it said is lost.
		return Judgement{Verdict: Refused, Err: p.Unusable(c.Op, reply.Status, err), Unknown: true}
	case err != nil:
		te := &werrors.TransportError{
			Provider:   p.provider,
			Op:         c.Op,
			Err:        err,
			MaybeSent:  httpx.RequestMaybeSent(err),
			CallerDone: ctx.Err() != nil,
		}
		v := Transient
		if te.CallerDone {
			v = Refused
		}
		return Judgement{Verdict: v, Err: te, Unknown: te.MaybeSent}
	case reply.Status >= 300 && reply.Status < 400:
		return Judgement{Verdict: Refused, Err: p.Unusable(c.Op, reply.Status, httpx.ErrRedirect)}
	}
	body := bytes.TrimLeft(bytes.TrimPrefix(reply.Body, bom), " \t\r\n")
	if len(body) == 0 || body[0] != '{' {
		cause := fmt.Errorf("%w (Content-Type %q, %d bytes)", ErrNotJSON, reply.ContentType, len(reply.Body))
		return p.UnusableJudgement(c.Op, reply.Status, cause)
	}
	reply.Body = body
	j := c.Exchange.Judge(reply)
	if c.Out != nil && secrets.mayBeIn(reply.Body) {
		secrets.value(c.Out)
	}
	secrets.apiError(j.Err)
	return j
}

// ErrNotJSON is the cause of the error for a reply that is not a JSON
// object at all: an HTML error page, an empty body, a bare string.
var ErrNotJSON = errors.New("reply is not a JSON object")

// Unusable returns the error for a reply that carries no code to go by: it
// matches errors.ErrSystem and keeps the cause.
func (p *Pipeline) Unusable(op string, status int, cause error) *werrors.APIError {
	return &werrors.APIError{
		Provider:   p.provider,
		Op:         op,
		HTTPStatus: status,
		Message:    "unusable reply",
		Sentinel:   werrors.ErrSystem,
		Err:        cause,
	}
}

// UnusableJudgement judges a reply that cannot be used: after an HTTP 5xx
// it is worth another attempt, and whether the provider acted is unknown; a
// 2xx that cannot be read leaves that unknown too; a 4xx page (a gateway
// refusing the request) is final.
func (p *Pipeline) UnusableJudgement(op string, status int, cause error) Judgement {
	j := Judgement{Verdict: Refused, Err: p.Unusable(op, status, cause)}
	switch {
	case status >= 500:
		j.Verdict, j.Unknown = Transient, true
	case status < 300:
		j.Unknown = true
	}
	return j
}

// settleError is a call whose outcome stayed unknown and whose follow-up
// query failed too. It matches the call's error only: the query's failure
// is told, not matched.
type settleError struct {
	err, settle error
}

func (e *settleError) Error() string {
	return e.err.Error() + " (the outcome is unknown: asking the provider afterwards failed too: " + e.settle.Error() + ")"
}

func (e *settleError) Unwrap() error { return e.err }
