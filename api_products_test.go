package waybill_test

import (
	"context"
	"errors"
	"testing"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
)

// TestPublicSurfaceAPISecurityAndProducts pins the names of shared/API.md's
// "WeChat API security, 同城配送 and 微信小店 cancellations".
func TestPublicSurfaceAPISecurityAndProducts(t *testing.T) {
	var (
		_ func(logistics.APISecurity) logistics.Option = logistics.WithAPISecurity
		_ func() *logistics.IntracityClient            = (&logistics.Client{}).Intracity
		_ func() *logistics.EWaybillClient             = (&logistics.Client{}).EWaybill
		_ waybill.Canceller                            = (*logistics.IntracityClient)(nil)
		_ waybill.Canceller                            = (*logistics.EWaybillClient)(nil)

		_ func(context.Context, *logistics.IntracityCancelRequest) (*logistics.IntracityCancelResponse, error) = (&logistics.IntracityClient{}).CancelOrder
		_ func(context.Context, waybill.CancelRequest) (*waybill.CancelResult, error)                          = (&logistics.IntracityClient{}).Cancel
		_ func(context.Context, *logistics.EWaybillCancelRequest) (*logistics.EWaybillCancelResponse, error)   = (&logistics.EWaybillClient{}).CancelOrder
		_ func(context.Context, waybill.CancelRequest) (*waybill.CancelResult, error)                          = (&logistics.EWaybillClient{}).Cancel
	)
	_ = logistics.APISecurity{AppID: "", SymmetricKey: "", SymmetricSN: "", PrivateKeyPEM: []byte(nil), PlatformCertPEM: []byte(nil), PlatformSN: ""}
	_ = logistics.IntracityCancelRequest{WxStoreID: "", StoreOrderID: "", WxOrderID: "", CancelReasonID: 0, CancelReason: ""}
	_ = logistics.IntracityCancelResponse{ErrCode: 0, ErrMsg: "", WxStoreID: "", WxOrderID: "", StoreOrderID: "", OrderStatus: 0, DeductFee: int64(0)}
	_ = logistics.EWaybillCancelRequest{EWaybillOrderID: "", DeliveryID: "", WaybillID: ""}
	_ = logistics.EWaybillCancelResponse{ErrCode: 0, ErrMsg: "", DeliveryErrorMsg: ""}
	_ = waybill.CancelResult{DeductFee: int64(0)}

	_, err := logistics.NewClient(auth.StaticToken("x"), logistics.WithAPISecurity(logistics.APISecurity{}))
	var pe *werrors.ParamError
	if !errors.As(err, &pe) || pe.Field != "APISecurity.AppID" {
		t.Fatalf("an empty APISecurity: %v", err)
	}
}
