// Command quickstart is the SDK's main job in one run: it cancels shipments
// at WeChat and at APIUSB through the one waybill.Canceller interface, shows
// how a shop backend reads the typed errors that come back and what it does
// next, and ends with where to go from there. Offline it also cancels a
// WeChat 同城配送 order (sealed with WeChat API security, and charged a
// penalty) and a 微信小店 electronic waybill.
//
// By default it starts in-process fakes of both providers, so it needs no
// network and no configuration:
//
//	go run ./examples/quickstart
//
// Environment variables point a provider at the real service instead, where
// it cancels just the one order given; -h lists them (WECHAT_APP_ID,
// WECHAT_APP_SECRET, WECHAT_ORDER_ID, WECHAT_WAYBILL_ID, WECHAT_DELIVERY_ID,
// WECHAT_OPENID, WECHAT_BASE_URL; APIUSB_ORDER_ID, APIUSB_TASK_ID,
// APIUSB_CANCEL_MSG, APIUSB_APP_KEY, APIUSB_APP_SECRET, APIUSB_ACCESS_TOKEN,
// APIUSB_BASE_URL). Setting any of a provider's variables switches that
// provider; one without all its required variables is a usage error (exit
// status 2, the usage on stderr).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/waybill-go/waybill"
	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/auth"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/examples/internal/explain"
	"github.com/waybill-go/waybill/examples/internal/usage"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// The environment variables the quickstart reads. Setting any of a
// provider's switches it to the real service, which then needs the ones
// marked required.
var (
	wechatEnv = []usage.Var{
		{Name: "WECHAT_APP_ID", Meaning: "the mini program's AppID (required for the real WeChat API)"},
		{Name: "WECHAT_APP_SECRET", Meaning: "its AppSecret (required); never printed"},
		{Name: "WECHAT_ORDER_ID", Meaning: "the order of the one waybill to cancel (required)"},
		{Name: "WECHAT_WAYBILL_ID", Meaning: "its waybill ID (required)"},
		{Name: "WECHAT_DELIVERY_ID", Meaning: "its delivery company, e.g. SF (required)"},
		{Name: "WECHAT_OPENID", Meaning: "the user's openid (optional)"},
		{Name: "WECHAT_BASE_URL", Meaning: "another API base URL (default " + logistics.DefaultBaseURL + ")"},
	}
	wechatRequired = []string{"WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_ORDER_ID", "WECHAT_WAYBILL_ID", "WECHAT_DELIVERY_ID"}
	apiusbEnv      = []usage.Var{
		{Name: "APIUSB_ORDER_ID", Meaning: "the order of the one APIUSB task to cancel (required for the real service)"},
		{Name: "APIUSB_TASK_ID", Meaning: "its task ID (required)"},
		{Name: "APIUSB_CANCEL_MSG", Meaning: "why it is cancelled (required)"},
		{Name: "APIUSB_APP_KEY", Meaning: "with APIUSB_APP_SECRET, to fetch access tokens (accounts with signing on)"},
		{Name: "APIUSB_APP_SECRET", Meaning: "the app secret that goes with it; never printed"},
		{Name: "APIUSB_ACCESS_TOKEN", Meaning: "an access token obtained elsewhere, instead of the two above; never printed"},
		{Name: "APIUSB_BASE_URL", Meaning: "another entry point (default " + apiusb.DefaultBaseURL + ")"},
	}
	apiusbRequired = []string{"APIUSB_ORDER_ID", "APIUSB_TASK_ID", "APIUSB_CANCEL_MSG"}
)

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	cmd := &usage.Command{
		Synopsis: "quickstart [-timeout d]",
		About: `The SDK's main job in one run: it cancels shipments at WeChat (物流助手) and at
APIUSB through the one waybill.Canceller interface, and shows how a shop
backend reads each typed error that comes back and what it does next.

By default it runs offline against in-process fakes of both providers and
needs nothing. Setting any of a provider's environment variables (WECHAT_…,
APIUSB_…) points that provider at the real service, where it cancels just the
one order given; it then needs the variables marked required.

Exit status: 0 when the tour ran (whatever the providers answered), 1 when it
could not, 2 for bad usage or an incomplete environment.`,
		Flags:    fs,
		Env:      append(append([]usage.Var(nil), wechatEnv...), apiusbEnv...),
		Examples: []string{"go run ./examples/quickstart"},
		Stdout:   stdout, Stderr: stderr,
	}
	if code, goOn := cmd.Parse(args); !goOn {
		return code
	}
	if problem := checkEnv(getenv); problem != "" {
		return cmd.Fail("%s", problem)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := tour(ctx, getenv, stdout); err != nil {
		fmt.Fprintln(stderr, "quickstart:", err)
		return usage.Failed
	}
	nextSteps(stdout)
	return usage.OK
}

// checkEnv describes what is missing or contradictory in the environment,
// "" when nothing is.
func checkEnv(getenv func(string) string) string {
	for _, p := range []struct {
		name     string
		vars     []usage.Var
		required []string
	}{{"WeChat", wechatEnv, wechatRequired}, {"APIUSB", apiusbEnv, apiusbRequired}} {
		set, missing := "", []string(nil)
		for _, v := range p.vars {
			if getenv(v.Name) != "" && set == "" {
				set = v.Name
			}
		}
		for _, name := range p.required {
			if getenv(name) == "" {
				missing = append(missing, name)
			}
		}
		if set != "" && len(missing) > 0 {
			return fmt.Sprintf("%s is set, so %s is the real service, which needs %s too (unset every %s_ variable to use the fake)",
				set, p.name, strings.Join(missing, ", "), strings.ToUpper(p.name))
		}
	}
	switch key, secret := getenv("APIUSB_APP_KEY"), getenv("APIUSB_APP_SECRET"); {
	case (key == "") != (secret == ""):
		return "set both APIUSB_APP_KEY and APIUSB_APP_SECRET, or neither"
	case key != "" && getenv("APIUSB_ACCESS_TOKEN") != "":
		return "set APIUSB_APP_KEY and APIUSB_APP_SECRET, or APIUSB_ACCESS_TOKEN, not both"
	}
	return ""
}

// step is one cancellation to try and what it is meant to show.
type step struct {
	title string
	via   waybill.Canceller
	req   waybill.CancelRequest
}

// tour runs every step and reports each outcome.
func tour(ctx context.Context, getenv func(string) string, out io.Writer) error {
	wechatSteps, closeWeChat, err := wechat(getenv, out)
	if err != nil {
		return err
	}
	defer closeWeChat()
	apiusbSteps, closeAPIUSB, err := apiusbSetup(getenv, out)
	if err != nil {
		return err
	}
	defer closeAPIUSB()

	fmt.Fprintln(out)
	for i, s := range append(wechatSteps, apiusbSteps...) {
		fmt.Fprintf(out, "%d. %s\n", i+1, s.title)
		res, err := s.via.Cancel(ctx, s.req)
		report(out, res, err)
	}
	return nil
}

// nextSteps points at the other examples and the documentation.
func nextSteps(out io.Writer) {
	fmt.Fprint(out, `
Next steps:
  go run ./examples/quickstart -h              use the real services: the environment variables
  go run ./examples/shop-flow                  a whole waybill life: add, print the label, track, cancel
  go run ./examples/wechat-cancel -h           cancel one WeChat waybill from the command line
  go run ./examples/apiusb-cancel -h           cancel one APIUSB task from the command line
  go run ./examples/carrier-webhook -selftest  the carrier's side: answer WeChat's cancel_waybill push
  README.md                                    the tour, the configuration, every error and how to test
  go doc github.com/waybill-go/waybill         the API; then .../logistics, .../apiusb, .../auth, .../errors
                                               (go doc -all github.com/waybill-go/waybill/logistics)
`)
}

// report prints what a shop backend would conclude from a Cancel call.
func report(out io.Writer, res *waybill.CancelResult, err error) {
	outcome, says := explain.Cancel(err)
	if err == nil {
		fmt.Fprintf(out, "   -> %s by %s, which said %q\n", says, res.Provider, res.Message)
		if res.DeductFee != 0 {
			fmt.Fprintf(out, "      penalty deducted: ¥%d.%02d (%d fen)\n", res.DeductFee/100, res.DeductFee%100, res.DeductFee)
		}
	} else {
		fmt.Fprintf(out, "   -> %s\n", says)
	}
	var apiErr *werrors.APIError
	if errors.As(err, &apiErr) {
		fmt.Fprintf(out, "      %s answered code %d", apiErr.Provider, apiErr.Code)
		if apiErr.RequestID != "" {
			fmt.Fprintf(out, " (request ID %s, for support)", apiErr.RequestID)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "      next: %s\n", outcome.Advice())
}

// wechat returns the WeChat steps: against the real API when WECHAT_APP_ID
// is set, otherwise against a fake seeded to show the common answers.
func wechat(getenv func(string) string, out io.Writer) ([]step, func(), error) {
	if appID := getenv("WECHAT_APP_ID"); appID != "" {
		base := logistics.DefaultBaseURL
		if u := getenv("WECHAT_BASE_URL"); u != "" {
			base = u
		}
		client, err := logistics.NewAppClient(appID, getenv("WECHAT_APP_SECRET"), logistics.WithBaseURL(base))
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintln(out, "WeChat: the API at", base)
		return []step{{
			title: "Cancel the WeChat waybill from WECHAT_WAYBILL_ID",
			via:   client,
			req: waybill.CancelRequest{
				OrderID: getenv("WECHAT_ORDER_ID"), WaybillID: getenv("WECHAT_WAYBILL_ID"),
				DeliveryID: getenv("WECHAT_DELIVERY_ID"), OpenID: getenv("WECHAT_OPENID"),
			},
		}}, func() {}, nil
	}

	fake := logisticstest.NewServer()
	fake.AddOrder(logisticstest.Order{OrderID: "SHOP-1001", DeliveryID: "SF", WaybillID: "SF1234567890"})
	fake.AddOrder(logisticstest.Order{OrderID: "SHOP-1002", DeliveryID: "YTO", WaybillID: "YT9876543210", State: logisticstest.OrderPickedUp})
	// 同城配送 (same-city delivery): a courier has accepted this one.
	fake.AddIntracityOrder(logisticstest.IntracityOrder{WxOrderID: "2000000000000042007", StoreOrderID: "SHOP-2001", WxStoreID: "4000000000000042001",
		Status: logistics.IntracityOrderAccepted})
	// 微信小店 电子面单: an electronic waybill the shop issued.
	fake.AddEWaybill(logisticstest.EWaybill{EWaybillOrderID: "3878012001699676166", DeliveryID: "YTO", WaybillID: "YT3410779063070"})
	// 同城配送 requires WeChat API security: the fake hands out keys that
	// match its own (in production: the console's API security page).
	client, err := fake.Client(logistics.WithAPISecurity(fake.APISecurity()))
	if err != nil {
		fake.Close()
		return nil, nil, err
	}
	fmt.Fprintln(out, "WeChat: an in-process fake (set WECHAT_APP_ID and friends to use the real API)")
	open := waybill.CancelRequest{OrderID: "SHOP-1001", WaybillID: "SF1234567890", DeliveryID: "SF"}
	return []step{
		{title: "WeChat: cancel order SHOP-1001 (waybill SF1234567890, not yet collected)", via: client, req: open},
		{title: "WeChat: cancel the same order again (errors.Is ErrDuplicateCancel)", via: client, req: open},
		{title: "WeChat: cancel order SHOP-1002, whose parcel the courier has (errors.Is ErrAlreadyHasTrace)", via: client,
			req: waybill.CancelRequest{OrderID: "SHOP-1002", WaybillID: "YT9876543210", DeliveryID: "YTO"}},
		{title: "WeChat: cancel without a delivery company (checked before sending, ErrInvalidParam)", via: client,
			req: waybill.CancelRequest{OrderID: "SHOP-1003", WaybillID: "SF000"}},
		{title: "WeChat 同城配送: cancel order 2000000000000042007, which a courier accepted (sealed with API security; a penalty)", via: client.Intracity(),
			req: waybill.CancelRequest{OrderID: "SHOP-2001", WaybillID: "2000000000000042007", Reason: "customer changed their mind"}},
		{title: "WeChat 微信小店: cancel electronic waybill YT3410779063070 (ewaybill_order_id 3878012001699676166)", via: client.EWaybill(),
			req: waybill.CancelRequest{OrderID: "3878012001699676166", WaybillID: "YT3410779063070", DeliveryID: "YTO"}},
	}, fake.Close, nil
}

// apiusbSetup returns the APIUSB steps: against the real service when
// APIUSB_ORDER_ID is set, otherwise against a fake.
func apiusbSetup(getenv func(string) string, out io.Writer) ([]step, func(), error) {
	if orderID := getenv("APIUSB_ORDER_ID"); orderID != "" {
		var opts []apiusb.Option
		if u := getenv("APIUSB_BASE_URL"); u != "" {
			opts = append(opts, apiusb.WithBaseURL(u))
		}
		switch {
		case getenv("APIUSB_ACCESS_TOKEN") != "":
			opts = append(opts, apiusb.WithAccessToken(auth.StaticToken(getenv("APIUSB_ACCESS_TOKEN"))))
		case getenv("APIUSB_APP_KEY") != "":
			opts = append(opts, apiusb.WithAppKey(getenv("APIUSB_APP_KEY"), getenv("APIUSB_APP_SECRET")))
		}
		client, err := apiusb.NewClient(opts...)
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintln(out, "APIUSB: the configured service")
		return []step{{
			title: "Cancel the APIUSB order from APIUSB_ORDER_ID",
			via:   client,
			req:   waybill.CancelRequest{OrderID: orderID, WaybillID: getenv("APIUSB_TASK_ID"), Reason: getenv("APIUSB_CANCEL_MSG")},
		}}, func() {}, nil
	}

	fake := apiusbtest.NewServer()
	fake.AddTask(apiusbtest.Task{OrderID: "100012021107633", TaskID: "BAB7EDF04019A6C7876096B88B611769"})
	fake.AddTask(apiusbtest.Task{OrderID: "100012021107634", TaskID: "C1D2E3F4", State: apiusbtest.TaskPickedUp})
	client, err := fake.Client()
	if err != nil {
		fake.Close()
		return nil, nil, err
	}
	fmt.Fprintln(out, "APIUSB: an in-process fake (set APIUSB_ORDER_ID and friends to use the real service)")
	return []step{
		{title: "APIUSB: cancel order 100012021107633 (task BAB7EDF0…)", via: client,
			req: waybill.CancelRequest{OrderID: "100012021107633", WaybillID: "BAB7EDF04019A6C7876096B88B611769", Reason: "不要了"}},
		{title: "APIUSB: cancel order 100012021107634, already picked up (the account's code 1001, mapped with apiusb.WithDataCodes)", via: client,
			req: waybill.CancelRequest{OrderID: "100012021107634", WaybillID: "C1D2E3F4", Reason: "不要了"}},
		{title: "APIUSB: cancel without a reason (checked before sending, ErrInvalidParam)", via: client,
			req: waybill.CancelRequest{OrderID: "100012021107633", WaybillID: "BAB7EDF04019A6C7876096B88B611769"}},
	}, fake.Close, nil
}
