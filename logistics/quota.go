package logistics

import (
	"context"
	"errors"
)

// GetQuotaRequest is the body of quota/get.
type GetQuotaRequest struct {
	DeliveryID string `json:"delivery_id"`
	BizID      string `json:"biz_id"`
}

// Validate checks that DeliveryID and BizID are set.
func (r *GetQuotaRequest) Validate() error {
	if r == nil {
		return nilRequest("GetQuotaRequest")
	}
	return errors.Join(text("DeliveryID", r.DeliveryID, true, 0), text("BizID", r.BizID, true, 0))
}

// GetQuotaResponse is WeChat's reply to quota/get.
type GetQuotaResponse struct {
	ErrCode  int    `json:"errcode"`
	ErrMsg   string `json:"errmsg"`
	QuotaNum int64  `json:"quota_num"` // labels left on the account
}

// GetQuota reads how many labels an account has left, for franchise
// carriers only (see DeliveryCompany.CanGetQuota): POST
// /cgi-bin/express/business/quota/get.
//
// WeChat's success reply carries no errcode: a reply is a success when it
// has errcode 0, or no errcode and quota_num. Notable errcode: 9300525 the
// BizID is not bound.
func (c *Client) GetQuota(ctx context.Context, req *GetQuotaRequest) (*GetQuotaResponse, error) {
	return send[GetQuotaResponse](ctx, c, epGetQuota, req)
}
