package waybill_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/auth/redisstore"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
)

// TestPublicSurfaceSecondRound pins shared/API.md's "Additions, second
// round" for the pipeline, the push handler and the 物流助手 API: a rename
// or a changed signature fails to compile here.
func TestPublicSurfaceSecondRound(t *testing.T) {
	c := &logistics.Client{}
	var (
		_ error                                                                                                = werrors.ErrInvalidCredentials
		_ func(error) bool                                                                                     = werrors.Retryable
		_ func(map[int]error) apiusb.Option                                                                    = apiusb.WithDataCodes
		_ func(redis.UniversalClient, ...redisstore.Option) (*redisstore.EventStore, error)                    = redisstore.NewEventStore
		_ logistics.EventStore                                                                                 = (*redisstore.EventStore)(nil)
		_ func(context.Context, *logistics.AddOrderRequest) (*logistics.AddOrderResponse, error)               = c.AddOrder
		_ func(context.Context, *logistics.GetOrderRequest) (*logistics.GetOrderResponse, error)               = c.GetOrder
		_ func(context.Context, *logistics.BatchGetOrderRequest) (*logistics.BatchGetOrderResponse, error)     = c.BatchGetOrder
		_ func(context.Context, *logistics.GetPathRequest) (*logistics.GetPathResponse, error)                 = c.GetPath
		_ func(context.Context) (*logistics.GetAllDeliveryResponse, error)                                     = c.GetAllDelivery
		_ func(context.Context) (*logistics.GetAllAccountResponse, error)                                      = c.GetAllAccount
		_ func(context.Context, *logistics.BindAccountRequest) error                                           = c.BindAccount
		_ func(context.Context, *logistics.GetQuotaRequest) (*logistics.GetQuotaResponse, error)               = c.GetQuota
		_ func(context.Context, *logistics.UpdatePrinterRequest) error                                         = c.UpdatePrinter
		_ func(context.Context) (*logistics.GetAllPrinterResponse, error)                                      = c.GetAllPrinter
		_ func(context.Context, *logistics.TestUpdateOrderRequest) error                                       = c.TestUpdateOrder
		_ func(context.Context, *logistics.UpdatePathRequest) error                                            = c.UpdatePath
		_ func(context.Context, *logistics.GetContactRequest) (*logistics.GetContactResponse, error)           = c.GetContact
		_ func(context.Context, *logistics.PreviewTemplateRequest) (*logistics.PreviewTemplateResponse, error) = c.PreviewTemplate
		_ func(context.Context, *logistics.UpdateBusinessRequest) error                                        = c.UpdateBusiness
	)
	_ = logistics.EventConfig{
		Now: time.Now, MaxBodyBytes: int64(0),
		AllowPlain: false, MaxClockSkew: time.Duration(0), CallbackTimeout: time.Duration(0), Store: logistics.EventStore(nil),
		OnAddWaybill: func(ctx context.Context, ev *logistics.AddWaybillEvent) (*logistics.AddWaybillResult, error) {
			return nil, nil
		},
		OnCheckBiz:    func(ctx context.Context, ev *logistics.CheckBizEvent) error { return nil },
		OnGetQuota:    func(ctx context.Context, ev *logistics.GetQuotaEvent) (quota int, err error) { return 0, nil },
		OnExpressPath: func(ctx context.Context, ev *logistics.ExpressPathEvent) error { return nil },
	}
	_ = logistics.AddWaybillEvent{ToUserName: "", FromUserName: "", CreateTime: int64(0), MsgType: "", Event: "", Token: "",
		OrderID: "", BizID: "", BizPwd: "", ShopAppID: "", WayBillID: "", Remark: ""}
	_ = logistics.AddWaybillResult{WayBillID: "", WaybillData: ""}
	_ = logistics.CheckBizEvent{ToUserName: "", FromUserName: "", CreateTime: int64(0), MsgType: "", Event: "", BizID: "", BizPwd: "", ShopAppID: ""}
	_ = logistics.GetQuotaEvent{ToUserName: "", FromUserName: "", CreateTime: int64(0), MsgType: "", Event: "", BizID: "", BizPwd: "", ShopAppID: ""}
	_ = logistics.ExpressPathEvent{ToUserName: "", FromUserName: "", CreateTime: int64(0), MsgType: "", Event: "",
		DeliveryID: "", WayBillID: "", OrderID: "", Version: int64(0), Count: int64(0)}
	_ = logistics.AddOrderRequest{AddSource: 0, WxAppID: "", OrderID: "", OpenID: "", DeliveryID: "", BizID: "", CustomRemark: "",
		TagID: int64(0), Sender: logistics.Contact{}, Receiver: logistics.Contact{}, Cargo: logistics.Cargo{}, Shop: logistics.Shop{},
		Insured: logistics.Insured{}, Service: logistics.Service{}, ExpectTime: int64(0)}
	_ = logistics.AddOrderResponse{OrderID: "", WaybillID: "", WaybillData: []logistics.WaybillData{}, DeliveryResultCode: 0, DeliveryResultMsg: ""}
	_ = logistics.GetOrderRequest{OrderID: "", OpenID: "", DeliveryID: "", WaybillID: "", PrintType: 0}
	_ = logistics.GetOrderResponse{OrderID: "", DeliveryID: "", WaybillID: "", OrderStatus: 0, PrintHTML: "", WaybillData: []logistics.WaybillData{}}
	_ = logistics.GetPathRequest{OrderID: "", OpenID: "", DeliveryID: "", WaybillID: ""}
	_ = logistics.GetPathResponse{OpenID: "", DeliveryID: "", WaybillID: "", PathItemNum: 0, PathItemList: []logistics.PathItem{}}
	_ = logistics.PathItem{ActionTime: int64(0), ActionType: 0, ActionMsg: ""}
	_ = logistics.UpdatePathRequest{Token: "", WaybillID: "", ActionTime: int64(0), ActionType: 0, ActionMsg: ""}
	_ = logistics.WaybillData{Key: "", Value: ""}
	_ = logistics.Contact{Name: "", Tel: "", Mobile: "", Company: "", PostCode: "", Country: "", Province: "", City: "", Area: "", Address: ""}
	// Every response carries ErrCode and ErrMsg.
	_, _ = logistics.AddOrderResponse{}.ErrCode, logistics.AddOrderResponse{}.ErrMsg
	_, _ = logistics.GetAllDeliveryResponse{}.ErrCode, logistics.GetContactResponse{}.ErrMsg
}
