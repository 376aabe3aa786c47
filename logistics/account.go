package logistics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// DeliveryCompany is one carrier in GetAllDeliveryResponse.
type DeliveryCompany struct {
	DeliveryID   string    `json:"delivery_id"`
	DeliveryName string    `json:"delivery_name"`
	CanUseCash   int       `json:"can_use_cash"`  // 1: cash orders (散单) without an account are possible
	CanGetQuota  int       `json:"can_get_quota"` // 1: GetQuota works for this carrier
	CashBizID    string    `json:"cash_biz_id"`   // the BizID for cash orders, when CanUseCash is 1
	ServiceType  []Service `json:"service_type"`
}

// GetAllDeliveryResponse is WeChat's reply to delivery/getall.
type GetAllDeliveryResponse struct {
	ErrCode int               `json:"errcode"`
	ErrMsg  string            `json:"errmsg"`
	Count   int               `json:"count"`
	Data    []DeliveryCompany `json:"data"`
}

// GetAllDelivery lists the carriers the 物流助手 supports: GET
// /cgi-bin/express/business/delivery/getall.
//
// WeChat's success reply carries no errcode: a reply is a success when it
// has errcode 0, or no errcode and both count and data.
func (c *Client) GetAllDelivery(ctx context.Context) (*GetAllDeliveryResponse, error) {
	return send[GetAllDeliveryResponse](ctx, c, epGetAllDelivery, nil)
}

// Account binding states in Account.StatusCode.
const (
	AccountBound     = 0
	AccountReviewing = 1
	AccountFailed    = 2
	AccountUnbound   = 3
)

// Account is a carrier account bound to the mini program.
type Account struct {
	BizID           string    `json:"biz_id"`
	DeliveryID      string    `json:"delivery_id"`
	CreateTime      int64     `json:"create_time"` // Unix seconds
	UpdateTime      int64     `json:"update_time"`
	StatusCode      int       `json:"status_code"` // AccountBound, AccountReviewing, AccountFailed or AccountUnbound
	Alias           string    `json:"alias"`
	RemarkWrongMsg  string    `json:"remark_wrong_msg"` // why binding failed (EMS review)
	RemarkContent   string    `json:"remark_content"`
	QuotaNum        int64     `json:"quota_num"` // labels left
	QuotaUpdateTime int64     `json:"quota_update_time"`
	ServiceType     []Service `json:"service_type"`
}

// GetAllAccountResponse is WeChat's reply to account/getall.
type GetAllAccountResponse struct {
	ErrCode int       `json:"errcode"`
	ErrMsg  string    `json:"errmsg"`
	Count   int       `json:"count"`
	List    []Account `json:"list"`
}

// GetAllAccount lists the carrier accounts bound to the mini program: GET
// /cgi-bin/express/business/account/getall.
//
// WeChat's success reply carries no errcode: a reply is a success when it
// has errcode 0, or no errcode and both count and list.
func (c *Client) GetAllAccount(ctx context.Context) (*GetAllAccountResponse, error) {
	return send[GetAllAccountResponse](ctx, c, epGetAllAccount, nil)
}

// Values of BindAccountRequest.Type and UpdatePrinterRequest.UpdateType.
const (
	Bind   = "bind"
	Unbind = "unbind"
)

// BindAccountRequest is the body of account/bind. Password is a secret:
// the request's String, Format and LogValue leave it out.
type BindAccountRequest struct {
	Type          string `json:"type"` // Bind or Unbind
	BizID         string `json:"biz_id"`
	DeliveryID    string `json:"delivery_id"`
	Password      string `json:"password,omitempty"`       // the account's password at the carrier; EMS, SF and JD need none
	RemarkContent string `json:"remark_content,omitempty"` // EMS review needs contact, phone, service and address here
}

// Validate checks Type, BizID and DeliveryID.
func (r *BindAccountRequest) Validate() error {
	if r == nil {
		return nilRequest("BindAccountRequest")
	}
	return errors.Join(
		invalid(r.Type != Bind && r.Type != Unbind, "Type", `must be "bind" or "unbind"`),
		text("BizID", r.BizID, true, 0),
		text("DeliveryID", r.DeliveryID, true, 0),
	)
}

// String describes the request without its password.
func (r BindAccountRequest) String() string {
	pw := ""
	if r.Password != "" {
		pw = "REDACTED"
	}
	return fmt.Sprintf("BindAccountRequest{Type:%s BizID:%s DeliveryID:%s Password:%s RemarkContent:%q}", r.Type, r.BizID, r.DeliveryID, pw, r.RemarkContent)
}

// Format prints String for every verb.
func (r BindAccountRequest) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(r.String())) }

// LogValue logs the request without its password.
func (r BindAccountRequest) LogValue() slog.Value {
	return slog.GroupValue(slog.String("type", r.Type), slog.String("biz_id", r.BizID), slog.String("delivery_id", r.DeliveryID))
}

// BindAccount binds a carrier account to the mini program, or unbinds it:
// POST /cgi-bin/express/business/account/bind.
//
// Success is errcode 0. Notable errcodes: 9300529 already bound, 9300530 the
// BizID to unbind is not bound, 9300531 wrong account or password, 9300532
// binding submitted and under review (see GetAllAccount).
func (c *Client) BindAccount(ctx context.Context, req *BindAccountRequest) error {
	_, err := send[statusReply](ctx, c, epBindAccount, req)
	return err
}
