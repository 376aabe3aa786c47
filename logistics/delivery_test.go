package logistics_test

import (
	"testing"

	"github.com/waybill-go/waybill/logistics"
)

func TestCarrierRequestsValidate(t *testing.T) {
	t.Parallel()
	up := logistics.UpdatePathRequest{Token: "t", WaybillID: "w", ActionTime: 1533052800, ActionType: logistics.ActionHeld, ActionMsg: "m"}
	wantFields(t, "update path ok", up.Validate())
	wantFields(t, "update path empty", (&logistics.UpdatePathRequest{ActionType: 1}).Validate(), "ActionMsg", "ActionTime", "ActionType", "Token", "WaybillID")

	wantFields(t, "contact ok", (&logistics.GetContactRequest{Token: "t", WaybillID: "w"}).Validate())
	wantFields(t, "contact empty", (&logistics.GetContactRequest{}).Validate(), "Token", "WaybillID")

	pv := logistics.PreviewTemplateRequest{WaybillID: "w", WaybillTemplate: "PGh0bWw+dGVzdDwvaHRtbD4=", WaybillData: "##k##v##", Custom: sampleOrder()}
	wantFields(t, "preview ok", pv.Validate())
	pv.WaybillTemplate, pv.Custom = "<html>not base64</html>", nil
	wantFields(t, "preview bad", pv.Validate(), "Custom", "WaybillTemplate")
	wantFields(t, "preview empty", (&logistics.PreviewTemplateRequest{}).Validate(), "Custom", "WaybillData", "WaybillID", "WaybillTemplate")

	wantFields(t, "approve", (&logistics.UpdateBusinessRequest{ShopAppID: "wx", BizID: "b"}).Validate())
	wantFields(t, "refuse without reason", (&logistics.UpdateBusinessRequest{ShopAppID: "wx", BizID: "b", ResultCode: 1}).Validate(), "ResultMsg")
	wantFields(t, "empty", (&logistics.UpdateBusinessRequest{}).Validate(), "BizID", "ShopAppID")
}
