package auth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
)

const (
	testAppID  = "wx1234567890abcdef"
	testSecret = "APPSECRET-0123456789abcdef"
)

func mockClient() (*httpmock.MockTransport, *http.Client) {
	mt := httpmock.NewMockTransport()
	return mt, &http.Client{Transport: mt}
}

func newWeChat(t *testing.T, opts ...auth.WeChatOption) *auth.WeChatTokenSource {
	t.Helper()
	s, err := auth.NewWeChatTokenSource(testAppID, testSecret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStableTokenRequestShape(t *testing.T) {
	t.Parallel()
	mt, hc := mockClient()
	var forced []bool
	mt.RegisterResponder(http.MethodPost, "https://api.weixin.qq.com/cgi-bin/stable_token",
		func(r *http.Request) (*http.Response, error) {
			if ct := r.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if r.URL.RawQuery != "" {
				t.Errorf("stable_token query = %q, want none (secret belongs in the body)", r.URL.RawQuery)
			}
			var body map[string]any
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				t.Fatal(err)
			}
			if body["grant_type"] != "client_credential" || body["appid"] != testAppID || body["secret"] != testSecret {
				t.Errorf("body = %v", body)
			}
			forced = append(forced, body["force_refresh"] == true)
			return httpmock.NewStringResponse(200, `{"access_token":"AT-1","expires_in":7200}`), nil
		})
	s := newWeChat(t, auth.WithHTTPClient(hc))
	if got := mustToken(t, s); got != "AT-1" {
		t.Fatalf("Token = %q", got)
	}
	// WeChat hands back the rejected token: the source asks for a forced one.
	if err := s.Invalidate(context.Background(), "AT-1"); err != nil {
		t.Fatal(err)
	}
	_, _ = s.Token(context.Background())
	if fmt.Sprint(forced) != "[false false true]" {
		t.Fatalf("force_refresh per call = %v, want [false false true]", forced)
	}
}

func TestClassicTokenRequestShape(t *testing.T) {
	t.Parallel()
	mt, hc := mockClient()
	mt.RegisterResponder(http.MethodGet, "http://fake.local/prefix/cgi-bin/token",
		func(r *http.Request) (*http.Response, error) {
			q := r.URL.Query()
			if q.Get("grant_type") != "client_credential" || q.Get("appid") != testAppID || q.Get("secret") != testSecret {
				t.Errorf("query = %v", q)
			}
			return httpmock.NewStringResponse(200, `{"access_token":"AT-C","expires_in":7200}`), nil
		})
	s := newWeChat(t, auth.WithHTTPClient(hc), auth.WithStableToken(false), auth.WithBaseURL("http://fake.local/prefix/"))
	if got := mustToken(t, s); got != "AT-C" {
		t.Fatalf("Token = %q", got)
	}
	if n := mt.GetTotalCallCount(); n != 1 {
		t.Fatalf("calls = %d", n)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		status int
		body   string
		want   error
		code   int
		tries  int // attempts within one Token call
	}{
		// On a token endpoint 40001 speaks of the AppSecret.
		{200, `{"errcode":40001,"errmsg":"invalid credential rid: r-1"}`, werrors.ErrInvalidCredentials, 40001, 1},
		{200, `{"errcode":40125,"errmsg":"invalid appsecret"}`, werrors.ErrInvalidCredentials, 40125, 1},
		{200, `{"errcode":40013,"errmsg":"invalid appid"}`, werrors.ErrInvalidCredentials, 40013, 1},
		{200, `{"errcode":"41004","errmsg":"appsecret missing"}`, werrors.ErrInvalidCredentials, 41004, 1},
		{200, `{"errcode":45009,"errmsg":"reach max api daily quota limit rid: r-2"}`, werrors.ErrRateLimited, 45009, 1},
		{200, `{"errcode":40164,"errmsg":"invalid ip rid: r-3"}`, werrors.ErrUnauthorized, 40164, 1},
		{200, `{"errcode":50004,"errmsg":"api forbidden"}`, nil, 50004, 1},
		{200, `{"errcode":null,"errmsg":"system busy"}`, werrors.ErrSystem, 0, 1},
		{200, `{"data":{"errcode":0,"access_token":"x"}}`, werrors.ErrSystem, 0, 1},
		{200, `{}`, werrors.ErrSystem, 0, 1},
		{200, `{"errcode":0,"errmsg":"ok"}`, werrors.ErrSystem, 0, 1},
		{200, `{"errcode":[0],"access_token":"x"}`, werrors.ErrSystem, 0, 1},
		{302, ``, werrors.ErrSystem, 0, 1},
		{200, `{"access_token":"x","expires_in":7200,"pad":"` + strings.Repeat("x", 1<<20) + `"}`, werrors.ErrSystem, 0, 1},
		{200, `{"errcode":-1,"errmsg":"system error"}`, werrors.ErrSystem, -1, 3},
		{502, `<html>bad gateway</html>`, werrors.ErrSystem, 0, 3},
		{200, `{"access_token":"","expires_in":7200}`, werrors.ErrSystem, 0, 1},
		{200, `{"access_token":"x"`, werrors.ErrSystem, 0, 1},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i, "_", c.code, "_", c.status), func(t *testing.T) {
			t.Parallel()
			mt, hc := mockClient()
			mt.RegisterResponder(http.MethodPost, "https://api.weixin.qq.com/cgi-bin/stable_token",
				httpmock.NewStringResponder(c.status, c.body))
			s := newWeChat(t, auth.WithHTTPClient(hc),
				auth.WithRetry(waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}))
			for call := 1; call <= 2; call++ {
				_, err := s.Token(context.Background())
				var apiErr *werrors.APIError
				if !errors.As(err, &apiErr) || apiErr.Code != c.code || apiErr.Op != "stable_token" {
					t.Fatalf("err = %v, want APIError code %d", err, c.code)
				}
				if c.want != nil && !errors.Is(err, c.want) {
					t.Fatalf("err = %v, want %v", err, c.want)
				}
				if c.want == nil && apiErr.Sentinel != nil {
					t.Fatalf("err = %v matches %v, want no sentinel", err, apiErr.Sentinel)
				}
				if strings.Contains(err.Error(), testSecret) {
					t.Fatalf("secret in %q", err)
				}
				// Not cached: every Token call goes back to the endpoint.
				if n := mt.GetTotalCallCount(); n != call*c.tries {
					t.Fatalf("after call %d: %d requests, want %d", call, n, call*c.tries)
				}
			}
		})
	}
}

// Success is a token: errcode 0 as a number or a numeric string, or no
// errcode at all, with access_token; a byte order mark is fine.
func TestTokenSuccessShapes(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"access_token":"AT","expires_in":7200}`,
		`{"errcode":0,"errmsg":"ok","access_token":"AT","expires_in":7200}`,
		`{"errcode":"0","access_token":"AT","expires_in":7200}`,
		"\xef\xbb\xbf {\"access_token\":\"AT\",\"expires_in\":7200}",
	} {
		mt, hc := mockClient()
		mt.RegisterResponder(http.MethodPost, "https://api.weixin.qq.com/cgi-bin/stable_token", httpmock.NewStringResponder(200, body))
		tok, err := newWeChat(t, auth.WithHTTPClient(hc)).Token(context.Background())
		if err != nil || tok != "AT" {
			t.Errorf("%q: Token = %q, %v", body, tok, err)
		}
	}
}

func TestTokenRequestIDKept(t *testing.T) {
	t.Parallel()
	mt, hc := mockClient()
	mt.RegisterResponder(http.MethodPost, "https://api.weixin.qq.com/cgi-bin/stable_token",
		httpmock.NewStringResponder(200, `{"errcode":40013,"errmsg":"invalid appid rid: 6561-abc"}`))
	_, err := newWeChat(t, auth.WithHTTPClient(hc)).Token(context.Background())
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.RequestID != "6561-abc" || !strings.Contains(apiErr.Message, "rid: 6561-abc") {
		t.Fatalf("err = %#v", err)
	}
}

func TestClassicSecretNeverInErrorsOrLogs(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// Accept and drop every connection: a transport error on a URL that
	// carries the secret.
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = io.ReadAll(io.LimitReader(c, 1))
			c.Close()
		}
	}()
	defer ln.Close()
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := newWeChat(t, auth.WithStableToken(false), auth.WithBaseURL("http://"+ln.Addr().String()),
		auth.WithLogger(logger), auth.WithRetry(waybill.RetryPolicy{MaxAttempts: 2}))
	_, err = s.Token(context.Background())
	if err == nil {
		t.Fatal("no error from a dropped connection")
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), testSecret) {
			t.Fatalf("secret in error chain: %q", e)
		}
	}
	if !strings.Contains(err.Error(), "REDACTED") {
		t.Errorf("err = %q, want the URL with the secret redacted", err)
	}
	if logs.Len() == 0 || strings.Contains(logs.String(), testSecret) {
		t.Fatalf("debug log empty or leaks the secret:\n%s", logs.String())
	}
	for _, text := range []string{fmt.Sprint(s), fmt.Sprintf("%+v %#v", s, s)} {
		if strings.Contains(text, testSecret) || !strings.Contains(text, testAppID) {
			t.Errorf("String = %q", text)
		}
	}
}

func TestWeChatOptionsValidate(t *testing.T) {
	t.Parallel()
	bad := map[string]func() (*auth.WeChatTokenSource, error){
		"empty app id": func() (*auth.WeChatTokenSource, error) { return auth.NewWeChatTokenSource("", "s") },
		"empty secret": func() (*auth.WeChatTokenSource, error) { return auth.NewWeChatTokenSource("wx", "") },
		"nil client": func() (*auth.WeChatTokenSource, error) {
			return auth.NewWeChatTokenSource("wx", "s", auth.WithHTTPClient(nil))
		},
		"bad url": func() (*auth.WeChatTokenSource, error) {
			return auth.NewWeChatTokenSource("wx", "s", auth.WithBaseURL("://x"))
		},
		"nil store": func() (*auth.WeChatTokenSource, error) {
			return auth.NewWeChatTokenSource("wx", "s", auth.WithStore(nil))
		},
		"nil clock": func() (*auth.WeChatTokenSource, error) {
			return auth.NewWeChatTokenSource("wx", "s", auth.WithClock(nil))
		},
		"nil logger": func() (*auth.WeChatTokenSource, error) {
			return auth.NewWeChatTokenSource("wx", "s", auth.WithLogger(nil))
		},
		"zero attempts": func() (*auth.WeChatTokenSource, error) {
			return auth.NewWeChatTokenSource("wx", "s", auth.WithRetry(waybill.RetryPolicy{}))
		},
	}
	for name, f := range bad {
		if s, err := f(); err == nil || s != nil {
			t.Errorf("%s: got %v, %v; want an error", name, s, err)
		} else if strings.Contains(err.Error(), "APPSECRET") {
			t.Errorf("%s: secret in %q", name, err)
		}
	}
}

func TestWeChatSourceWithClockAndStore(t *testing.T) {
	t.Parallel()
	mt, hc := mockClient()
	var n atomic.Int64
	mt.RegisterResponder(http.MethodPost, "https://api.weixin.qq.com/cgi-bin/stable_token",
		func(*http.Request) (*http.Response, error) {
			return httpmock.NewStringResponse(200, fmt.Sprintf(`{"access_token":"AT-%d","expires_in":300}`, n.Add(1))), nil
		})
	clk := newClock()
	store := auth.NewMemoryStore()
	s := newWeChat(t, auth.WithHTTPClient(hc), auth.WithClock(clk.Now), auth.WithStore(store))
	if got := mustToken(t, s); got != "AT-1" {
		t.Fatal(got)
	}
	stored, ok, _ := store.Load(context.Background(), "wechat:"+testAppID+":stable")
	if !ok || stored.Value != "AT-1" || !stored.ExpiresAt.Equal(clk.Now().Add(300*time.Second)) {
		t.Fatalf("stored = %v, %v (key must be app ID and kind)", stored, ok)
	}
	clk.Advance(241 * time.Second)
	if got := mustToken(t, s); got != "AT-2" {
		t.Fatalf("after the margin Token = %q, want AT-2", got)
	}
}
