package httpx

import (
	"errors"
	"net/url"
	"strings"
)

// Redacted replaces secret values wherever the SDK prints something.
const Redacted = "REDACTED"

// sensitiveParams are query parameters whose values are credentials.
var sensitiveParams = map[string]bool{
	"access_token": true,
	"secret":       true,
	"appsecret":    true,
	"app_secret":   true,
	"sign":         true,
}

// RedactURL returns raw with the value of every credential-bearing query
// parameter replaced by REDACTED. A URL that does not parse is hidden whole,
// since it cannot be shown safely.
func RedactURL(raw string) string {
	i := strings.IndexByte(raw, '?')
	if i < 0 {
		return raw
	}
	q, err := url.ParseQuery(raw[i+1:])
	if err != nil {
		return raw[:i] + "?" + Redacted
	}
	changed := false
	for k, vs := range q {
		if sensitiveParams[strings.ToLower(k)] {
			for j := range vs {
				vs[j] = Redacted
			}
			changed = true
		}
	}
	if !changed {
		return raw
	}
	return raw[:i] + "?" + q.Encode()
}

// RedactError returns err with the URL of a *url.Error redacted. Go's HTTP
// client reports transport failures as *url.Error, whose text includes the
// full request URL and so any access_token or secret in the query string.
// The returned error keeps the cause, so errors.Is(err,
// context.DeadlineExceeded) and Timeout() still work.
func RedactError(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	return &url.Error{Op: ue.Op, URL: RedactURL(ue.URL), Err: ue.Err}
}

// MinSecretLen is the length below which a value is not searched for in
// texts. Real credentials are far longer (access tokens run to hundreds of
// characters, an AppSecret is 32), while a value of a few characters, such
// as a test's StaticToken("T"), occurs in ordinary words and would garble
// every message and error it was removed from.
const MinSecretLen = 8

// Scrub replaces every occurrence of each secret in s.
func Scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if len(sec) >= MinSecretLen && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
}

// ScrubError returns err unchanged unless its text, or that of an error it
// wraps, contains one of secrets; then it returns a new error with the
// secrets replaced, which still matches (errors.Is) whatever err matched,
// but no longer unwraps to the errors that held the secret. Transport
// errors arrive with their URL already redacted by RedactError, and
// providers' texts are scrubbed where they are read, so this is the last
// line of defence.
func ScrubError(err error, secrets ...string) error {
	if !leaks(err, secrets) {
		return err
	}
	return &scrubbedError{msg: Scrub(err.Error(), secrets...), orig: err}
}

type scrubbedError struct {
	msg  string
	orig error // never unwrapped: its text holds a secret
}

func (e *scrubbedError) Error() string { return e.msg }

// Is keeps the meaning of the original error.
func (e *scrubbedError) Is(target error) bool { return errors.Is(e.orig, target) }

// leaks reports whether the text of err or of any error it wraps contains
// a non-empty secret.
func leaks(err error, secrets []string) bool {
	if err == nil {
		return false
	}
	msg := err.Error()
	for _, s := range secrets {
		if len(s) >= MinSecretLen && strings.Contains(msg, s) {
			return true
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return leaks(u.Unwrap(), secrets)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if leaks(e, secrets) {
				return true
			}
		}
	}
	return false
}
