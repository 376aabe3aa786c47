package logistics

import (
	"errors"
	"strings"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// FuzzInterpretReply feeds arbitrary reply bodies and statuses through the
// decoding of WeChat business replies. It must never panic, and what it
// returns must be consistent.
func FuzzInterpretReply(f *testing.F) {
	for _, seed := range []struct {
		body   string
		status int
	}{
		{`{"errcode":0,"errmsg":"ok","delivery_resultcode":0,"delivery_resultmsg":""}`, 200},
		{`{"errcode":9300501,"errmsg":"delivery logic error rid: 1","delivery_resultcode":10002,"delivery_resultmsg":"no"}`, 200},
		{`{"errcode":40001,"errmsg":"invalid credential, access_token is invalid or not latest rid: 5f1e"}`, 200},
		{`{"errcode":-1,"errmsg":"system error"}`, 200},
		{`{"errcode":0,"errmsg":"ok"}`, 503},
		{`<html><body>502 Bad Gateway</body></html>`, 502},
		{`{"errcode":0,"errm`, 200},
		{``, 200},
		{`{}`, 200},
		{`{"errcode":"0"}`, 200},
		{`{"errcode":1e99}`, 200},
		{`{"errcode":0} {"errcode":1}`, 200},
		{"\xef\xbb\xbf{\"errcode\":0}", 200},
	} {
		f.Add([]byte(seed.body), seed.status)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		const token = "FUZZ-TOKEN"
		var resp CancelOrderResponse
		apiErr := interpret(cancelOp, &httpx.Reply{Status: status, Body: body}, &resp, token)
		if apiErr == nil {
			if resp.ErrCode != 0 || status >= 300 {
				t.Fatalf("success with errcode %d, status %d", resp.ErrCode, status)
			}
			return
		}
		if apiErr.Provider != werrors.ProviderWeChat || apiErr.Op != cancelOp || apiErr.HTTPStatus != status {
			t.Fatalf("APIError fields: %+v", apiErr)
		}
		if apiErr.Code == 0 && !errors.Is(apiErr, werrors.ErrSystem) {
			t.Fatalf("unusable reply does not match ErrSystem: %v", apiErr)
		}
		if apiErr.Code != 0 && apiErr.Code != resp.ErrCode {
			t.Fatalf("code %d, reply says %d", apiErr.Code, resp.ErrCode)
		}
		if strings.Contains(apiErr.Error(), token) {
			t.Fatalf("token in %q", apiErr.Error())
		}
		_ = apiErr.Error()
	})
}
