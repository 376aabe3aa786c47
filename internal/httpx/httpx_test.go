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
	"sync/atomic"
	"testing"
	"time"
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
	if got := Scrub("token abcdefgh and abcdefgh", "abcdefgh", "", "abc"); got != "token REDACTED and REDACTED" {
		t.Errorf("Scrub = %q", got)
	}
}

func TestSendCapsReplyAndRedactsTransportErrors(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 4096)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != UserAgent("") {
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
	if ScrubError(plain, "s3cret-value") != plain {
		t.Error("an error without secrets must be returned as is")
	}
	noSecret := func(err error) {
		t.Helper()
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err)} {
			if strings.Contains(text, "s3cret-value") {
				t.Errorf("secret in %q", text)
			}
		}
		if u := errors.Unwrap(err); u != nil && strings.Contains(u.Error(), "s3cret-value") {
			t.Errorf("secret in the wrapped %q", u)
		}
	}
	inner := fmt.Errorf("dial: token s3cret-value refused: %w", context.DeadlineExceeded)
	err := ScrubError(fmt.Errorf("post: %w", inner), "s3cret-value", "")
	noSecret(err)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "REDACTED") {
		t.Errorf("scrubbed = %v", err)
	}
	// A secret only deep in a joined error is found too.
	joined := ScrubError(errors.Join(plain, errors.New("s3cret-value")), "s3cret-value")
	noSecret(joined)
	if joined == error(nil) || errors.Is(joined, context.Canceled) {
		t.Errorf("joined = %v", joined)
	}
}

func TestRedirectsAreNeverFollowed(t *testing.T) {
	t.Parallel()
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	hc := &http.Client{}
	c := New(Config{HTTPClient: hc})
	reply, err := c.Send(context.Background(), &Request{Method: http.MethodPost, URL: srv.URL + "/p?access_token=T0K", Body: []byte("secret=S"), ContentType: "application/x-www-form-urlencoded"}, 1)
	if err != nil || reply.Status != http.StatusTemporaryRedirect {
		t.Fatalf("Send = %+v, %v; want the 307 itself", reply, err)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the redirect target got %d requests", n)
	}
	if hc.CheckRedirect != nil {
		t.Error("the caller's client was given a redirect policy")
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	if got := UserAgent(""); !strings.HasPrefix(got, "waybill-go/") || strings.Contains(got, " ") {
		t.Errorf("UserAgent(\"\") = %q", got)
	}
	if got := UserAgent(" myshop/2.1 "); !strings.HasSuffix(got, " myshop/2.1") {
		t.Errorf("UserAgent(myshop) = %q", got)
	}
	for in, bad := range map[string]bool{"myshop/2.1": false, "a\r\nX-Evil: 1": true, "shop\x00": true, "店": true, strings.Repeat("a", 257): true} {
		if got := CheckUserAgent(in) != ""; got != bad {
			t.Errorf("CheckUserAgent(%q) refused=%v, want %v", in, got, bad)
		}
	}
}
