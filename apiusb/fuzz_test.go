package apiusb

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
)

// fuzzSecret stands for the access token: whatever the reply, it must not
// come back in an error or a response.
const fuzzSecret = "TOPSECRET"

// FuzzDecodeEnvelope runs the reply decoding of CancelOrder (envelope, ret,
// data.code) on arbitrary bodies and statuses. Besides not panicking, a
// reply counts as a success only with ret 200 and data.code 200, every
// failure is an *errors.APIError of provider apiusb, and the secret never
// appears in what comes back. The committed corpus in
// testdata/fuzz/FuzzDecodeEnvelope holds the seed document's samples.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, s := range []string{
		okReply,
		"{\n\"ret\": 200,\n\"data\": {\n\"code\": 200,\n\"message\": \"success\",\n\"data\": \"取消成功\"\n},\n\"msg\": \"\",\n}",
		`{"ret":200,"data":[{"lengthPre":14,"comCode":"zhongtong","noPre":"75351","noCount":548102}],"msg":""}`,
		`{"ret":"200","data":{"code":"200","message":"success","data":{"x":[1,2,]}},"msg":null}`,
		`{"ret":400,"data":[],"msg":"非法请求：缺少必要参数orderId"}`,
		`{"ret":406,"data":null,"msg":"access_token TOPSECRET refused"}`,
		`{"ret":200,"data":{"code":601,"message":"TOPSECRET"},"msg":"TOPSECRET"}`,
		"\xef\xbb\xbf{\"ret\":500}",
		`<html><body>502 Bad Gateway</body></html>`,
		`{"ret":200,"data":{"code":200,"mess`,
		``,
		"{\"ret\":200,\"data\":{\"code\":200,\"data\":{\"a\":\"\xff\"}}}",
	} {
		f.Add([]byte(s), 200)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		reply := &httpx.Reply{Status: status, ContentType: "application/json", Body: body}
		env, apiErr := parseEnvelope(CancelService, reply, new(wireCancelData))
		if (env == nil) == (apiErr == nil) {
			t.Fatalf("parseEnvelope = %v, %v: want exactly one", env, apiErr)
		}
		if apiErr != nil {
			if apiErr.Code != 0 || !errors.Is(apiErr, werrors.ErrSystem) || apiErr.Provider != "apiusb" || apiErr.HTTPStatus != status {
				t.Fatalf("unusable reply gave %+v", apiErr)
			}
			noSecret(t, apiErr)
			return
		}
		if refused := env.refused(CancelService, fuzzSecret); (refused == nil) != (env.Ret == 200) {
			t.Fatalf("ret %d: refused = %v", env.Ret, refused)
		} else if refused != nil {
			if refused.Code != env.Ret {
				t.Fatalf("ret %d gave Code %d", env.Ret, refused.Code)
			}
			noSecret(t, refused)
		}
		resp, err := decodeCancel(env, fuzzSecret)
		if resp == nil || resp.Ret != env.Ret {
			t.Fatalf("decodeCancel gave response %+v for ret %d", resp, env.Ret)
		}
		if out := fmt.Sprintf("%+v", *resp); strings.Contains(out, fuzzSecret) {
			t.Fatalf("response leaks the secret: %s", out)
		}
		if err == nil {
			if resp.Data.Code != 200 {
				t.Fatalf("success with data.code %d", resp.Data.Code)
			}
			// A success survives a round trip through the public type.
			b, merr := json.Marshal(resp)
			if merr != nil {
				t.Fatal(merr)
			}
			var again CancelOrderResponse
			if uerr := json.Unmarshal(b, &again); uerr != nil || again != *resp {
				t.Fatalf("round trip: %+v, %v; want %+v", again, uerr, *resp)
			}
			return
		}
		if err.Provider != "apiusb" || (err.Code != 0 && err.Code != resp.Data.Code) {
			t.Fatalf("data error %+v for response %+v", err, resp)
		}
		if err.Code == 0 && !errors.Is(err, werrors.ErrSystem) {
			t.Fatalf("code-less error %v does not match ErrSystem", err)
		}
		noSecret(t, err)
	})
}

func noSecret(t *testing.T, err error) {
	t.Helper()
	for _, e := range chain(err) {
		if strings.Contains(e.Error(), fuzzSecret) {
			t.Fatalf("error leaks the secret: %v", e)
		}
	}
}

// relaxJSON leaves valid JSON alone and never makes a document invalid.
func FuzzRelaxJSON(f *testing.F) {
	f.Add([]byte(`{"a":[1,2,],}`))
	f.Add([]byte(`{"a":"x,}"}`))
	f.Add([]byte(`[,]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := relaxJSON(b)
		if json.Valid(b) && string(out) != string(b) {
			t.Fatalf("valid JSON changed: %q -> %q", b, out)
		}
		if len(out) > len(b) {
			t.Fatalf("relaxJSON grew %q to %q", b, out)
		}
	})
}
