package apiusb

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/auth"
)

// Every error path, with debug logging on: neither the access token nor the
// app secret shows up in an error, anything it wraps, or a log line.
func TestSecretsStayOut(t *testing.T) {
	t.Parallel()
	const token = "ACCESS-TOKEN-9f8e7d"
	echo := func(body string) func(http.ResponseWriter, *http.Request, int) {
		return func(w http.ResponseWriter, r *http.Request, n int) {
			_ = r.ParseForm()
			replyWith(200, strings.ReplaceAll(body, "$TOKEN", r.Form.Get("access_token")))(w, r, n)
		}
	}
	for _, tc := range []struct {
		name   string
		handle func(http.ResponseWriter, *http.Request, int)
	}{
		{"dropped connection", hangUp},
		{"ret 406 echoing the token", echo(`{"ret":406,"data":null,"msg":"bad access_token=$TOKEN"}`)},
		{"inner code echoing the token", echo(`{"ret":200,"data":{"code":401,"message":"token $TOKEN unknown"},"msg":"$TOKEN"}`)},
		{"ret 200 without code echoing the token", echo(`{"ret":200,"data":"$TOKEN","msg":"$TOKEN"}`)},
		{"HTML 502", replyWith(502, "<html>bad gateway</html>")},
		{"truncated", echo(`{"ret":200,"data":{"code":"$TOKEN`)},
	} {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			t.Run(tc.name+" "+method, func(t *testing.T) {
				t.Parallel()
				var logs syncBuffer
				logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
				srv := newServer(t, tc.handle)
				c := newTestClient(t, srv.base(), WithMethod(method), WithAccessToken(auth.StaticToken(token)), WithLogger(logger))
				resp, err := c.CancelOrder(context.Background(), sampleReq)
				assertNoSecret(t, err, token)
				if strings.Contains(logs.String(), token) {
					t.Errorf("log leaks the token:\n%s", logs.String())
				}
				if logs.String() == "" {
					t.Error("nothing was logged at debug level")
				}
				if out := fmt.Sprintf("%+v", resp); strings.Contains(out, token) {
					t.Errorf("response = %s", out)
				}
				if got := srv.requests(); len(got) == 0 || got[0].Params.Get("access_token") != token {
					t.Errorf("the token was not sent: %+v", got)
				}
			})
		}
	}
}

// In GET mode the token is in the URL, so a transport error's *url.Error
// is where it would leak; the redacted URL still shows the rest.
func TestGETTransportErrorRedactsURL(t *testing.T) {
	t.Parallel()
	const token = "GET-TOKEN-123"
	srv := newServer(t, hangUp)
	c := newTestClient(t, srv.base(), WithMethod(http.MethodGet), WithAccessToken(auth.StaticToken(token)))
	_, err := c.CancelOrder(context.Background(), sampleReq)
	var ue *url.Error
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v (%T), want a *url.Error in the chain", err, err)
	}
	if !strings.Contains(ue.URL, "access_token=REDACTED") || !strings.Contains(ue.URL, "s=App.Logistics.CCancelOrder") {
		t.Errorf("url.Error URL = %q", ue.URL)
	}
	assertNoSecret(t, err, token)
}

func TestTokenSourceSecretsStayOut(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		handle func(http.ResponseWriter, *http.Request, int)
	}{
		{"dropped connection", hangUp},
		{"echoed secret", func(w http.ResponseWriter, r *http.Request, n int) {
			_ = r.ParseForm()
			replyWith(200, `{"ret":401,"data":null,"msg":"app_secret `+r.Form.Get("app_secret")+` is wrong"}`)(w, r, n)
		}},
		{"echoed in data", func(w http.ResponseWriter, r *http.Request, n int) {
			_ = r.ParseForm()
			replyWith(200, `{"ret":200,"data":{"code":401,"message":"`+r.Form.Get("app_secret")+`"}}`)(w, r, n)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logs syncBuffer
			logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			srv := newServer(t, tc.handle)
			tokens := newTestSource(t, srv.base(), WithLogger(logger))
			c := newTestClient(t, srv.base(), WithAccessToken(tokens), WithLogger(logger))
			_, err := c.CancelOrder(context.Background(), sampleReq)
			assertNoSecret(t, err, testSecret)
			if strings.Contains(logs.String(), testSecret) || !strings.Contains(logs.String(), TokenService) {
				t.Errorf("log:\n%s", logs.String())
			}
			if got := srv.requests(); len(got) == 0 || got[0].Params.Get("app_secret") != testSecret {
				t.Errorf("the secret was not sent: %+v", got)
			}
		})
	}
}

func TestClientPrintsNoSecret(t *testing.T) {
	t.Parallel()
	tokens, err := NewTokenSource(testKey, testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range []auth.TokenSource{tokens, auth.StaticToken("STATIC-SECRET")} {
		c, err := NewClient(WithAccessToken(ts))
		if err != nil {
			t.Fatal(err)
		}
		var logs syncBuffer
		slog.New(slog.NewTextHandler(&logs, nil)).Info("client", "c", c)
		outs := []string{c.String(), logs.String()}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			outs = append(outs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, *c), fmt.Sprintf(verb, struct{ C *Client }{c}))
		}
		for _, out := range outs {
			if strings.Contains(out, testSecret) || strings.Contains(out, "STATIC-SECRET") {
				t.Errorf("printing the client leaks a secret: %s", out)
			}
		}
		if want := "apiusb.Client{BaseURL:https://api.apiusb.com/api/app Method:POST AccessToken:REDACTED}"; c.String() != want {
			t.Errorf("String = %q, want %q", c.String(), want)
		}
	}
}
