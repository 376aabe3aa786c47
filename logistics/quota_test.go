package logistics_test

import (
	"errors"
	"testing"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/logistics"
)

func TestGetQuotaUnboundAccount(t *testing.T) {
	t.Parallel()
	rs := newReplyServer(t, `{"errcode":9300525,"errmsg":"bizid not bind"}`)
	resp, err := rs.client(t).GetQuota(t.Context(), &logistics.GetQuotaRequest{DeliveryID: "YTO", BizID: "b"})
	var apiErr *werrors.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 9300525 || resp == nil || resp.ErrCode != 9300525 {
		t.Fatalf("resp %+v, err %v", resp, err)
	}
	// quota_num 0 is a success: present, not null.
	rs.answer(200, `{"quota_num":0}`)
	if resp, err := rs.client(t).GetQuota(t.Context(), &logistics.GetQuotaRequest{DeliveryID: "YTO", BizID: "b"}); err != nil || resp.QuotaNum != 0 {
		t.Fatalf("resp %+v, err %v", resp, err)
	}
}
