// Command apiusb-cancel cancels one APIUSB task (App.Logistics.CCancelOrder)
// from the command line and says in plain words what happened.
//
// It shows the three ways an APIUSB account can be called: with an app key
// and secret, from which an access token is fetched (App.Auth.ApplyToken)
// and refreshed once if refused; with an access token obtained elsewhere; or,
// on accounts without signing, with no token at all. Credentials come from
// the environment, never from flags (which other users can read in the
// process list):
//
//	APIUSB_APP_KEY=… APIUSB_APP_SECRET=… go run ./examples/apiusb-cancel \
//		-order 100012021107633 -task BAB7EDF04019A6C7876096B88B611769 -reason 不要了
//	APIUSB_ACCESS_TOKEN=… go run ./examples/apiusb-cancel -order … -task … -reason …
//
// With -fake it runs against an in-process fake of APIUSB (package
// apiusbtest) that requires a token and knows the given task, so it works
// offline; -fake-state picked-up or cancelled shows how a refusal reads:
//
//	go run ./examples/apiusb-cancel -fake -order o-1 -task t-1 -reason 不要了
//
// The exit status is 0 when the task is cancelled, 1 when it could not be,
// and 2 for bad usage.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/examples/internal/explain"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// fakeStates are the task states -fake-state accepts.
var fakeStates = map[string]apiusbtest.TaskState{
	"open":      apiusbtest.TaskOpen,
	"picked-up": apiusbtest.TaskPickedUp,
	"cancelled": apiusbtest.TaskCancelled,
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("apiusb-cancel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		orderID   = fs.String("order", "", "the platform order ID (orderId, required)")
		taskID    = fs.String("task", "", "the task ID (taskId, required)")
		reason    = fs.String("reason", "", "why the order is cancelled (cancelMsg, required)")
		baseURL   = fs.String("base-url", apiusb.DefaultBaseURL, "APIUSB entry point")
		method    = fs.String("method", http.MethodPost, "GET or POST; POST keeps the access token out of URLs")
		timeout   = fs.Duration("timeout", 15*time.Second, "give up after this long")
		fake      = fs.Bool("fake", false, "run against an in-process fake of APIUSB that knows the task")
		fakeState = fs.String("fake-state", "open", "with -fake, the task's state: open, picked-up or cancelled")
		debug     = fs.Bool("debug", false, "log HTTP exchanges (tokens redacted) to stderr")
	)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "apiusb-cancel: unexpected arguments %q\n", fs.Args())
		return 2
	}
	appKey, secret, token := os.Getenv("APIUSB_APP_KEY"), os.Getenv("APIUSB_APP_SECRET"), os.Getenv("APIUSB_ACCESS_TOKEN")
	if *fake {
		state, ok := fakeStates[*fakeState]
		if !ok {
			fmt.Fprintf(stderr, "apiusb-cancel: -fake-state %q is not open, picked-up or cancelled\n", *fakeState)
			return 2
		}
		srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
		defer srv.Close()
		srv.AddTask(apiusbtest.Task{OrderID: *orderID, TaskID: *taskID, State: state})
		*baseURL, appKey, secret, token = srv.URL, apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret, ""
	}
	switch {
	case (appKey == "") != (secret == ""):
		fmt.Fprintln(stderr, "apiusb-cancel: set both APIUSB_APP_KEY and APIUSB_APP_SECRET, or neither")
		return 2
	case appKey != "" && token != "":
		fmt.Fprintln(stderr, "apiusb-cancel: set APIUSB_APP_KEY and APIUSB_APP_SECRET, or APIUSB_ACCESS_TOKEN, not both")
		return 2
	}

	logger := slog.New(slog.DiscardHandler)
	if *debug {
		logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	opts := []apiusb.Option{apiusb.WithBaseURL(*baseURL), apiusb.WithMethod(*method), apiusb.WithLogger(logger)}
	switch {
	case appKey != "":
		opts = append(opts, apiusb.WithAppKey(appKey, secret))
	case token != "":
		opts = append(opts, apiusb.WithAccessToken(auth.StaticToken(token)))
	default:
		fmt.Fprintln(stderr, "apiusb-cancel: no APIUSB_APP_KEY/APIUSB_APP_SECRET or APIUSB_ACCESS_TOKEN set: sending no access_token, as for an account without signing")
	}
	client, err := apiusb.NewClient(opts...)
	if err != nil {
		fmt.Fprintln(stderr, "apiusb-cancel:", err)
		return 2
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	resp, err := client.CancelOrder(ctx, &apiusb.CancelOrderRequest{OrderID: *orderID, TaskID: *taskID, CancelMsg: *reason})
	outcome, says := explain.Cancel(err)
	if err == nil && resp.Data.Data != "" {
		says += " (APIUSB says: " + resp.Data.Data + ")"
	}
	fmt.Fprintf(stdout, "task %s (order %s): %s\n", *taskID, *orderID, says)
	if outcome == explain.Done {
		return 0
	}
	return 1
}
