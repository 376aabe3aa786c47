package logistics_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/logistics"
)

func TestAccountRequestsValidate(t *testing.T) {
	t.Parallel()
	wantFields(t, "bind ok", (&logistics.BindAccountRequest{Type: logistics.Bind, BizID: "b", DeliveryID: "YTO"}).Validate())
	wantFields(t, "bind empty", (&logistics.BindAccountRequest{Type: "rebind"}).Validate(), "BizID", "DeliveryID", "Type")
	wantFields(t, "quota ok", (&logistics.GetQuotaRequest{DeliveryID: "YTO", BizID: "b"}).Validate())
	wantFields(t, "quota empty", (&logistics.GetQuotaRequest{}).Validate(), "BizID", "DeliveryID")
}

func TestBindAccountRequestNeverPrintsPassword(t *testing.T) {
	t.Parallel()
	r := logistics.BindAccountRequest{Type: logistics.Bind, BizID: "biz-1", DeliveryID: "YTO", Password: "S3CRET-PW"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("bind", "req", r)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("bind", "req", &r)
	outputs := []string{fmt.Sprint(r), fmt.Sprintf("%v %+v %#v %s %q %x", r, &r, r, r, r, r), logged.String()}
	for _, out := range outputs {
		if strings.Contains(out, "S3CRET") || !strings.Contains(out, "biz-1") {
			t.Errorf("printed %q", out)
		}
	}
}
