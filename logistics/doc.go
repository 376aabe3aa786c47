// Package logistics is WeChat's express business API for shops (the client
// half) and for carriers (the event half).
//
// # Shops: cancelling a waybill
//
// A Client calls order/cancel with an access token from package auth:
//
//	tokens, err := auth.NewWeChatTokenSource(appID, appSecret)
//	client, err := logistics.NewClient(tokens)
//	resp, err := client.CancelOrder(ctx, &logistics.CancelOrderRequest{
//		OrderID: "01234567890123456789", DeliveryID: "SF", WaybillID: "123456789",
//	})
//
// Every errcode other than 0 is an *errors.APIError matching a sentinel of
// package github.com/waybill-go/waybill/errors, for example ErrAlreadyHasTrace
// (9300506) or ErrDuplicateCancel (9300524). A rejected access token is
// replaced and the call re-sent once; transient failures are retried with
// backoff (WithRetry). Client also implements waybill.Canceller.
//
// In WeChat Cloud Hosting, where calls carry no access token, pass
// auth.NoToken() and WithBaseURL("http://api.weixin.qq.com").
//
// # Carriers: answering cancel_waybill
//
// WeChat pushes cancel_waybill to a carrier's server when a shop cancels a
// waybill. NewEventHandler returns the http.Handler to mount at the URL
// configured for message push:
//
//	h, err := logistics.NewEventHandler(logistics.EventConfig{
//		Token:          token, // the console's push Token
//		EncodingAESKey: key,   // 43 characters; leave empty for plain mode only
//		AppID:          appID, // the carrier mini program, required with a key
//		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error {
//			return carrier.Cancel(ctx, ev.BizID, ev.BizPwd, ev.WayBillID)
//		},
//	})
//	http.Handle("/wechat/push", h)
//
// The handler answers WeChat's GET URL check and POSTed events in plain,
// compatible and safe mode, in XML or JSON, always replying in the format of
// the request (encrypted in safe mode). Every request's signature is checked
// in constant time, and in safe mode msg_signature too, before anything else
// runs; the ciphertext is checked block by block (padding, length field,
// AppID) before it is parsed.
//
// The callback's error picks the ResultCode (see ResultCode): nil answers 0,
// errors.ErrInvalidParam 30001, ErrAlreadyPickedUp 30002, ErrInvalidWaybill
// 30003, ErrCancelNotSupported 30004 (wrapped errors count), anything else
// -1, and so does a panic, which the handler recovers. WeChat sees only a
// fixed ResultMsg per code, never the error's text. Other events (debug_demo,
// add_waybill, …) are verified and answered "success" without reaching the
// callback; typed callbacks for them can be added to EventConfig later.
//
// Refused requests get 401 (signature, msg_signature, or a message sealed for
// another AppID), 400 (malformed or undecryptable body), 413 (body over
// EventConfig.MaxBodyBytes, 1 MiB by default) or 405 (methods other than GET
// and POST). BizPwd reaches the callback but is never logged or printed.
//
// Package github.com/waybill-go/waybill/logistics/logisticstest plays
// WeChat's part in tests: its Pusher signs, encrypts and sends events to a
// handler, in process or over HTTP, and verifies and decodes the answer.
package logistics
