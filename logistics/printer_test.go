package logistics_test

import (
	"testing"

	"github.com/waybill-go/waybill/logistics"
)

func TestUpdatePrinterValidate(t *testing.T) {
	t.Parallel()
	for _, tags := range []string{"", "123", "123,456", "1,2,3,4,5,6,7,8,9,10"} {
		wantFields(t, "tags "+tags, (&logistics.UpdatePrinterRequest{OpenID: "o", UpdateType: logistics.Unbind, TagIDList: tags}).Validate())
	}
	for _, tags := range []string{"123, 456", "123,", ",", "a", "1,2,3,4,5,6,7,8,9,10,11"} {
		wantFields(t, "tags "+tags, (&logistics.UpdatePrinterRequest{OpenID: "o", UpdateType: logistics.Bind, TagIDList: tags}).Validate(), "TagIDList")
	}
	wantFields(t, "empty", (&logistics.UpdatePrinterRequest{}).Validate(), "OpenID", "UpdateType")
}
