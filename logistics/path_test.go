package logistics_test

import (
	"testing"

	"github.com/waybill-go/waybill/logistics"
)

func TestPathRequestsValidate(t *testing.T) {
	t.Parallel()
	wantFields(t, "get path ok", (&logistics.GetPathRequest{DeliveryID: "SF", WaybillID: "w"}).Validate())
	wantFields(t, "get path empty", (&logistics.GetPathRequest{OrderID: "o"}).Validate(), "DeliveryID", "WaybillID")

	ok := logistics.TestUpdateOrderRequest{BizID: logistics.TestBizID, OrderID: "o", DeliveryID: logistics.TestDeliveryID, WaybillID: "w",
		ActionTime: 1700000000, ActionType: logistics.ActionSigned, ActionMsg: "签收"}
	wantFields(t, "test update ok", ok.Validate())
	bad := ok
	bad.BizID, bad.DeliveryID, bad.ActionType, bad.ActionTime, bad.ActionMsg = "real_biz", "SF", 300001, 0, ""
	wantFields(t, "test update on a real order", bad.Validate(), "ActionMsg", "ActionTime", "ActionType", "BizID", "DeliveryID")
}

func TestGetPathWithoutOrderIDOmitsIt(t *testing.T) {
	t.Parallel()
	rs := newReplyServer(t, golden(t, "path_get_reply.json"))
	if _, err := rs.client(t).GetPath(t.Context(), &logistics.GetPathRequest{DeliveryID: "SF", WaybillID: "w"}); err != nil {
		t.Fatal(err)
	}
	if got := string(rs.requests()[0].body); got != `{"delivery_id":"SF","waybill_id":"w"}` {
		t.Fatalf("body %s", got)
	}
}
