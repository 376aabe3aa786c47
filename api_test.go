package waybill_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/auth/redisstore"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
)

// TestPublicSurface pins the names and signatures that users and outside
// checks compile against (shared/API.md): a rename or a changed signature
// fails to compile here.
func TestPublicSurface(t *testing.T) {
	var (
		_ waybill.Canceller = (*logistics.Client)(nil)
		_ waybill.Canceller = (*apiusb.Client)(nil)
		_                   = waybill.CancelRequest{OrderID: "", WaybillID: "", DeliveryID: "", OpenID: "", Reason: ""}
		_                   = waybill.CancelResult{Provider: "", OrderID: "", WaybillID: "", Message: ""}

		_ error = werrors.ErrSystem
		_ error = werrors.ErrInvalidParam
		_ error = werrors.ErrWaybillNotFound
		_ error = werrors.ErrDeliveryNotFound
		_ error = werrors.ErrOrderNotFound
		_ error = werrors.ErrAlreadyHasTrace
		_ error = werrors.ErrDuplicateCancel
		_ error = werrors.ErrCarrier
		_ error = werrors.ErrInvalidToken
		_ error = werrors.ErrRateLimited
		_ error = werrors.ErrServiceNotFound
		_ error = werrors.ErrUnauthorized
		_ error = werrors.ErrAlreadyPickedUp
		_ error = werrors.ErrInvalidWaybill
		_ error = werrors.ErrCancelNotSupported
		_ error = &werrors.APIError{Provider: "", Code: 0, Message: "", CarrierCode: 0, CarrierMessage: "", HTTPStatus: 0}

		_ func(string) auth.TokenSource                                                                = auth.StaticToken
		_ func(string, string, ...auth.WeChatOption) (*auth.WeChatTokenSource, error)                  = auth.NewWeChatTokenSource
		_ func(string) auth.WeChatOption                                                               = auth.WithTokenURL        //lint:ignore SA1019 API.md pins the name
		_ func(*http.Client) auth.WeChatOption                                                         = auth.WithTokenHTTPClient //lint:ignore SA1019 API.md pins the name
		_ func(auth.Store) auth.WeChatOption                                                           = auth.WithStore
		_ func(bool) auth.WeChatOption                                                                 = auth.WithStableToken
		_ auth.TokenSource                                                                             = (*auth.WeChatTokenSource)(nil)
		_ auth.Invalidator                                                                             = (*auth.WeChatTokenSource)(nil)
		_ func(redis.UniversalClient, ...redisstore.Option) (*redisstore.Store, error)                 = redisstore.New
		_ auth.Store                                                                                   = (*redisstore.Store)(nil)
		_ func(auth.TokenSource, ...logistics.Option) (*logistics.Client, error)                       = logistics.NewClient
		_ func(string) logistics.Option                                                                = logistics.WithBaseURL
		_ func(*http.Client) logistics.Option                                                          = logistics.WithHTTPClient
		_ func(*slog.Logger) logistics.Option                                                          = logistics.WithLogger
		_ func(logistics.EventConfig) (*logistics.EventHandler, error)                                 = logistics.NewEventHandler
		_ http.Handler                                                                                 = (*logistics.EventHandler)(nil)
		_ func(...apiusb.Option) (*apiusb.Client, error)                                               = apiusb.NewClient
		_ func(string) apiusb.Option                                                                   = apiusb.WithBaseURL
		_ func(*http.Client) apiusb.Option                                                             = apiusb.WithHTTPClient
		_ func(auth.TokenSource) apiusb.Option                                                         = apiusb.WithAccessToken
		_ func(context.Context, *logistics.CancelOrderRequest) (*logistics.CancelOrderResponse, error) = (&logistics.Client{}).CancelOrder
		_ func(context.Context, *apiusb.CancelOrderRequest) (*apiusb.CancelOrderResponse, error)       = (&apiusb.Client{}).CancelOrder
	)
	var tokens auth.TokenSource = auth.StaticToken("x")
	if _, ok := tokens.(auth.Invalidator); ok {
		t.Error("a static token cannot be an Invalidator")
	}

	_ = logistics.CancelOrderRequest{OrderID: "", OpenID: "", DeliveryID: "", WaybillID: ""}
	_ = logistics.CancelOrderResponse{ErrCode: 0, ErrMsg: "", DeliveryResultCode: 0, DeliveryResultMsg: ""}
	_ = logistics.CancelWaybillEvent{ToUserName: "", FromUserName: "", CreateTime: int64(0), MsgType: "", Event: "",
		OrderID: "", BizID: "", BizPwd: "", ShopAppID: "", WayBillID: ""}
	_ = logistics.EventConfig{Token: "", EncodingAESKey: "", AppID: "",
		OnCancelWaybill: func(ctx context.Context, ev *logistics.CancelWaybillEvent) error { return nil }}
	_ = apiusb.CancelOrderRequest{OrderID: "", TaskID: "", CancelMsg: ""}
	var resp apiusb.CancelOrderResponse
	_, _, _, _, _ = resp.Ret, resp.Data.Code, resp.Data.Message, resp.Data.Data, resp.Msg
}
