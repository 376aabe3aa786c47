package logistics_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

// printVerbs are the verbs the printing test tries on every value.
var printVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"}

// holder puts a value inside a struct, as a caller's own type would.
type holder struct {
	Name  string
	Value any
}

// printedForms returns v printed every way the tests know: each verb on v,
// on v inside a slice, a map and a struct, and both slog handlers given v
// on its own and inside a slice.
func printedForms(v any) map[string]string {
	out := map[string]string{}
	for _, verb := range printVerbs {
		out[verb] = fmt.Sprintf(verb, v)
		out[verb+" in a slice"] = fmt.Sprintf(verb, []any{v})
		out[verb+" in a map"] = fmt.Sprintf(verb, map[string]any{"k": v})
		out[verb+" in a struct"] = fmt.Sprintf(verb, holder{"h", v})
		out[verb+" in a struct pointer"] = fmt.Sprintf(verb, &holder{"h", v})
	}
	out["Sprint"] = fmt.Sprint(v)
	out["Sprintln"] = fmt.Sprintln(v, []any{v})
	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		log := slog.New(newHandler(&b))
		log.Info("v", "v", v)
		log.Info("slice", "v", []any{v})
		log.Info("map", "v", map[string]any{"k": v})
		log.Info("struct", "v", holder{"h", v})
		log.Info("group", slog.Group("g", "v", v))
		out["slog "+name] = b.String()
	}
	return out
}

// TestNoSecretPrinted prints every exported type of logistics and
// logisticstest that holds a secret, every way, and looks for the secret.
func TestNoSecretPrinted(t *testing.T) {
	t.Parallel()
	const (
		token    = "SECRET-push-token-1"
		aesKey   = "SECRETkeyabcdefghijklmnopqrstuvwxyz01234567"
		bizPwd   = "SECRET-bizpwd-2"
		orderTok = "SECRET-order-token-3"
	)
	secrets := []string{token, aesKey, bizPwd, orderTok}
	cfg := logistics.EventConfig{Token: token, EncodingAESKey: aesKey, AppID: "wxprint", OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { return nil }}
	h, err := logistics.NewEventHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cancel := logisticstest.SampleCancelWaybillEvent()
	cancel.BizPwd = bizPwd
	add := logisticstest.SampleAddWaybillEvent()
	add.BizPwd, add.Token = bizPwd, orderTok
	check := logisticstest.SampleCheckBizEvent()
	check.BizPwd = bizPwd
	quota := logisticstest.SampleGetQuotaEvent()
	quota.BizPwd = bizPwd
	pusher := &logisticstest.Pusher{Token: token, EncodingAESKey: aesKey, AppID: "wxprint", Safe: true}

	values := map[string]struct {
		v    any
		want string // something that shows the value was printed at all
	}{
		"EventConfig":           {cfg, "wxprint"},
		"*EventConfig":          {&cfg, "wxprint"},
		"*EventHandler":         {h, "safe"},
		"EventHandler":          {*h, "safe"},
		"*CancelWaybillEvent":   {cancel, "123456789"},
		"CancelWaybillEvent":    {*cancel, "123456789"},
		"*AddWaybillEvent":      {add, "012345678901234567890123456789"},
		"AddWaybillEvent":       {*add, "012345678901234567890123456789"},
		"*CheckBizEvent":        {check, "xyz"},
		"CheckBizEvent":         {*check, "xyz"},
		"*GetQuotaEvent":        {quota, "xyz"},
		"GetQuotaEvent":         {*quota, "xyz"},
		"*logisticstest.Pusher": {pusher, "wxprint"},
		"logisticstest.Pusher":  {*pusher, "wxprint"},
	}
	for name, tt := range values {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			forms := printedForms(tt.v)
			for form, out := range forms {
				for _, s := range secrets {
					if strings.Contains(out, s) {
						t.Errorf("%s shows a secret %q:\n%s", form, s, out)
					}
				}
			}
			for _, form := range []string{"%v", "%+v", "%s", "slog text", "slog json"} {
				if !strings.Contains(forms[form], tt.want) {
					t.Errorf("%s lost the value (no %q): %s", form, tt.want, forms[form])
				}
			}
		})
	}
	// The secrets did reach the values: the test would prove nothing
	// otherwise.
	if add.Token != orderTok || cfg.Token != token || pusher.EncodingAESKey != aesKey {
		t.Fatal("secrets not set")
	}
}
