package wxapi

import (
	"errors"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/pipeline"
)

var testPipe = pipeline.New(Provider, pipeline.Settings{})

type cancelReply struct {
	ErrCode            int    `json:"errcode"`
	ErrMsg             string `json:"errmsg"`
	DeliveryResultCode int    `json:"delivery_resultcode"`
	DeliveryResultMsg  string `json:"delivery_resultmsg"`
}

var (
	cancelEP = &Endpoint{Op: "order/cancel"}
	addEP    = &Endpoint{Op: "order/add", Success: []string{"order_id", "waybill_id"}}
	tokenEP  = &Endpoint{Op: "stable_token", Success: []string{"access_token"}, Token: true}
)

func judge(ep *Endpoint, status int, body string, out any) pipeline.Judgement {
	return Judge(testPipe, ep, &httpx.Reply{Status: status, Body: []byte(body)}, out)
}

func TestJudgeSuccessNeedsAnUnambiguousReply(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ep     *Endpoint
		status int
		body   string
		ok     bool
	}{
		{cancelEP, 200, `{"errcode":0,"errmsg":"ok","delivery_resultcode":0,"delivery_resultmsg":""}`, true},
		{cancelEP, 200, `{"errcode":"0","errmsg":"ok"}`, true},
		{cancelEP, 200, `{"errcode":" 0 ","delivery_resultcode":"0"}`, true},
		{cancelEP, 200, `{"errcode":null,"errmsg":"system busy"}`, false},
		{cancelEP, 200, `{"data":{"errcode":0}}`, false},
		{cancelEP, 200, `{}`, false},
		{cancelEP, 200, `{"errmsg":"ok"}`, false},
		{cancelEP, 200, `{"errcode":"ok"}`, false},
		{cancelEP, 200, `{"errcode":0.5}`, false},
		{cancelEP, 200, `{"errcode":true}`, false},
		{cancelEP, 503, `{"errcode":0}`, false},
		{cancelEP, 200, `{"errcode":0,"delivery_resultcode":"x"}`, false}, // the response cannot be decoded
		{addEP, 200, `{"order_id":"o","waybill_id":"w","waybill_data":[]}`, true},
		{addEP, 200, `{"order_id":"o"}`, false},
		{addEP, 200, `{"order_id":"o","waybill_id":null}`, false},
		{addEP, 200, `{"errcode":0,"order_id":"o"}`, true}, // errcode 0 says so
		{addEP, 200, `{"result":{"order_id":"o","waybill_id":"w"}}`, false},
		{tokenEP, 200, `{"access_token":"t","expires_in":7200}`, true},
	}
	for _, c := range cases {
		var out cancelReply
		j := judge(c.ep, c.status, c.body, &out)
		if got := j.Verdict == pipeline.Success; got != c.ok {
			t.Errorf("%s %d %s: verdict %v (%v), want success=%v", c.ep.Op, c.status, c.body, j.Verdict, j.Err, c.ok)
		}
		if !c.ok && !errors.Is(j.Err, werrors.ErrSystem) {
			t.Errorf("%s: refusal %v does not match ErrSystem", c.body, j.Err)
		}
	}
}

func TestJudgeRefusals(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ep      *Endpoint
		status  int
		body    string
		verdict pipeline.Verdict
		want    error
		unknown bool
	}{
		{cancelEP, 200, `{"errcode":9300506,"errmsg":"has trace rid: r1"}`, pipeline.Refused, werrors.ErrAlreadyHasTrace, false},
		{cancelEP, 200, `{"errcode":"9300524","errmsg":"cancel order fail"}`, pipeline.Refused, werrors.ErrDuplicateCancel, false},
		{cancelEP, 200, `{"errcode":40001}`, pipeline.TokenRejected, werrors.ErrInvalidToken, false},
		{cancelEP, 200, `{"errcode":42001}`, pipeline.TokenRejected, werrors.ErrInvalidToken, false},
		{cancelEP, 200, `{"errcode":41001}`, pipeline.Refused, werrors.ErrInvalidToken, false},
		{cancelEP, 200, `{"errcode":-1,"errmsg":"system busy"}`, pipeline.Transient, werrors.ErrSystem, true},
		{cancelEP, 200, `{"errcode":45011}`, pipeline.Refused, werrors.ErrRateLimited, false},
		{cancelEP, 502, `{"errcode":12345}`, pipeline.Transient, werrors.ErrSystem, true},
		{cancelEP, 200, `{"errcode":12345}`, pipeline.Refused, nil, false},
		{cancelEP, 200, `{"errcode":null}`, pipeline.Refused, werrors.ErrSystem, true},
		{cancelEP, 502, `{"errcode":null}`, pipeline.Transient, werrors.ErrSystem, true},
		{tokenEP, 200, `{"errcode":40001}`, pipeline.Refused, werrors.ErrInvalidCredentials, false},
		{tokenEP, 200, `{"errcode":-1}`, pipeline.Transient, werrors.ErrSystem, true},
		{&Endpoint{Op: "x", Codes: map[int]error{10025011: werrors.ErrSystem}}, 200, `{"errcode":10025011}`, pipeline.Transient, werrors.ErrSystem, true},
	}
	for _, c := range cases {
		j := judge(c.ep, c.status, c.body, nil)
		var e *werrors.APIError
		if j.Verdict != c.verdict || j.Unknown != c.unknown || !errors.As(j.Err, &e) || e.Sentinel != c.want {
			t.Errorf("%s %d %s: %+v, want verdict %v unknown %v matching %v", c.ep.Op, c.status, c.body, j, c.verdict, c.unknown, c.want)
		}
	}
}

func TestJudgeKeepsTheDetails(t *testing.T) {
	t.Parallel()
	var out cancelReply
	j := judge(cancelEP, 200, `{"errcode":"9300501","errmsg":"delivery logic error rid: 65-a","delivery_resultcode":"10002","delivery_resultmsg":"out of area"}`, &out)
	var e *werrors.APIError
	if !errors.As(j.Err, &e) {
		t.Fatalf("judgement %+v", j)
	}
	want := werrors.APIError{Provider: "wechat", Op: "order/cancel", Code: 9300501, CodeName: "errcode",
		Message: "delivery logic error rid: 65-a", RequestID: "65-a", CarrierCode: 10002, CarrierMessage: "out of area",
		HTTPStatus: 200, Sentinel: werrors.ErrCarrier}
	if *e != want {
		t.Errorf("APIError = %+v\nwant       %+v", *e, want)
	}
	if out.ErrCode != 9300501 || out.DeliveryResultCode != 10002 || out.DeliveryResultMsg != "out of area" {
		t.Errorf("decoded = %+v", out)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"invalid credential, access_token is invalid or not latest rid: 6512c0a1-0a6b5c2e-1f2e3d4c": "6512c0a1-0a6b5c2e-1f2e3d4c",
		"ok":       "",
		"":         "",
		"x rid:":   "",
		"rid:  r1": "r1",
	}
	for msg, want := range cases {
		if got := RequestID(msg); got != want {
			t.Errorf("RequestID(%q) = %q, want %q", msg, got, want)
		}
	}
}

// FuzzJudge feeds arbitrary reply bodies and statuses through the judging
// of WeChat replies. It must never panic, and what it returns must be
// consistent.
func FuzzJudge(f *testing.F) {
	for _, seed := range []struct {
		body   string
		status int
	}{
		{`{"errcode":0,"errmsg":"ok","delivery_resultcode":0,"delivery_resultmsg":""}`, 200},
		{`{"errcode":9300501,"errmsg":"delivery logic error rid: 1","delivery_resultcode":10002,"delivery_resultmsg":"no"}`, 200},
		{`{"errcode":"0","delivery_resultcode":"7"}`, 200},
		{`{"errcode":null}`, 200},
		{`{"order_id":"o","waybill_id":"w"}`, 200},
	} {
		f.Add([]byte(seed.body), seed.status)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		for _, ep := range []*Endpoint{cancelEP, addEP} {
			var out cancelReply
			j := Judge(testPipe, ep, &httpx.Reply{Status: status, Body: body}, &out)
			if j.Verdict == pipeline.Success {
				if j.Err != nil || status >= 300 || out.ErrCode != 0 {
					t.Fatalf("success with %+v, status %d, errcode %d", j, status, out.ErrCode)
				}
				continue
			}
			var e *werrors.APIError
			if !errors.As(j.Err, &e) || e.Provider != Provider || e.Op != ep.Op || e.HTTPStatus != status {
				t.Fatalf("refusal %+v", j.Err)
			}
			if e.Code == 0 && !errors.Is(e, werrors.ErrSystem) {
				t.Fatalf("unusable reply does not match ErrSystem: %v", e)
			}
			if e.Code != 0 && e.Sentinel == nil && status >= 500 {
				t.Fatalf("a code without a sentinel behind HTTP %d does not match ErrSystem: %v", status, e)
			}
			_ = e.Error()
		}
	})
}

func TestEveryKnownSuccessMemberIsRead(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"access_token", "order_id", "waybill_id", "order_list", "path_item_num", "count", "data", "list", "quota_num", "rendered_waybill_template", "sender", "receiver"} {
		if !Reads(name) {
			t.Errorf("%s is not read", name)
		}
	}
	if Reads("nonsense") {
		t.Error("an unknown member is read")
	}
}

// JudgeStatus reads what Judge decoding into a struct of the four status
// members would, and refuses what that decoding would refuse.
func TestJudgeStatusAgreesWithJudge(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"errcode":0,"errmsg":"ok","delivery_resultcode":0,"delivery_resultmsg":""}`,
		`{"errcode":"0","errmsg":"ok","delivery_resultcode":"7"}`,
		`{"errcode":9300501,"errmsg":"carrier says \u4e0d rid: r1","delivery_resultcode":10002,"delivery_resultmsg":"超区"}`,
		`{"errcode":0,"errmsg":5}`,
		`{"errcode":0,"delivery_resultcode":"x"}`,
		`{"errcode":0,"delivery_resultmsg":[1]}`,
		`{"errcode":null}`,
		`{}`,
	} {
		var out cancelReply
		want := judge(cancelEP, 200, body, &out)
		got, st := JudgeStatus(testPipe, cancelEP, &httpx.Reply{Status: 200, Body: []byte(body)})
		if got.Verdict != want.Verdict || (got.Err == nil) != (want.Err == nil) {
			t.Errorf("%s: JudgeStatus %+v, Judge %+v", body, got, want)
			continue
		}
		if want.Err == nil || out.ErrCode != 0 {
			if st != Status(out) {
				t.Errorf("%s: status %+v, decoded %+v", body, st, out)
			}
		}
	}
}
