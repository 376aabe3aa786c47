// Command wechat-cancel cancels one WeChat express waybill from the command
// line and says in plain words what happened.
//
// Credentials come from the environment, never from flags (which other users
// can read in the process list):
//
//	WECHAT_APP_ID=wx… WECHAT_APP_SECRET=… go run ./examples/wechat-cancel \
//		-order 01234567890123456789 -waybill 123456789 -delivery SF
//
// With -fake it runs against an in-process fake of WeChat that knows the
// given order, so it works offline:
//
//	go run ./examples/wechat-cancel -fake -order o-1 -waybill w-1 -delivery SF
//
// -h lists the flags and the environment variables. The exit status is 0
// when the waybill is cancelled (now or before), 1 when it could not be,
// and 2 for bad usage (a missing -order, -waybill or -delivery, or no
// credentials without -fake), which prints the usage to stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/examples/internal/explain"
	"github.com/waybill-go/waybill/examples/internal/usage"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("wechat-cancel", flag.ContinueOnError)
	var (
		orderID  = fs.String("order", "", "the shop's order ID (order_id, required)")
		waybill  = fs.String("waybill", "", "the waybill ID (waybill_id, required)")
		delivery = fs.String("delivery", "", "the delivery company ID, e.g. SF (delivery_id, required)")
		openID   = fs.String("openid", "", "the user's openid (optional)")
		baseURL  = fs.String("base-url", logistics.DefaultBaseURL, "WeChat API base URL")
		classic  = fs.Bool("classic-token", false, "use /cgi-bin/token instead of /cgi-bin/stable_token")
		timeout  = fs.Duration("timeout", 15*time.Second, "give up after this long")
		fake     = fs.Bool("fake", false, "run against an in-process fake of WeChat that knows the order; needs no credentials")
		debug    = fs.Bool("debug", false, "log HTTP exchanges (tokens redacted) to stderr")
	)
	cmd := &usage.Command{
		Synopsis: "wechat-cancel -order ID -waybill ID -delivery ID [-openid ID] [-fake] [flags]",
		About: `Cancels one WeChat express waybill (物流助手 order/cancel) and says in plain
words what happened and what to do next. The app's credentials come from the
environment, never from flags, which other users can read in the process list;
with -fake it runs offline against an in-process fake of WeChat instead.

Exit status: 0 when the waybill is cancelled (now or before), 1 when it could
not be, 2 for bad usage.`,
		Flags: fs,
		Env: []usage.Var{
			{Name: "WECHAT_APP_ID", Meaning: "the mini program's AppID (required without -fake)"},
			{Name: "WECHAT_APP_SECRET", Meaning: "its AppSecret (required without -fake); never printed"},
		},
		Examples: []string{
			"WECHAT_APP_ID=wx… WECHAT_APP_SECRET=… go run ./examples/wechat-cancel -order 01234567890123456789 -waybill 123456789 -delivery SF",
			"go run ./examples/wechat-cancel -fake -order o-1 -waybill w-1 -delivery SF",
		},
		Stdout: stdout, Stderr: stderr,
	}
	if code, goOn := cmd.Parse(args); !goOn {
		return code
	}
	if unset := cmd.Unset("order", "waybill", "delivery"); len(unset) > 0 {
		return cmd.Fail("missing %s", strings.Join(unset, ", "))
	}
	appID, secret := os.Getenv("WECHAT_APP_ID"), os.Getenv("WECHAT_APP_SECRET")
	if *fake {
		srv := logisticstest.NewServer()
		defer srv.Close()
		srv.AddOrder(logisticstest.Order{OrderID: *orderID, DeliveryID: *delivery, WaybillID: *waybill})
		*baseURL, appID, secret = srv.URL, logisticstest.DefaultAppID, logisticstest.DefaultAppSecret
	}
	if appID == "" || secret == "" {
		return cmd.Fail("set WECHAT_APP_ID and WECHAT_APP_SECRET, or pass -fake")
	}

	logger := slog.New(slog.DiscardHandler)
	if *debug {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	client, err := logistics.NewAppClient(appID, secret, logistics.WithBaseURL(*baseURL), logistics.WithLogger(logger),
		logistics.WithTokenOptions(auth.WithStableToken(!*classic)))
	if err != nil {
		return cmd.Fail("%v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	_, err = client.CancelOrder(ctx, &logistics.CancelOrderRequest{
		OrderID: *orderID, OpenID: *openID, DeliveryID: *delivery, WaybillID: *waybill,
	})
	outcome, says := explain.Cancel(err)
	fmt.Fprintf(stdout, "waybill %s (order %s): %s\n  next: %s\n", *waybill, *orderID, says, outcome.Advice())
	if outcome == explain.Done {
		return usage.OK
	}
	return usage.Failed
}
