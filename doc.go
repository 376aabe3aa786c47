// Package waybill is the provider-neutral face of the waybill SDK: one
// Canceller interface that every provider's client implements, and the
// request and result types it speaks.
//
// A shop backend that cancels shipments through several providers writes its
// cancellation logic once against Canceller and picks the provider at start-up:
//
//	var c waybill.Canceller = wechatClient // *logistics.Client or *apiusb.Client
//	res, err := c.Cancel(ctx, waybill.CancelRequest{OrderID: "o-1", WaybillID: "w-1", DeliveryID: "SF"})
//
// # Field mapping
//
//	CancelRequest   WeChat order/cancel   APIUSB App.Logistics.CCancelOrder
//	OrderID         order_id (required)   orderId (required)
//	WaybillID       waybill_id (required) taskId (required)
//	DeliveryID      delivery_id (required) not sent
//	OpenID          openid (optional)     not sent
//	Reason          not sent              cancelMsg (required)
//
// A required field that is empty fails before any network traffic with an
// error that matches errors.ErrInvalidParam and names the field. Provider
// refusals are *errors.APIError values that match the sentinels of package
// github.com/waybill-go/waybill/errors, whichever provider answered.
//
// The provider packages are github.com/waybill-go/waybill/logistics (WeChat,
// including the carrier-side cancel_waybill event handler) and
// github.com/waybill-go/waybill/apiusb. Access tokens are managed by
// github.com/waybill-go/waybill/auth.
package waybill
