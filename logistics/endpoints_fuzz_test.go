package logistics_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jarcoal/httpmock"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
)

// FuzzEndpointReply feeds arbitrary replies to every endpoint through the
// client (in memory, no network). Nothing may panic; a success needs HTTP
// 2xx and a JSON object whose errcode is 0, or which has no errcode at all;
// an unusable reply matches ErrSystem; the token never shows.
func FuzzEndpointReply(f *testing.F) {
	for _, seed := range []string{
		`{"order_id":"o","waybill_id":"w","waybill_data":[{"key":"k","value":"v"}]}`,
		`{"errcode":0,"errmsg":"ok"}`,
		`{"errcode":"0","errmsg":"ok","count":1,"data":[],"list":[]}`,
		`{"errcode":9300501,"errmsg":"delivery logic fail","delivery_resultcode":10002,"delivery_resultmsg":"x"}`,
		`{"errcode":null,"order_id":"o","waybill_id":"w"}`,
		`{"data":{"errcode":0}}`,
		`{"order_list":[{"errcode":930563}]}`,
		`{"quota_num":"210"}`,
		`{"count":2,"openid":["a",1]}`,
		`<html>502</html>`,
		`{"waybill_id":"w","sender":{},"receiver":null}`,
		`{"errcode":1e3}`,
	} {
		for _, which := range []uint8{0, 3, 4, 7, 12} {
			f.Add([]byte(seed), 200, which)
		}
	}
	f.Add([]byte(`{"errcode":0}`), 503, uint8(1))
	cases := endpointCases()
	f.Fuzz(func(t *testing.T, body []byte, status int, which uint8) {
		if status < 100 || status > 999 {
			status = 200
		}
		tc := cases[int(which)%len(cases)]
		mt := httpmock.NewMockTransport()
		mt.RegisterNoResponder(func(*http.Request) (*http.Response, error) {
			return httpmock.NewBytesResponse(status, body), nil
		})
		c, err := logistics.NewClient(auth.StaticToken("FUZZ-TOKEN"), logistics.WithHTTPClient(&http.Client{Transport: mt}), logistics.WithRetry(waybill.NoRetry))
		if err != nil {
			t.Fatal(err)
		}
		_, err = tc.call(context.Background(), c)
		if err == nil {
			var top map[string]json.RawMessage
			if status < 200 || status > 299 || json.Unmarshal(body, &top) != nil {
				t.Fatalf("%s: success with status %d, body %q", tc.name, status, body)
			}
			if raw, ok := top["errcode"]; ok {
				if n, err := json.Number(strings.Trim(string(bytes.TrimSpace(raw)), `"`)).Int64(); err != nil || n != 0 {
					t.Fatalf("%s: success with errcode %s", tc.name, raw)
				}
			}
			return
		}
		if strings.Contains(err.Error(), "FUZZ-TOKEN") {
			t.Fatalf("token in %q", err)
		}
		var apiErr *werrors.APIError
		if errors.As(err, &apiErr) && apiErr.Code == 0 && !errors.Is(err, werrors.ErrSystem) {
			t.Fatalf("unusable reply does not match ErrSystem: %v", err)
		}
	})
}
