package apisec_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/waybill-go/waybill/internal/apisec"
)

// A request sealed by the app, opened by the (fake) platform, answered with
// a sealed reply, and opened by the app again.
func Example() {
	tk, err := apisec.GenerateTestKeys("wx0123456789abcdef")
	if err != nil {
		panic(err)
	}
	tk.SymmetricSN, tk.PlatformSN = "sym01", "cert01" // fixed numbers, for the printed line below
	keys, err := apisec.New(tk.Config())              // the client side: what the console gives the app
	if err != nil {
		panic(err)
	}
	platform, err := apisec.NewPlatform(tk.PlatformConfig()) // the server side, for tests
	if err != nil {
		panic(err)
	}
	const urlpath = "https://api.weixin.qq.com/cgi-bin/express/intracity/cancelorder"
	now := time.Now()

	body, hdr, err := keys.SealRequest(urlpath, []byte(`{"wx_order_id":"WX1","cancel_reason_id":1}`), now)
	if err != nil {
		panic(err)
	}
	plain, err := platform.OpenRequest(urlpath, hdr, body, now)
	if err != nil {
		panic(err)
	}
	var req struct {
		WxOrderID      string `json:"wx_order_id"`
		CancelReasonID int    `json:"cancel_reason_id"`
	}
	if err := json.Unmarshal(plain, &req); err != nil {
		panic(err)
	}
	fmt.Printf("platform got: %+v\n", req)

	replyBody, replyHdr, err := platform.SealReply(urlpath, []byte(`{"errcode":0,"errmsg":"ok","deductfee":200}`), now)
	if err != nil {
		panic(err)
	}
	plain, err = keys.OpenReply(urlpath, replyHdr, replyBody, now, now)
	if err != nil {
		panic(err)
	}
	var reply struct { // the members "_n", "_appid" and "_timestamp" are ignored
		ErrCode   int   `json:"errcode"`
		DeductFee int64 `json:"deductfee"`
	}
	if err := json.Unmarshal(plain, &reply); err != nil {
		panic(err)
	}
	fmt.Printf("app got: %+v\n", reply)
	fmt.Println("printed keys:", keys)
	// Output:
	// platform got: {WxOrderID:WX1 CancelReasonID:1}
	// app got: {ErrCode:0 DeductFee:200}
	// printed keys: apisec.Keys{AppID:wx0123456789abcdef SymmetricSN:sym01 PlatformSN:cert01 keys:REDACTED}
}
