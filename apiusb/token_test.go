package apiusb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/pipeline"
)

const (
	testKey    = "app-key-1"
	testSecret = "APP-SECRET-s3cr3t"
)

func newTestSource(t *testing.T, base string, opts ...TokenOption) *TokenSource {
	t.Helper()
	s, err := NewTokenSource(testKey, testSecret, append([]TokenOption{WithBaseURL(base), WithRetry(fastRetry)}, opts...)...)
	if err != nil {
		t.Fatalf("NewTokenSource: %v", err)
	}
	return s
}

func tokenReply(token string) string {
	return `{"ret":200,"data":{"access_token":"` + token + `","expires_in":2592000},"msg":""}`
}

func TestNewTokenSourceValidates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		key, secret string
		opt         TokenOption
		want        string
	}{
		{"", testSecret, nil, "appKey: is required"},
		{" ", testSecret, nil, "appKey: is required"},
		{testKey, "", nil, "appSecret: is required"},
		{testKey, testSecret, WithBaseURL("not a url"), "WithBaseURL"},
		{testKey, testSecret, WithMethod("GET"), "WithMethod applies to NewClient only"},
		{testKey, testSecret, WithDataCodes(map[int]error{1: werrors.ErrSystem}), "WithDataCodes applies to NewClient only"},
		{testKey, testSecret, WithAccessToken(auth.StaticToken("x")), "WithAccessToken applies to NewClient only"},
		{testKey, testSecret, WithHTTPClient(nil), "nil *http.Client"},
		{testKey, testSecret, WithStore(nil), "nil auth.Store"},
		{testKey, testSecret, WithClock(nil), "nil clock"},
		{testKey, testSecret, WithRetry(waybill.RetryPolicy{}), "MaxAttempts"},
		{testKey, testSecret, WithRetry(waybill.RetryPolicy{MaxAttempts: 1, MaxDelay: -1}), "negative"},
		{testKey, testSecret, WithLogger(nil), "nil *slog.Logger"},
		{testKey, testSecret, WithTokenLifetime(0), "not positive"},
	} {
		s, err := NewTokenSource(tc.key, tc.secret, tc.opt)
		if err == nil || s != nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewTokenSource(%q, …, %v) = %v, %v; want error with %q", tc.key, tc.opt != nil, s, err, tc.want)
			continue
		}
		if strings.Contains(err.Error(), testSecret) {
			t.Errorf("error leaks the secret: %v", err)
		}
	}
}

func TestTokenSourceRequestAndCache(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(200, tokenReply("TOKEN-1")))
	s := newTestSource(t, srv.base())
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tok, err := s.Token(context.Background()); err != nil || tok != "TOKEN-1" {
				t.Errorf("Token = %q, %v", tok, err)
			}
		}()
	}
	wg.Wait()
	if tok, err := s.Token(context.Background()); err != nil || tok != "TOKEN-1" {
		t.Fatalf("Token = %q, %v", tok, err)
	}
	reqs := srv.requests()
	if len(reqs) != 1 {
		t.Fatalf("ApplyToken calls = %d, want 1 for 51 callers", len(reqs))
	}
	r := reqs[0]
	want := url.Values{"s": {"App.Auth.ApplyToken"}, "app_key": {testKey}, "app_secret": {testSecret}}
	if r.Method != http.MethodPost || r.Path != "/api/app" || r.RawQuery != "" || r.ContentType != formContentType || !reflect.DeepEqual(r.Params, want) {
		t.Errorf("request = %+v, want a form POST of %v", r, want)
	}
}

// The token is stored under a key naming the app key, never the secret.
func TestTokenStoreKey(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(200, tokenReply("TOKEN-1")))
	store := auth.NewMemoryStore()
	s := newTestSource(t, srv.base(), WithStore(store))
	if _, err := s.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	tok, ok, err := store.Load(context.Background(), "apiusb:"+testKey)
	if err != nil || !ok || tok.Value != "TOKEN-1" {
		t.Errorf("store holds %v, %v, %v under apiusb:%s", tok, ok, err, testKey)
	}
	// A second source sharing the store adopts the token without a fetch.
	s2 := newTestSource(t, srv.base(), WithStore(store))
	if tok, err := s2.Token(context.Background()); err != nil || tok != "TOKEN-1" || srv.count() != 1 {
		t.Errorf("second source: %q, %v after %d fetches", tok, err, srv.count())
	}
}

func TestTokenExpiryForms(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 3, 28, 21, 15, 8, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		fields string
		want   time.Time
	}{
		{"expires_in", `"expires_in":7200`, now.Add(2 * time.Hour)},
		{"expires_in string", `"expires_in":"86400"`, now.Add(24 * time.Hour)},
		{"expire_in", `"expire_in":60`, now.Add(time.Minute)},
		{"expires_in wins", `"expire_time":1,"expires_in":60`, now.Add(time.Minute)},
		{"expire_time unix", `"expire_time":1714252508`, time.Unix(1714252508, 0)},
		{"expire_time unix string", `"expire_time":"1714252508"`, time.Unix(1714252508, 0)},
		{"expire_time millis", `"expire_time":1714252508123`, time.UnixMilli(1714252508123)},
		{"expire_time seconds from now", `"expire_time":3600`, now.Add(time.Hour)},
		{"expire_time China date", `"expire_time":"2024-04-27 21:15:08"`, time.Date(2024, 4, 27, 13, 15, 8, 0, time.UTC)},
		{"expires_at RFC 3339", `"expires_at":"2024-04-27T21:15:08Z"`, time.Date(2024, 4, 27, 21, 15, 8, 0, time.UTC)},
		{"expire_at", `"expire_at":1714252508`, time.Unix(1714252508, 0)},
		{"none: 30 days", `"token_type":"bearer"`, now.Add(30 * 24 * time.Hour)},
		{"null: 30 days", `"expires_in":null`, now.Add(30 * 24 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, replyWith(200, `{"ret":200,"data":{"access_token":"T",`+tc.fields+`},"msg":""}`))
			store := auth.NewMemoryStore()
			s := newTestSource(t, srv.base(), WithStore(store), WithClock(func() time.Time { return now }))
			if _, err := s.Token(context.Background()); err != nil {
				t.Fatal(err)
			}
			tok, _, _ := store.Load(context.Background(), "apiusb:"+testKey)
			if !tok.ExpiresAt.Equal(tc.want) {
				t.Errorf("ExpiresAt = %v, want %v", tok.ExpiresAt, tc.want)
			}
			if !tok.RefreshAt.Before(tok.ExpiresAt) || !tok.RefreshAt.After(now) {
				t.Errorf("RefreshAt = %v, not between now and expiry", tok.RefreshAt)
			}
		})
	}
}

func TestTokenLifetimeOption(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_700_000_000, 0)
	srv := newServer(t, replyWith(200, `{"ret":200,"data":{"access_token":"T"}}`))
	store := auth.NewMemoryStore()
	s := newTestSource(t, srv.base(), WithStore(store), WithClock(func() time.Time { return now }), WithTokenLifetime(time.Hour))
	if _, err := s.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	if tok, _, _ := store.Load(context.Background(), "apiusb:"+testKey); !tok.ExpiresAt.Equal(now.Add(time.Hour)) {
		t.Errorf("ExpiresAt = %v", tok.ExpiresAt)
	}
}

// The cached token is refreshed when due, not on every call.
func TestTokenRefreshedWhenDue(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(1_700_000_000)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		replyWith(200, fmt.Sprintf(`{"ret":200,"data":{"access_token":"T%d","expires_in":3600}}`, n))(w, r, n)
	})
	s := newTestSource(t, srv.base(), WithClock(func() time.Time { return time.Unix(now.Load(), 0) }))
	for _, step := range []struct {
		advance int64
		want    string
	}{{0, "T0"}, {60, "T0"}, {2400, "T0"}, {900, "T1"}} {
		now.Add(step.advance)
		if tok, err := s.Token(context.Background()); err != nil || tok != step.want {
			t.Errorf("after +%ds: Token = %q, %v; want %q", step.advance, tok, err, step.want)
		}
	}
}

func TestTokenSourceFailures(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		status   int
		body     string
		want     error
		cause    error
		code     int
		attempts int
	}{
		// ApplyToken refusing the app key or secret: fix the configuration.
		{"ret 401", 200, `{"ret":401,"data":null,"msg":"app_secret wrong: ` + testSecret + `"}`, werrors.ErrInvalidCredentials, nil, 401, 1},
		{"ret 400", 200, `{"ret":400,"data":[],"msg":"缺少app_key"}`, werrors.ErrInvalidCredentials, nil, 400, 1},
		{"ret 404", 200, `{"ret":404,"data":[],"msg":"no such service"}`, werrors.ErrServiceNotFound, nil, 404, 1},
		{"ret 500", 200, `{"ret":500,"data":[],"msg":"x"}`, werrors.ErrSystem, nil, 500, 3},
		{"no access_token", 200, `{"ret":200,"data":{"token":"T"},"msg":""}`, werrors.ErrSystem, ErrNoAccessToken, 0, 1},
		{"empty access_token", 200, `{"ret":200,"data":{"access_token":" "}}`, werrors.ErrSystem, ErrNoAccessToken, 0, 1},
		{"number access_token", 200, `{"ret":200,"data":{"access_token":123}}`, werrors.ErrSystem, ErrNoAccessToken, 0, 1},
		{"string data", 200, `{"ret":200,"data":"TOKEN","msg":""}`, werrors.ErrSystem, ErrNoAccessToken, 0, 1},
		{"null data", 200, `{"ret":200,"data":null}`, werrors.ErrSystem, ErrNoAccessToken, 0, 1},
		{"inner code", 200, `{"ret":200,"data":{"code":403,"message":"app disabled"}}`, werrors.ErrInvalidCredentials, nil, 403, 1},
		{"redirect", 307, ``, werrors.ErrSystem, httpx.ErrRedirect, 0, 1},
		{"expired", 200, `{"ret":200,"data":{"access_token":"T","expire_time":1500000000}}`, werrors.ErrSystem, nil, 0, 1},
		{"bad expires_in", 200, `{"ret":200,"data":{"access_token":"T","expires_in":"soon"}}`, werrors.ErrSystem, nil, 0, 1},
		{"negative expires_in", 200, `{"ret":200,"data":{"access_token":"T","expires_in":-5}}`, werrors.ErrSystem, nil, 0, 1},
		{"bad expire_time", 200, `{"ret":200,"data":{"access_token":"T","expire_time":"next week"}}`, werrors.ErrSystem, nil, 0, 1},
		{"HTML 502", 502, `<html>Bad Gateway</html>`, werrors.ErrSystem, pipeline.ErrNotJSON, 0, 3},
		{"truncated", 200, `{"ret":200,"data":{"access_tok`, werrors.ErrSystem, nil, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, replyWith(tc.status, tc.body))
			s := newTestSource(t, srv.base(), WithClock(func() time.Time { return time.Unix(1_700_000_000, 0) }))
			tok, err := s.Token(context.Background())
			if tok != "" || !errors.Is(err, tc.want) {
				t.Fatalf("Token = %q, %v; want %v", tok, err, tc.want)
			}
			if tc.cause != nil && !errors.Is(err, tc.cause) {
				t.Errorf("err = %v, want it to wrap %v", err, tc.cause)
			}
			var apiErr *werrors.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tc.code || apiErr.Provider != "apiusb" || apiErr.Op != TokenService {
				t.Errorf("APIError = %+v, want Code %d", apiErr, tc.code)
			}
			assertNoSecret(t, err, testSecret)
			if n := srv.count(); n != tc.attempts {
				t.Errorf("ApplyToken calls = %d, want %d", n, tc.attempts)
			}
			// Errors are not cached: the next call asks again.
			_, _ = s.Token(context.Background())
			if n := srv.count(); n != 2*tc.attempts {
				t.Errorf("ApplyToken calls after a second Token = %d, want %d", n, 2*tc.attempts)
			}
		})
	}
}

func TestTokenSourcePrintsNoSecret(t *testing.T) {
	t.Parallel()
	const token = "TOKEN-VALUE-xyz"
	srv := newServer(t, replyWith(200, tokenReply(token)))
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := newTestSource(t, srv.base(), WithLogger(logger))
	if _, err := s.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	logger.Info("source", "tokens", s)
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out = append(out, fmt.Sprintf(verb, s), fmt.Sprintf(verb, *s))
	}
	out = append(out, s.String(), logs.String())
	for _, o := range out {
		if strings.Contains(o, testSecret) || strings.Contains(o, token) {
			t.Errorf("printed a secret: %s", o)
		}
	}
	if !strings.Contains(s.String(), testKey) || !strings.Contains(logs.String(), `"app_key":"`+testKey+`"`) {
		t.Errorf("String %q / log %s should name the app key", s.String(), logs.String())
	}
	if !strings.Contains(logs.String(), "App.Auth.ApplyToken") {
		t.Errorf("the debug log lacks the exchange: %s", logs.String())
	}
}

// apiusbServer serves ApplyToken (numbering tokens TOKEN-0001, TOKEN-0002, …) and answers
// CCancelOrder with cancel, which gets the access_token sent.
type apiusbServer struct {
	*server
	fetches atomic.Int32
}

func newAPIUSBServer(t *testing.T, cancel func(token string) string) *apiusbServer {
	a := &apiusbServer{}
	a.server = newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		_ = r.ParseForm()
		switch r.Form.Get("s") {
		case TokenService:
			k := a.fetches.Add(1)
			replyWith(200, tokenReply(fmt.Sprintf("TOKEN-%04d", k)))(w, r, n)
		case CancelService:
			replyWith(200, cancel(r.Form.Get("access_token")))(w, r, n)
		default:
			replyWith(200, `{"ret":404,"data":null,"msg":"no such service"}`)(w, r, n)
		}
	})
	return a
}

// cancels returns the CCancelOrder requests the server saw.
func (a *apiusbServer) cancels() []seen {
	var out []seen
	for _, r := range a.requests() {
		if r.Params.Get("s") == CancelService {
			out = append(out, r)
		}
	}
	return out
}

func refusedUnless(good string, ret int) func(string) string {
	return func(token string) string {
		if token == good {
			return okReply
		}
		return fmt.Sprintf(`{"ret":%d,"data":null,"msg":"access_token %s refused"}`, ret, token)
	}
}

func TestRefreshOnRefusal(t *testing.T) {
	t.Parallel()
	for _, ret := range []int{406, 401, 403} {
		t.Run(fmt.Sprint(ret), func(t *testing.T) {
			t.Parallel()
			srv := newAPIUSBServer(t, refusedUnless("TOKEN-0002", ret))
			tokens := newTestSource(t, srv.base())
			c := newTestClient(t, srv.base(), WithAccessToken(tokens))
			resp, err := c.CancelOrder(context.Background(), sampleReq)
			if err != nil || resp.Data.Code != 200 {
				t.Fatalf("CancelOrder = %+v, %v; want success after one refresh", resp, err)
			}
			if n := srv.fetches.Load(); n != 2 {
				t.Errorf("ApplyToken calls = %d, want 2", n)
			}
			cancels := srv.cancels()
			if len(cancels) != 2 {
				t.Fatalf("CCancelOrder calls = %d, want 2", len(cancels))
			}
			if cancels[0].Params.Get("access_token") != "TOKEN-0001" || cancels[1].Params.Get("access_token") != "TOKEN-0002" {
				t.Errorf("tokens sent = %q, %q; want TOKEN-0001, TOKEN-0002", cancels[0].Params.Get("access_token"), cancels[1].Params.Get("access_token"))
			}
			if !reflect.DeepEqual(cancels[0].Params, sampleParams("TOKEN-0001")) || !reflect.DeepEqual(cancels[1].Params, sampleParams("TOKEN-0002")) {
				t.Errorf("re-sent params differ: %v then %v", cancels[0].Params, cancels[1].Params)
			}
			// The new token is cached: the next call needs no refresh.
			if _, err := c.CancelOrder(context.Background(), sampleReq); err != nil || srv.fetches.Load() != 2 {
				t.Errorf("next call: %v after %d fetches", err, srv.fetches.Load())
			}
		})
	}
}

func TestRefreshInGETMode(t *testing.T) {
	t.Parallel()
	srv := newAPIUSBServer(t, refusedUnless("TOKEN-0002", 406))
	tokens := newTestSource(t, srv.base())
	c := newTestClient(t, srv.base(), WithAccessToken(tokens), WithMethod(http.MethodGet))
	if _, err := c.CancelOrder(context.Background(), sampleReq); err != nil {
		t.Fatal(err)
	}
	cancels := srv.cancels()
	if len(cancels) != 2 || cancels[1].Method != http.MethodGet || !reflect.DeepEqual(cancels[1].Params, sampleParams("TOKEN-0002")) {
		t.Errorf("cancels = %+v", cancels)
	}
}

// A refusal that persists after the refresh is returned, not looped on.
func TestPersistentRefusal(t *testing.T) {
	t.Parallel()
	srv := newAPIUSBServer(t, refusedUnless("never", 406))
	tokens := newTestSource(t, srv.base())
	c := newTestClient(t, srv.base(), WithAccessToken(tokens))
	resp, err := c.CancelOrder(context.Background(), sampleReq)
	assertOnly(t, err, werrors.ErrUnauthorized)
	if apiErr := asAPIError(t, err); apiErr.Code != 406 || apiErr.Message != "access_token REDACTED refused" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if resp == nil || resp.Ret != 406 {
		t.Errorf("response = %+v", resp)
	}
	if n, f := len(srv.cancels()), srv.fetches.Load(); n != 2 || f != 2 {
		t.Errorf("CCancelOrder calls = %d, ApplyToken calls = %d; want 2 and 2", n, f)
	}
	assertNoSecret(t, err, "TOKEN-0001", "TOKEN-0002", testSecret)
}

// A static token cannot be refreshed: its refusal comes back at once.
func TestStaticTokenRefused(t *testing.T) {
	t.Parallel()
	srv := newAPIUSBServer(t, refusedUnless("good", 406))
	c := newTestClient(t, srv.base(), WithAccessToken(auth.StaticToken("STATIC-TOKEN")))
	_, err := c.CancelOrder(context.Background(), sampleReq)
	assertOnly(t, err, werrors.ErrUnauthorized)
	assertNoSecret(t, err, "STATIC-TOKEN")
	if n := srv.count(); n != 1 || srv.requests()[0].Params.Get("access_token") != "STATIC-TOKEN" {
		t.Errorf("requests = %+v", srv.requests())
	}

	ok := newAPIUSBServer(t, refusedUnless("good", 406))
	c = newTestClient(t, ok.base(), WithAccessToken(auth.StaticToken("good")))
	if _, err := c.CancelOrder(context.Background(), sampleReq); err != nil {
		t.Errorf("static token: %v", err)
	}
}

func TestEmptyStaticToken(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(200, okReply))
	c := newTestClient(t, srv.base(), WithAccessToken(auth.StaticToken("")))
	if _, err := c.CancelOrder(context.Background(), sampleReq); !errors.Is(err, auth.ErrEmptyToken) {
		t.Errorf("err = %v, want auth.ErrEmptyToken", err)
	}
	if srv.count() != 0 {
		t.Errorf("requests = %d, want 0", srv.count())
	}
}

// A token source that fails stops the call before CCancelOrder is sent,
// and its error keeps its meaning.
func TestTokenFailureStopsCall(t *testing.T) {
	t.Parallel()
	srv := newServer(t, replyWith(200, `{"ret":401,"data":null,"msg":"bad app_secret"}`))
	tokens := newTestSource(t, srv.base())
	c := newTestClient(t, srv.base(), WithAccessToken(tokens))
	resp, err := c.Cancel(context.Background(), waybill.CancelRequest{OrderID: "o", WaybillID: "w", Reason: "r"})
	if resp != nil || !errors.Is(err, werrors.ErrInvalidCredentials) || !strings.Contains(err.Error(), "getting the access token") {
		t.Errorf("Cancel = %+v, %v", resp, err)
	}
	for _, r := range srv.requests() {
		if r.Params.Get("s") != TokenService {
			t.Errorf("sent %s despite having no token", r.Params.Get("s"))
		}
	}
}

// A refresh that fails reports both the refusal and the failure.
func TestRefreshFailure(t *testing.T) {
	t.Parallel()
	var fetches atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request, n int) {
		_ = r.ParseForm()
		if r.Form.Get("s") == TokenService {
			if fetches.Add(1) == 1 {
				replyWith(200, tokenReply("TOKEN-0001"))(w, r, n)
			} else {
				replyWith(200, `{"ret":403,"data":null,"msg":"app frozen"}`)(w, r, n)
			}
			return
		}
		replyWith(200, `{"ret":406,"data":null,"msg":"token `+r.Form.Get("access_token")+` expired"}`)(w, r, n)
	})
	c := newTestClient(t, srv.base(), WithAccessToken(newTestSource(t, srv.base())))
	resp, err := c.CancelOrder(context.Background(), sampleReq)
	if !errors.Is(err, werrors.ErrUnauthorized) || !errors.Is(err, werrors.ErrInvalidCredentials) ||
		!strings.Contains(err.Error(), "app frozen") || !strings.Contains(err.Error(), "token REDACTED expired") {
		t.Errorf("err = %v", err)
	}
	assertNoSecret(t, err, "TOKEN-0001", testSecret)
	if resp == nil || resp.Ret != 406 || resp.Msg != "token REDACTED expired" {
		t.Errorf("response = %+v", resp)
	}
	if fetches.Load() != 2 {
		t.Errorf("ApplyToken calls = %d, want 2", fetches.Load())
	}
}
