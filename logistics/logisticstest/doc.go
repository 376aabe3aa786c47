// Package logisticstest provides fakes and helpers for testing code that uses
// package logistics.
//
// # A fake WeChat for shop backends
//
// NewServer starts a stateful fake of WeChat's token endpoints and the
// express business order/cancel API on a loopback port, in the style of
// httptest.Server:
//
//	srv := logisticstest.NewServer()
//	defer srv.Close()
//	srv.AddOrder(logisticstest.Order{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
//	client, _ := srv.Client() // a logistics.Client whose tokens come from the fake
//	_, err := client.CancelOrder(ctx, &logistics.CancelOrderRequest{OrderID: "o-1", DeliveryID: "SF", WaybillID: "w-1"})
//
// It issues tokens from both /cgi-bin/token and /cgi-bin/stable_token
// (honouring force_refresh, with a lifetime WithTokenLifetime sets), answers
// wrong credentials with 40013 or 40125, and rejects expired (42001) and
// unknown or invalidated (40001) tokens on business calls. order/cancel runs
// against the order book the test seeds with AddOrder: open orders are
// cancelled; picked-up orders or orders with a trace answer 9300506,
// cancelled ones 9300524, a carrier refusal 9300501 with the order's
// delivery_resultcode; unknown orders, waybills and delivery companies answer
// 930563, 40199 and 9300503, and missing fields 930561. Inject queues faults
// (an errcode, an HTTP status, a dropped connection before or after the
// request is handled, a delay), and Requests returns every request received.
//
// The same order book serves the rest of the 物流助手 API (paths in the
// Path constants): order/add creates an order with waybill data and a
// waybill ID (the same order again gets the same waybill), order/get and
// order/batchget read it, test_update_order and the carrier's path/update
// add path events (OrderToken gives the Token path/update needs), after
// which order/cancel answers 9300506; path/get lists them. Accounts bound
// with account/bind, printers, quotas (SetQuota) and the carrier calls
// contact/get, template/preview and service/business/update are served too,
// each with the refusals WeChat documents. Faults and the request log work
// on every path.
//
// # 同城配送 and WeChat API security
//
// The fake plays WeChat's server API security (服务端 API 签名与加密) on the
// 同城配送 endpoints (PathIntracityCancelOrder, PathIntracityQueryOrder),
// where WeChat requires it: it verifies each request's signature with the
// app's public key, checks the timestamp against its clock (WithClock),
// decrypts the body, checks the additional data and the "_n", "_appid" and
// "_timestamp" members, and answers sealed and signed with its own
// platform key. A request that does not check out is refused in plain JSON
// with WeChat's errcode (934011 unsigned, 40234 a bad signature, 40237
// another app, 40240 stale, …). Server.APISecurity is the matching client
// configuration:
//
//	client, _ := srv.Client(logistics.WithAPISecurity(srv.APISecurity()))
//	srv.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "W1", Status: logistics.IntracityOrderAccepted})
//	resp, err := client.Intracity().CancelOrder(ctx, &logistics.IntracityCancelRequest{WxOrderID: "W1", CancelReasonID: 1})
//	// resp.DeductFee == logisticstest.IntracityPenalty: a courier had accepted it
//
// Every Server shares one key set for DefaultAppID, generated on first use;
// NewAPISecurityKeys and WithAPISecurityKeys give a server another app's.
// The request log keeps sealed bodies as sent, with their headers;
// Server.Decrypt opens one. Cancelling a 同城配送 order deducts nothing
// before a courier accepted it and IntracityPenalty after; a delivered
// order answers 934017, a cancelled one 934018, an unknown one 934016.
//
// # 微信小店 电子面单
//
// PathEWaybillCancelOrder cancels electronic waybills seeded with
// AddEWaybill: an issued one is cancelled; a cancelled one, or one whose
// carrier refuses, answers 10025006 with delivery_error_msg; an unknown
// ewaybill_order_id or waybill_id 10025010, a wrong delivery_id 10025012,
// an ewaybill_order_id that is not a Uint64 10025020.
//
// # Pushing events to a carrier's handler
//
// With WithExpressPathPush, the fake also plays WeChat toward a shop: every
// path event TestUpdateOrder or UpdatePath adds is pushed to the shop's
// handler as add_express_path.
//
// A Pusher plays WeChat's part in message push: it builds a request exactly as
// WeChat would send it to a carrier (signed; in safe mode also encrypted and
// carrying msg_signature; XML or JSON), delivers it either to an http.Handler
// in process or to a URL over HTTP, checks the answer (in safe mode its
// MsgSignature, then decrypts it) and decodes it:
//
//	h, _ := logistics.NewEventHandler(logistics.EventConfig{
//		Token: token, EncodingAESKey: key, AppID: appID,
//		OnCancelWaybill: myCallback,
//	})
//	p := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID,
//		Format: logisticstest.FormatJSON, Safe: true}
//	reply, err := p.Push(ctx, h, logisticstest.SampleCancelWaybillEvent())
//	// reply.ResultCode, reply.ResultMsg, …
//
// PushURL does the same against a running server, for example a deployed
// webhook in a self-test. Check and CheckURL perform the GET URL check that
// WeChat makes when the URL is saved in the console.
//
// PushEvent and PushEventURL send any other event the same way, and the
// PushReply they return decodes the answer: AddWaybill, Quota (check_biz,
// get_quota), or Success for add_express_path's plain "success".
// SampleAddWaybillEvent, SampleCheckBizEvent, SampleGetQuotaEvent and
// SampleExpressPathEvent are the documentation's samples:
//
//	r, err := p.PushEvent(ctx, h, logisticstest.SampleAddWaybillEvent())
//	add, err := r.AddWaybill() // add.WayBillID, add.WaybillData, add.ResultCode
//
// A Pusher holds the Token and EncodingAESKey: String, GoString, LogValue
// and MarshalJSON show neither.
//
// For events the SDK does not type, or for hand-made bodies, Marshal encodes
// any struct (such as Event) as WeChat would, Send and SendURL deliver
// a body and return the verified, decrypted PushReply whatever its status, and
// NewRequest, NewRawRequest and ReadReply split a push into its steps for
// tests that send requests themselves or tamper with them on the way.
package logisticstest
