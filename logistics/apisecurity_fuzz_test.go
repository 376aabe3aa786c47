package logistics_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jarcoal/httpmock"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/pipeline"
	"github.com/waybill-go/waybill/logistics"
)

// FuzzSealedReply feeds arbitrary replies to a sealed 同城配送 call (in
// memory, no network): as they come (mode 0), with a valid platform
// signature over them (mode 1), or as a plaintext encrypted with the app's
// key and signed (mode 2). Nothing may panic; only a mode 2 plaintext whose
// top-level errcode is 0 can be a success; a reply the checks refuse
// matches ErrSystem and ErrReplyNotVerified; no key shows in an error.
func FuzzSealedReply(f *testing.F) {
	for _, seed := range []string{
		`{"_n":"abcdefghijklmnop","_appid":"` + secAppID + `","_timestamp":TS,"errcode":0,"errmsg":"ok","order_status":20000,"deductfee":200}`,
		`{"_n":"abcdefghijklmnop","_appid":"` + secAppID + `","_timestamp":TS,"errcode":934016,"errmsg":"order not exist"}`,
		`{"_n":"x","_appid":"` + secAppID + `","_timestamp":TS,"errcode":"0","deductfee":"200"}`,
		`{"errcode":40234,"errmsg":"invalid signature"}`,
		`{"iv":"fmW/zNxXlytUZBgj","data":"AAAA","authtag":"AAAAAAAAAAAAAAAAAAAAAA=="}`,
		`{"iv":1,"data":null,"authtag":[]}`,
		`<html>502</html>`,
		`{"_appid":null}`,
	} {
		for mode := range uint8(3) {
			f.Add([]byte(seed), mode)
		}
	}
	app, _ := testKeys(f)
	// One client for the whole run (parsing keys is slow when fuzzing);
	// the responder answers the current input.
	var current struct {
		t    *testing.T
		body []byte
		mode uint8
	}
	mt := httpmock.NewMockTransport()
	mt.RegisterNoResponder(func(r *http.Request) (*http.Response, error) {
		urlpath := "https://api.weixin.qq.com" + r.URL.Path
		ts := time.Now().Unix()
		reply, hdr := current.body, http.Header{}
		switch current.mode {
		case 1:
			hdr = signAs(current.t, app, urlpath, app.AppID, ts, reply)
		case 2:
			plain := strings.ReplaceAll(string(current.body), "TS", strconv.FormatInt(ts, 10))
			reply = sealAs(current.t, app, urlpath, ts, plain)
			hdr = signAs(current.t, app, urlpath, app.AppID, ts, reply)
		}
		resp := httpmock.NewBytesResponse(http.StatusOK, reply)
		for k, v := range hdr {
			resp.Header[k] = v
		}
		return resp, nil
	})
	c, err := logistics.NewClient(auth.StaticToken("FUZZ-TOKEN"), logistics.WithHTTPClient(&http.Client{Transport: mt}),
		logistics.WithRetry(waybill.NoRetry), logistics.WithAPISecurity(apiSecurity(app)))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		mode %= 3
		current.t, current.body, current.mode = t, body, mode
		resp, err := c.Intracity().CancelOrder(context.Background(), &logistics.IntracityCancelRequest{WxOrderID: "WX1", CancelReasonID: 1})
		if err == nil {
			var top map[string]json.RawMessage
			if mode != 2 || resp == nil || json.Unmarshal([]byte(strings.ReplaceAll(string(body), "TS", "1")), &top) != nil {
				t.Fatalf("mode %d: success for %q", mode, body)
			}
			if n, err := strconv.Atoi(strings.Trim(string(top["errcode"]), `" `)); err != nil || n != 0 {
				t.Fatalf("success with errcode %s", top["errcode"])
			}
			return
		}
		for _, secret := range append(secretParts(app), "FUZZ-TOKEN") {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("secret in %q", err)
			}
		}
		var apiErr *werrors.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("not an APIError: %v", err)
		}
		// A body that is not a JSON object at all is refused by the pipeline
		// before any check of API security, as on every endpoint.
		verified := errors.Is(err, logistics.ErrReplyNotVerified) || errors.Is(err, pipeline.ErrNotJSON)
		if apiErr.Code == 0 && (!errors.Is(err, werrors.ErrSystem) || (mode != 2 && !verified)) {
			t.Fatalf("mode %d: unusable reply %v", mode, err)
		}
	})
}
