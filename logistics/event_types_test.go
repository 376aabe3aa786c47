package logistics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// typedConfig answers every typed event, recording what it got.
type typed struct {
	add   *logistics.AddWaybillEvent
	check *logistics.CheckBizEvent
	quota *logistics.GetQuotaEvent
	path  *logistics.ExpressPathEvent
	err   error
}

func (c *typed) config() logistics.EventConfig {
	return logistics.EventConfig{
		Token: testToken, EncodingAESKey: testKey, AppID: testAppID, AllowPlain: true,
		OnAddWaybill: func(_ context.Context, ev *logistics.AddWaybillEvent) (*logistics.AddWaybillResult, error) {
			cp := *ev
			c.add = &cp
			ev.Token, ev.OrderID = "mutated", "mutated" // the reply must not change
			return &logistics.AddWaybillResult{WayBillID: "SF1234567890", WaybillData: "##SF_bagAddr##广州##SF_mark##101-07-03##"}, c.err
		},
		OnCheckBiz: func(_ context.Context, ev *logistics.CheckBizEvent) error {
			c.check = ev
			return c.err
		},
		OnGetQuota: func(_ context.Context, ev *logistics.GetQuotaEvent) (int, error) {
			if ev.Event == logistics.EventGetQuota {
				c.quota = ev
			}
			return 1500, c.err
		},
		OnExpressPath: func(_ context.Context, ev *logistics.ExpressPathEvent) error {
			c.path = ev
			return c.err
		},
	}
}

func TestTypedEventsRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, mode := range []string{"plain", "safe", "compatible"} {
			t.Run(string(f)+"/"+mode, func(t *testing.T) {
				t.Parallel()
				c := &typed{}
				h := newHandler(t, c.config())
				p := pusher(f, mode != "plain")
				p.Compatible = mode == "compatible"
				ctx := context.Background()

				add := logisticstest.SampleAddWaybillEvent()
				r, err := p.PushEvent(ctx, h, add)
				if err != nil {
					t.Fatal(err)
				}
				addReply, err := r.AddWaybill()
				if err != nil {
					t.Fatal(err)
				}
				wantAdd := logisticstest.AddWaybillReply{ToUserName: "oABCD", FromUserName: "gh_abcdefg", CreateTime: 1533042556, MsgType: "event",
					Event: "add_waybill", Token: add.Token, OrderID: add.OrderID, BizID: "xyz", WayBillID: "SF1234567890",
					ResultCode: 0, ResultMsg: "success", WaybillData: "##SF_bagAddr##广州##SF_mark##101-07-03##"}
				if *addReply != wantAdd {
					t.Errorf("add_waybill reply %+v\nwant %+v", *addReply, wantAdd)
				}
				if c.add == nil || !reflect.DeepEqual(*c.add, *add) {
					t.Errorf("OnAddWaybill got %#v\nwant %#v", c.add, add)
				}
				if c.add != nil && (c.add.BizPwd != "xyz123" || c.add.Token != "1234ABC234523451" || len(c.add.Cargo.DetailList) != 2 || c.add.Cargo.SpaceX != 20.5) {
					t.Errorf("OnAddWaybill lost fields: %+v", c.add)
				}

				r, err = p.PushEvent(ctx, h, logisticstest.SampleCheckBizEvent())
				if err != nil {
					t.Fatal(err)
				}
				checkReply, err := r.Quota()
				if err != nil || checkReply.Event != "check_biz" || checkReply.BizID != "xyz" || checkReply.ResultCode != 0 || checkReply.Quota != 1500 {
					t.Errorf("check_biz reply %+v, %v", checkReply, err)
				}
				if c.check == nil || !reflect.DeepEqual(*c.check, *logisticstest.SampleCheckBizEvent()) {
					t.Errorf("OnCheckBiz got %+v", c.check)
				}

				r, err = p.PushEvent(ctx, h, logisticstest.SampleGetQuotaEvent())
				if err != nil {
					t.Fatal(err)
				}
				quotaReply, err := r.Quota()
				if err != nil || quotaReply.Event != "get_quota" || quotaReply.ResultCode != 0 || quotaReply.ResultMsg != "success" || quotaReply.Quota != 1500 {
					t.Errorf("get_quota reply %+v, %v", quotaReply, err)
				}
				if c.quota == nil || *c.quota != *logisticstest.SampleGetQuotaEvent() {
					t.Errorf("OnGetQuota got %+v", c.quota)
				}

				r, err = p.PushEvent(ctx, h, logisticstest.SampleExpressPathEvent())
				if err != nil || !r.Success() || r.Encrypted {
					t.Errorf("add_express_path answer %+v, %v; want plain success", r, err)
				}
				if c.path == nil || !reflect.DeepEqual(*c.path, *logisticstest.SampleExpressPathEvent()) {
					t.Errorf("OnExpressPath got %+v", c.path)
				}
			})
		}
	}
}

// The documentation's own add_waybill sample, as the page shows it (XML
// with line breaks, DetailList repeated; JSON with a list), decodes.
func TestAddWaybillDocumentSample(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"add_waybill_request.xml", "add_waybill_request.json"} {
		body := readFile(t, name)
		var ev logistics.AddWaybillEvent
		var err error
		if filepath.Ext(name) == ".json" {
			err = json.Unmarshal(body, &ev)
		} else {
			err = xml.Unmarshal(body, &ev)
		}
		want := *logisticstest.SampleAddWaybillEvent()
		want.WayBillID = "123456789"
		if err != nil || !reflect.DeepEqual(ev, want) {
			t.Errorf("%s: %v\n got %#v\nwant %#v", name, err, ev, want)
		}
	}
}

func TestTypedEventGoldenReplies(t *testing.T) {
	t.Parallel()
	events := map[string]any{
		"add_waybill": logisticstest.SampleAddWaybillEvent(),
		"check_biz":   logisticstest.SampleCheckBizEvent(),
		"get_quota":   logisticstest.SampleGetQuotaEvent(),
	}
	for name, ev := range events {
		for _, f := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
			c := &typed{}
			h := newHandler(t, c.config())
			r, err := pusher(f, false).PushEvent(context.Background(), h, ev)
			if err != nil {
				t.Fatal(err)
			}
			golden := name + "_reply." + string(f)
			path := filepath.Join("testdata", golden)
			if *update {
				if err := os.WriteFile(path, r.Body, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, golden); !bytes.Equal(r.Body, want) {
				t.Errorf("reply differs from %s:\n got %s\nwant %s", path, r.Body, want)
			}
		}
	}
}

func TestBizResultCodes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		code int
		msg  string
	}{
		{"nil", nil, 0, "success"},
		{"unknown account", fmt.Errorf("no such BizID: %w", werrors.ErrInvalidParam), 10001, "business account not found"},
		{"wrong password", fmt.Errorf("password: %w", werrors.ErrUnauthorized), 10002, "wrong business password"},
		{"account not bound", werrors.ErrAccountNotBound, 10001, "business account not found"},
		{"credentials refused", werrors.ErrInvalidCredentials, 10002, "wrong business password"},
		{"explicit", &logistics.ResultError{Code: 10002, Msg: "密码错误"}, 10002, "密码错误"},
		{"explicit wrapped", fmt.Errorf("x: %w", &logistics.ResultError{Code: 10001}), 10001, "business account not found"},
		{"explicit zero is no success", &logistics.ResultError{}, -1, "system error"},
		{"other", errors.New("db down"), -1, "system error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := logistics.BizResultCode(tt.err); got != tt.code {
				t.Errorf("BizResultCode = %d, want %d", got, tt.code)
			}
			for name, ev := range map[string]any{"add_waybill": logisticstest.SampleAddWaybillEvent(), "check_biz": logisticstest.SampleCheckBizEvent(), "get_quota": logisticstest.SampleGetQuotaEvent()} {
				c := &typed{err: tt.err}
				r, err := pusher(logisticstest.FormatJSON, true).PushEvent(context.Background(), newHandler(t, c.config()), ev)
				if err != nil {
					t.Fatal(err)
				}
				reply, err := r.AddWaybill() // ResultCode and ResultMsg are common to all three
				if err != nil || reply.ResultCode != tt.code || reply.ResultMsg != tt.msg {
					t.Errorf("%s: reply %+v, %v", name, reply, err)
				}
				if tt.code != 0 && name == "add_waybill" && (reply.WayBillID != "0" || reply.WaybillData != "") {
					t.Errorf("a refused add_waybill carries a waybill: %+v", reply)
				}
			}
		})
	}
	if got := logistics.ResultCode(&logistics.ResultError{Code: 30003}); got != 30003 {
		t.Errorf("ResultCode of a ResultError = %d", got)
	}
}

func TestExpressPathFailureIsRetried(t *testing.T) {
	t.Parallel()
	c := &typed{err: errors.New("shop database down")}
	h := newHandler(t, c.config())
	p := pusher(logisticstest.FormatXML, true)
	_, err := p.PushEvent(context.Background(), h, logisticstest.SampleExpressPathEvent())
	var se *logisticstest.PushStatusError
	if !errors.As(err, &se) || se.StatusCode != http.StatusInternalServerError {
		t.Errorf("failed add_express_path: %v, want 500", err)
	}
}

// An event whose callback is nil keeps the answer it had before its
// callback existed: "success" (cancel_waybill: 30004).
func TestNilCallbacksAnswerAsBefore(t *testing.T) {
	t.Parallel()
	h := newHandler(t, logistics.EventConfig{Token: testToken, EncodingAESKey: testKey, AppID: testAppID})
	for name, ev := range sampleEvents() {
		r, err := pusher(logisticstest.FormatJSON, true).PushEvent(context.Background(), h, ev)
		if err != nil {
			t.Fatal(err)
		}
		if name == "cancel_waybill" {
			if reply, err := r.CancelWaybill(); err != nil || reply.ResultCode != 30004 {
				t.Errorf("cancel_waybill: %+v, %v", reply, err)
			}
			continue
		}
		if !r.Success() {
			t.Errorf("%s: %+v", name, r)
		}
	}
}

func TestTypedEventsJSON(t *testing.T) {
	t.Parallel()
	var add logistics.AddWaybillEvent
	if err := json.Unmarshal([]byte(`{"CreateTime":"17","Cargo":{"Space_X":1.5,"DetailList":[{"Name":"a","Count":2}]}}`), &add); err != nil ||
		add.CreateTime != 17 || add.Cargo.SpaceX != 1.5 || len(add.Cargo.DetailList) != 1 {
		t.Errorf("add: %+v, %v", add, err)
	}
	var path logistics.ExpressPathEvent
	if err := json.Unmarshal([]byte(`{"CreateTime":1,"WayBillId":"w","OrderId":"o","Actions":[{"ActionTime":2,"ActionType":100001,"ActionMsg":"m"}]}`), &path); err != nil ||
		path.WayBillID != "w" || path.OrderID != "o" || len(path.Actions) != 1 {
		t.Errorf("path: %+v, %v", path, err)
	}
	for _, bad := range []string{`{"CreateTime":"soon"}`, `{"CreateTime":1.5}`, `{"Cargo":{"Count":"x"}}`} {
		if err := json.Unmarshal([]byte(bad), &add); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	var check logistics.CheckBizEvent
	var quota logistics.GetQuotaEvent
	if json.Unmarshal([]byte(`{"CreateTime":"5"}`), &check) != nil || check.CreateTime != 5 || json.Unmarshal([]byte(`{"CreateTime":6}`), &quota) != nil || quota.CreateTime != 6 {
		t.Errorf("check %+v quota %+v", check, quota)
	}
}
