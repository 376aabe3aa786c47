package telemetry_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/telemetry"
	"github.com/waybill-go/waybill/internal/telemetry/telemetrytest"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

var fast = waybill.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond}

func TestWeChatCallsAreTracedAndCounted(t *testing.T) {
	t.Parallel()
	rec := telemetrytest.New()
	wx := logisticstest.NewServer()
	defer wx.Close()
	wx.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	wx.AddOrder(logisticstest.Order{OrderID: "o-2", DeliveryID: "SF", WaybillID: "w-2", State: logisticstest.OrderPickedUp})
	c, err := logistics.NewAppClient(logisticstest.DefaultAppID, logisticstest.DefaultAppSecret, logistics.WithBaseURL(wx.URL),
		logistics.WithRetry(fast), logistics.WithTracerProvider(rec), logistics.WithMeterProvider(rec.MeterProvider()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	wx.Inject(logisticstest.Fault{Path: logisticstest.PathCancelOrder, Errcode: -1})
	if _, err := c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o-2", DeliveryID: "SF", WaybillID: "w-2"})
	if !errors.Is(err, werrors.ErrAlreadyHasTrace) {
		t.Fatal(err)
	}

	spans := rec.Spans()
	var cancels, tokens int
	for _, s := range spans {
		switch s.Name {
		case "wechat stable_token":
			tokens++
			if s.Parent != "wechat order/cancel" {
				t.Errorf("the token fetch's parent is %q", s.Parent)
			}
		case "wechat order/cancel":
			cancels++
			if s.Attributes[telemetry.KeyProvider].AsString() != "wechat" || s.Attributes[telemetry.KeyOperation].AsString() != "order/cancel" {
				t.Errorf("attributes %v", s.Attributes)
			}
		}
	}
	if cancels != 2 || tokens != 1 {
		t.Fatalf("%d cancel spans, %d token spans:\n%s", cancels, tokens, rec.Dump())
	}
	first, second := spans[1], spans[2]
	if first.Attributes[telemetry.KeyAttempts].AsInt64() != 2 || len(first.Events) != 2 ||
		first.Attributes[telemetry.KeyOutcome].AsString() != telemetry.OutcomeSuccess {
		t.Errorf("the retried cancel: %+v", first)
	}
	if u := first.Events[0].Attributes[telemetry.KeyURL].AsString(); !strings.Contains(u, "access_token=REDACTED") {
		t.Errorf("attempt URL %q", u)
	}
	if second.Attributes[telemetry.KeyCode].AsInt64() != 9300506 || second.Attributes[telemetry.KeySentinel].AsString() != "already_has_trace" ||
		second.Attributes[telemetry.KeyOutcome].AsString() != telemetry.OutcomeRefused || second.StatusText != "already_has_trace" {
		t.Errorf("the refused cancel: %+v", second)
	}
	if n := rec.Sum("waybill.calls", telemetry.KeyOperation.String("order/cancel"), telemetry.KeyOutcome.String("success")); n != 1 {
		t.Errorf("successful cancels counted %v", n)
	}
	if n := rec.Sum("waybill.calls", telemetry.KeySentinel.String("already_has_trace")); n != 1 {
		t.Errorf("refused cancels counted %v", n)
	}
	if n := rec.Sum("waybill.retries", telemetry.KeyOperation.String("order/cancel")); n != 1 {
		t.Errorf("retries counted %v", n)
	}
	if n := rec.Sum("waybill.calls", telemetry.KeyOperation.String("stable_token")); n != 1 {
		t.Errorf("token fetches counted %v", n)
	}
	noSecret(t, rec, wx)
}

func TestTokenRefreshIsCounted(t *testing.T) {
	t.Parallel()
	rec := telemetrytest.New()
	wx := logisticstest.NewServer()
	defer wx.Close()
	wx.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
	c, err := wx.Client(logistics.WithTracerProvider(rec), logistics.WithMeterProvider(rec.MeterProvider()))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := c.TokenSource().Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	wx.InvalidateToken(tok)
	if _, err := c.CancelOrder(context.Background(), &logistics.CancelOrderRequest{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"}); err != nil {
		t.Fatal(err)
	}
	if n := rec.Sum("waybill.token.refreshes", telemetry.KeyProvider.String("wechat")); n != 1 {
		t.Errorf("refreshes counted %v\n%s", n, rec.Dump())
	}
	noSecret(t, rec, wx)
}

func TestAPIUSBCallsAreTraced(t *testing.T) {
	t.Parallel()
	rec := telemetrytest.New()
	usb := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
	defer usb.Close()
	usb.AddTask(apiusbtest.Task{OrderID: "o-1", TaskID: "t-1"})
	c, err := apiusb.NewClient(apiusb.WithBaseURL(usb.URL), apiusb.WithAppKey(apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret),
		apiusb.WithTracerProvider(rec), apiusb.WithMeterProvider(rec.MeterProvider()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CancelOrder(context.Background(), &apiusb.CancelOrderRequest{OrderID: "o-1", TaskID: "t-1", CancelMsg: "m"}); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, s := range rec.Spans() {
		names[s.Name] = true
	}
	if !names["apiusb "+apiusb.CancelService] || !names["apiusb "+apiusb.TokenService] {
		t.Errorf("spans %v", names)
	}
	dump := rec.Dump()
	if strings.Contains(dump, apiusbtest.DefaultAppSecret) {
		t.Errorf("the app secret reached telemetry:\n%s", dump)
	}
	for _, r := range usb.Requests() {
		if tok := r.Params.Get("access_token"); tok != "" && strings.Contains(dump, tok) {
			t.Errorf("the access token reached telemetry:\n%s", dump)
		}
	}
}

// A nil *Telemetry, what clients without providers hold, records nothing
// and never fails.
func TestNoProvidersRecordsNothing(t *testing.T) {
	t.Parallel()
	tel := telemetry.New(telemetry.Providers{})
	if tel != nil {
		t.Fatal("a telemetry without providers")
	}
	ctx, call := tel.StartCall(context.Background(), "wechat", "order/cancel")
	call.Attempt(1, "https://x", 200, nil)
	call.Refreshed(ctx)
	call.End(ctx, 1, false, nil)
	tel.PushAnswered(ctx, "cancel_waybill", 0, false)
	tel.PushRefused(ctx, 401, "bad signature")
}

func noSecret(t *testing.T, rec *telemetrytest.Recorder, wx *logisticstest.Server) {
	t.Helper()
	dump := rec.Dump()
	if strings.Contains(dump, logisticstest.DefaultAppSecret) {
		t.Errorf("the AppSecret reached telemetry:\n%s", dump)
	}
	for _, r := range wx.Requests() {
		if tok := r.Query.Get("access_token"); tok != "" && strings.Contains(dump, tok) {
			t.Errorf("an access token reached telemetry:\n%s", dump)
		}
	}
}

func TestPushesAreTracedAndCounted(t *testing.T) {
	t.Parallel()
	rec := telemetrytest.New()
	const token, key = "push-token-1234", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	calls := 0
	h, err := logistics.NewEventHandler(logistics.EventConfig{
		Token: token, EncodingAESKey: key, AppID: "wxcarrier0000001",
		TracerProvider: rec, MeterProvider: rec.MeterProvider(),
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { calls++; return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	p := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: "wxcarrier0000001", Safe: true}
	ctx := context.Background()
	ev := logisticstest.SampleCancelWaybillEvent()
	for range 2 { // the second is WeChat's retry of the same event
		if reply, err := p.Push(ctx, h, ev); err != nil || reply.ResultCode != 0 {
			t.Fatalf("Push = %+v, %v", reply, err)
		}
	}
	bad := &logisticstest.Pusher{Token: "wrong-token-000", EncodingAESKey: key, AppID: "wxcarrier0000001", Safe: true}
	if _, err := bad.Push(ctx, h, ev); err == nil {
		t.Fatal("a push signed with the wrong token was answered")
	}
	if calls != 1 {
		t.Fatalf("callback ran %d times", calls)
	}
	if n := rec.Sum("waybill.pushes", telemetry.KeyEvent.String("cancel_waybill"), telemetry.KeyResultCode.Int(0), telemetry.KeyReplay.Bool(false)); n != 1 {
		t.Errorf("answered pushes %v\n%s", n, rec.Dump())
	}
	if n := rec.Sum("waybill.push.replays", telemetry.KeyEvent.String("cancel_waybill")); n != 1 {
		t.Errorf("replays %v", n)
	}
	if n := rec.Sum("waybill.pushes", telemetry.KeyStatus.Int(401)); n != 1 {
		t.Errorf("refusals %v", n)
	}
	spans := rec.Spans()
	if len(spans) != 3 || spans[0].Name != "waybill push" || spans[2].Attributes[telemetry.KeyStatus].AsInt64() != 401 {
		t.Errorf("spans:\n%s", rec.Dump())
	}
	dump := rec.Dump()
	for _, secret := range []string{token, key, ev.BizPwd, "wrong-token-000"} {
		if strings.Contains(dump, secret) {
			t.Errorf("%q reached telemetry:\n%s", secret, dump)
		}
	}
}
