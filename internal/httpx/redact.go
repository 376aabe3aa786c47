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

// Scrub replaces every occurrence of each non-empty secret in s.
func Scrub(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" && strings.Contains(s, sec) {
			s = strings.ReplaceAll(s, sec, Redacted)
		}
	}
	return s
}
