package apiusb

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
)

// fuzzSecret stands for the access token: whatever the reply, it must not
// come back in an error or a response.
const fuzzSecret = "TOPSECRET"

// replyTransport answers every request with status and body, in process.
type replyTransport struct {
	status int
	body   []byte
}

func (rt replyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{
		StatusCode: rt.status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(bytes.NewReader(rt.body)), ContentLength: int64(len(rt.body)), Request: r,
	}, nil
}

// FuzzCancelReply runs CancelOrder, whole pipeline included, against
// arbitrary reply bodies and statuses. Besides not panicking, a reply
// counts as a success only with ret 200 and data.code 200, every failure
// is a typed error of provider apiusb, and the secret never appears in
// what comes back. The committed corpus in testdata/fuzz/FuzzCancelReply
// holds the seed document's samples.
func FuzzCancelReply(f *testing.F) {
	for _, s := range []string{
		okReply,
		"{\n\"ret\": 200,\n\"data\": {\n\"code\": 200,\n\"message\": \"success\",\n\"data\": \"取消成功\"\n},\n\"msg\": \"\",\n}",
		`{"ret":200,"data":[{"lengthPre":14,"comCode":"zhongtong","noPre":"75351","noCount":548102}],"msg":""}`,
		`{"ret":"200","data":{"code":"200","message":"success","data":{"x":[1,2,]}},"msg":null}`,
		`{"ret":400,"data":[],"msg":"非法请求：缺少必要参数orderId"}`,
		`{"ret":406,"data":null,"msg":"access_token TOPSECRET refused"}`,
		`{"ret":200,"data":{"code":601,"message":"TOPSECRET"},"msg":"TOPSECRET"}`,
		`{"ret":200,"data":{"code":200,"message":"T\u004fPSECRET","data":"TOPSECRE\u0054"}}`,
		"\xef\xbb\xbf{\"ret\":500}",
		`<html><body>502 Bad Gateway</body></html>`,
		`{"ret":200,"data":{"code":200,"mess`,
		``,
		"{\"ret\":200,\"data\":{\"code\":200,\"data\":{\"a\":\"\xff\"}}}",
	} {
		f.Add([]byte(s), 200)
	}
	f.Fuzz(func(t *testing.T, body []byte, status int) {
		if status < 100 || status > 999 {
			status = 200 // net/http would refuse to deliver it
		}
		c, err := NewClient(WithHTTPClient(&http.Client{Transport: replyTransport{status, body}}),
			WithRetry(waybill.NoRetry), WithAccessToken(auth.StaticToken(fuzzSecret)),
			WithDataCodes(map[int]error{1002: werrors.ErrDuplicateCancel}))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.CancelOrder(context.Background(), &CancelOrderRequest{OrderID: "o", TaskID: "t", CancelMsg: "m"})
		if resp != nil {
			if out := fmt.Sprintf("%+v", *resp); strings.Contains(out, fuzzSecret) {
				t.Fatalf("response leaks the secret: %s", out)
			}
		}
		if err == nil {
			if resp == nil || resp.Ret != 200 || resp.Data.Code != 200 {
				t.Fatalf("success with %+v", resp)
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
		var apiErr *werrors.APIError
		if !errors.As(err, &apiErr) || apiErr.Provider != "apiusb" || apiErr.HTTPStatus != status {
			t.Fatalf("error %v is no APIError of this reply", err)
		}
		if apiErr.Code == 0 && !errors.Is(err, werrors.ErrSystem) {
			t.Fatalf("code-less error %v does not match ErrSystem", err)
		}
		if resp != nil && apiErr.Code != resp.Ret && apiErr.Code != resp.Data.Code && apiErr.Code != 0 {
			t.Fatalf("error %v for response %+v", err, resp)
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
