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
package logistics
