package secretaudit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// keyNeedles are pieces of an API security configuration that must never
// show: the symmetric key and a line from the middle of the private key.
func keyNeedles(s logistics.APISecurity) []string {
	lines := strings.Split(strings.TrimSpace(string(s.PrivateKeyPEM)), "\n")
	return []string{s.SymmetricKey, lines[len(lines)/2]}
}

// TestNoAPISecurityKeyEverPrinted drives the sealed 同城配送 calls through
// their failures with debug logging on, and checks that neither the access
// token nor any API security key shows in an error (the whole chain), a log
// line or a printed value.
func TestNoAPISecurityKeyEverPrinted(t *testing.T) {
	keys, err := logisticstest.NewAPISecurityKeys("wxauditsecure001")
	if err != nil {
		t.Fatal(err)
	}
	stranger, err := logisticstest.NewAPISecurityKeys("wxauditsecure001")
	if err != nil {
		t.Fatal(err)
	}
	sec := keys.APISecurity()
	srv := logisticstest.NewServer(logisticstest.WithAPISecurityKeys(keys))
	defer srv.Close()
	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "W1", Status: logistics.IntracityOrderAccepted})
	ctx := context.Background()
	tokens, err := srv.TokenSource()
	if err != nil {
		t.Fatal(err)
	}
	token, err := tokens.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	needles := append(append(keyNeedles(sec), keyNeedles(stranger.APISecurity())...), token)
	var logs bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	check := func(what, text string) {
		t.Helper()
		for _, n := range needles {
			if strings.Contains(text, n) {
				t.Errorf("%s leaks a secret: %s", what, text)
			}
		}
	}
	checkErr := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: expected an error to audit", what)
			return
		}
		for e, depth := err, 0; e != nil && depth < 32; e, depth = errors.Unwrap(e), depth+1 {
			check(fmt.Sprintf("%s (depth %d)", what, depth), e.Error()+fmt.Sprintf("|%+v", e))
		}
	}

	newClient := func(s logistics.APISecurity) *logistics.Client {
		c, err := logistics.NewClient(tokens, logistics.WithBaseURL(srv.URL), logistics.WithLogger(log),
			logistics.WithRetry(quick), logistics.WithAPISecurity(s))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := newClient(sec)
	cancel := func() error {
		_, err := c.Intracity().Cancel(ctx, waybill.CancelRequest{WaybillID: "W1"})
		return err
	}
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, Errcode: 40234, Errmsg: "echo " + token})
	checkErr("a refusal echoing the token", cancel())
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, Times: 2, Status: 502})
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityQueryOrder, Times: 2, Status: 502})
	checkErr("HTML 502, then the query too", cancel())
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityCancelOrder, Times: 2, Drop: true})
	srv.Inject(logisticstest.Fault{Path: logisticstest.PathIntracityQueryOrder, Times: 2, Drop: true})
	checkErr("dropped connections", cancel())
	other := stranger.APISecurity()
	other.AppID = sec.AppID
	_, err = newClient(other).Intracity().QueryOrder(ctx, &logistics.IntracityQueryRequest{WxOrderID: "W1"})
	checkErr("another key set, refused by WeChat", err)
	bad := sec
	bad.PlatformCertPEM = bad.PrivateKeyPEM
	_, err = logistics.NewClient(tokens, logistics.WithAPISecurity(bad))
	checkErr("a private key given as the platform certificate", err)
	if err := cancel(); err != nil {
		t.Fatalf("the good call: %v", err)
	}

	var printed bytes.Buffer
	for _, v := range []any{sec, &sec, c, keys, *keys} {
		fmt.Fprintf(&printed, "%v|%+v|%#v|%s|%x\n", v, v, v, v, v)
		slog.New(slog.NewTextHandler(&printed, nil)).Info("value", "v", v)
		slog.New(slog.NewJSONHandler(&printed, nil)).Info("value", "v", v, "nested", struct{ V any }{v})
	}
	check("printed values", printed.String())
	check("debug logs", logs.String())
	if !strings.Contains(logs.String(), "intracity/cancelorder") {
		t.Fatalf("nothing logged to audit:\n%s", logs.String())
	}
}
