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
// WeChat's newer products implement Canceller too, through
// logistics.Client.Intracity (同城配送, same-city delivery) and
// logistics.Client.EWaybill (微信小店 电子面单, WeChat Shop electronic
// waybills):
//
//	CancelRequest   同城配送 intracity/cancelorder          微信小店 ewaybill/biz/order/cancel
//	OrderID         not sent (echoed in the result)       ewaybill_order_id (required, a Uint64 as a string)
//	WaybillID       wx_order_id (required)                waybill_id (required)
//	DeliveryID      not sent                              delivery_id (required)
//	OpenID          not sent                              not sent
//	Reason          cancel_reason with cancel_reason_id   not sent
//	                99; empty: cancel_reason_id 1
//
// CancelResult.Provider says which answered: "wechat", "apiusb",
// "wechat-intracity" or "wechat-ewaybill" (errors keep APIError.Provider
// "wechat"). CancelResult.DeductFee is a penalty the provider deducted, in
// fen (分, CNY cents); 同城配送 charges one once a courier has accepted the
// order.
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
