package logisticstest_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// A Pusher holds the same secrets as the handler it tests: no verb and no
// slog handler prints them, the Pusher on its own or inside a slice, map or
// struct.
func TestPusherPrintsNoSecret(t *testing.T) {
	t.Parallel()
	const secretToken, secretKey = "SECRET-pusher-token", "SECRETpusherkeyabcdefghijklmnopqrstuvwxyz01"
	p := &logisticstest.Pusher{Token: secretToken, EncodingAESKey: secretKey, AppID: "wxpusher", Safe: true}
	type wrapper struct{ P any }
	var outs []string
	for _, v := range []any{p, *p, []any{p, *p}, map[string]any{"p": *p}, wrapper{*p}, &wrapper{p}} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
			outs = append(outs, fmt.Sprintf(verb, v))
		}
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var b bytes.Buffer
			slog.New(h(&b)).Info("pusher", "p", v)
			outs = append(outs, b.String())
		}
	}
	for _, out := range outs {
		if strings.Contains(out, secretToken) || strings.Contains(out, secretKey) {
			t.Errorf("printed a secret: %s", out)
		}
	}
	if !strings.Contains(fmt.Sprintf("%+v", *p), "wxpusher") {
		t.Errorf("the Pusher printed as %+v", *p)
	}
}
