package httpx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	werrors "github.com/waybill-go/waybill/errors"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"https://api.weixin.qq.com/cgi-bin/express/business/order/cancel?access_token=SECRET": "https://api.weixin.qq.com/cgi-bin/express/business/order/cancel?access_token=REDACTED",
		"https://x/cgi-bin/token?grant_type=client_credential&appid=wx1&secret=S3":            "https://x/cgi-bin/token?appid=wx1&grant_type=client_credential&secret=REDACTED",
		"https://x/api?s=A&app_secret=S&Access_Token=T":                                       "https://x/api?Access_Token=REDACTED&app_secret=REDACTED&s=A",
		"https://x/plain":                    "https://x/plain",
		"https://x/p?a=1":                    "https://x/p?a=1",
		"https://x/p?bad=%zz&access_token=T": "https://x/p?REDACTED",
	}
	for in, want := range cases {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRedactErrorKeepsCause(t *testing.T) {
	t.Parallel()
	in := &url.Error{Op: "Post", URL: "https://x/p?access_token=TOPSECRET", Err: context.DeadlineExceeded}
	out := RedactError(in)
	if strings.Contains(out.Error(), "TOPSECRET") {
		t.Fatalf("secret in %q", out)
	}
	if !errors.Is(out, context.DeadlineExceeded) {
		t.Error("cause lost")
	}
	var ue *url.Error
	if !errors.As(out, &ue) || !ue.Timeout() {
		t.Error("not a *url.Error with Timeout")
	}
	plain := errors.New("x")
	if RedactError(plain) != plain {
		t.Error("non-URL error changed")
	}
}

func TestScrub(t *testing.T) {
	t.Parallel()
	if got := Scrub("token abc and abc", "abc", ""); got != "token REDACTED and REDACTED" {
		t.Errorf("Scrub = %q", got)
	}
}

func TestRetryStopsOnSuccessAndNonRetryable(t *testing.T) {
	t.Parallel()
	p := waybill.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}
	calls := 0
	err := Retry(context.Background(), p, func(int) (bool, error) {
		calls++
		if calls < 3 {
			return true, errors.New("transient")
		}
		return false, nil
	})
	if err != nil || calls != 3 {
		t.Fatalf("err=%v calls=%d, want nil and 3", err, calls)
	}
	calls = 0
	final := errors.New("business")
	err = Retry(context.Background(), p, func(int) (bool, error) { calls++; return false, final })
	if err != final || calls != 1 {
		t.Fatalf("err=%v calls=%d, want business error after 1 call", err, calls)
	}
	calls = 0
	err = Retry(context.Background(), p, func(a int) (bool, error) {
		calls++
		if a != calls {
			t.Errorf("attempt %d on call %d", a, calls)
		}
		return true, errors.New("always")
	})
	if err == nil || calls != 5 {
		t.Fatalf("err=%v calls=%d, want error after 5 calls", err, calls)
	}
}

func TestRetrySkipsWaitBeyondDeadline(t *testing.T) {
	t.Parallel()
	p := waybill.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	calls := 0
	last := errors.New("transient")
	err := Retry(ctx, p, func(int) (bool, error) { calls++; return true, last })
	// The wait is random in [0, 1h]; it may be short enough to fit, but
	// the loop must end promptly either way.
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Fatalf("Retry took %v", elapsed)
	}
	if !errors.Is(err, last) {
		t.Fatalf("err = %v, want the last attempt's error", err)
	}
}

func TestRetryContextCancelledMidBackoff(t *testing.T) {
	t.Parallel()
	p := waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: 10 * time.Second, MaxDelay: 10 * time.Second}
	ctx, cancel := context.WithCancel(context.Background())
	last := errors.New("transient")
	done := make(chan error, 1)
	go func() {
		done <- Retry(ctx, p, func(int) (bool, error) { return true, last })
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			// The random wait may have been ~0, then attempts ran out.
			if !errors.Is(err, last) {
				t.Fatalf("err = %v", err)
			}
		} else if !errors.Is(err, last) {
			t.Fatalf("err = %v does not keep the last attempt's error", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("Retry did not return after cancel")
	}
}

func TestBackoffBounds(t *testing.T) {
	t.Parallel()
	p := waybill.RetryPolicy{MaxAttempts: 10, BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond}
	for n := 1; n <= 8; n++ {
		ceiling := min(100*time.Millisecond<<(n-1), 300*time.Millisecond)
		for range 50 {
			if d := Backoff(p, n); d < 0 || d > ceiling {
				t.Fatalf("Backoff(%d) = %v, want within [0, %v]", n, d, ceiling)
			}
		}
	}
	if d := Backoff(waybill.RetryPolicy{}, 3); d != 0 {
		t.Errorf("zero policy Backoff = %v", d)
	}
}

func TestSendCapsReplyAndRedactsTransportErrors(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 4096)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != UserAgent {
			t.Errorf("User-Agent = %q", r.Header.Get("User-Agent"))
		}
		_, _ = w.Write([]byte(big))
	}))
	defer srv.Close()
	c := New(Config{MaxReplyBytes: 1024})
	reply, err := c.Send(context.Background(), &Request{Method: http.MethodGet, URL: srv.URL + "/?access_token=T0K"}, 1)
	if !errors.Is(err, ErrReplyTooLarge) || reply == nil || reply.Status != 200 {
		t.Fatalf("Send = %+v, %v; want ErrReplyTooLarge with status", reply, err)
	}

	// A closed port: the error must not carry the token.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = c.Send(context.Background(), &Request{Method: http.MethodPost, URL: "http://" + addr + "/p?access_token=T0K", Body: []byte("{}"), ContentType: "application/json"}, 1)
	if err == nil || strings.Contains(err.Error(), "T0K") {
		t.Fatalf("err = %v", err)
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), "T0K") {
			t.Fatalf("secret in wrapped error %q", e)
		}
	}
	if RequestMaybeSent(err) {
		t.Errorf("a refused connection counts as maybe sent: %v", err)
	}
}

func TestNewDoesNotMutateCallerClient(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Timeout: time.Second}
	_ = New(Config{HTTPClient: hc})
	if hc.Transport != nil || hc.Jar != nil || hc.CheckRedirect != nil {
		t.Fatalf("caller's client was modified: %+v", hc)
	}
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	var v struct {
		A int `json:"a"`
	}
	cases := []struct {
		body string
		ok   bool
	}{
		{`{"a":1}`, true},
		{"  \n{\"a\":2}", true},
		{`{"a":1`, false},
		{`<html>502 Bad Gateway</html>`, false},
		{``, false},
		{`[1,2]`, false},
		{`{"a":"x"}`, false},
		{`{"a":1} trailing`, false},
	}
	for _, c := range cases {
		err := DecodeJSON(werrors.ProviderWeChat, "op", &Reply{Status: 200, Body: []byte(c.body)}, &v)
		if (err == nil) != c.ok {
			t.Errorf("DecodeJSON(%q) = %v, want ok=%v", c.body, err, c.ok)
		}
		if err != nil && !errors.Is(err, werrors.ErrSystem) {
			t.Errorf("DecodeJSON(%q) error %v does not match ErrSystem", c.body, err)
		}
	}
}

func TestParseBaseURL(t *testing.T) {
	t.Parallel()
	good := map[string]string{
		"https://api.weixin.qq.com":     "https://api.weixin.qq.com",
		"http://127.0.0.1:8080/prefix/": "http://127.0.0.1:8080/prefix",
	}
	for in, want := range good {
		if got, err := ParseBaseURL(in); err != nil || got != want {
			t.Errorf("ParseBaseURL(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "::", "ftp://x", "https://", "https://x/?a=1", "https://x/#f", "api.weixin.qq.com"} {
		if _, err := ParseBaseURL(bad); err == nil {
			t.Errorf("ParseBaseURL(%q) accepted", bad)
		}
	}
}

func TestScrubError(t *testing.T) {
	t.Parallel()
	plain := errors.New("nothing to see")
	if ScrubError(plain, "s3cret") != plain {
		t.Error("an error without secrets must be returned as is")
	}
	noSecret := func(err error) {
		t.Helper()
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
			if strings.Contains(text, "s3cret") {
				t.Errorf("secret in %q", text)
			}
		}
		if u := errors.Unwrap(err); u != nil && strings.Contains(u.Error(), "s3cret") {
			t.Errorf("secret in the wrapped %q", u)
		}
	}
	inner := fmt.Errorf("dial: token s3cret refused: %w", context.DeadlineExceeded)
	err := ScrubError(fmt.Errorf("post: %w", inner), "s3cret", "")
	noSecret(err)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "REDACTED") {
		t.Errorf("scrubbed = %v", err)
	}
	// A secret only deep in a joined error is found too.
	joined := ScrubError(errors.Join(plain, errors.New("s3cret")), "s3cret")
	noSecret(joined)
	if joined == error(nil) || errors.Is(joined, context.Canceled) {
		t.Errorf("joined = %v", joined)
	}
}
