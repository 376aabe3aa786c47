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
// -h lists the flags and the environment variables. The exit status is 0
// when the task is cancelled, 1 when it could not be, and 2 for bad usage (a
// missing -order, -task or -reason, or credentials that do not go
// together), which prints the usage to stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/waybill-go/waybill/apiusb"
	"github.com/waybill-go/waybill/apiusb/apiusbtest"
	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/examples/internal/explain"
	"github.com/waybill-go/waybill/examples/internal/usage"
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
	var (
		orderID   = fs.String("order", "", "the platform order ID (orderId, required)")
		taskID    = fs.String("task", "", "the task ID (taskId, required)")
		reason    = fs.String("reason", "", "why the order is cancelled (cancelMsg, required)")
		baseURL   = fs.String("base-url", apiusb.DefaultBaseURL, "APIUSB entry point")
		method    = fs.String("method", http.MethodPost, "GET or POST; POST keeps the access token out of URLs")
		timeout   = fs.Duration("timeout", 15*time.Second, "give up after this long")
		fake      = fs.Bool("fake", false, "run against an in-process fake of APIUSB that knows the task; needs no credentials")
		fakeState = fs.String("fake-state", "open", "with -fake, the task's state: open, picked-up or cancelled")
		debug     = fs.Bool("debug", false, "log HTTP exchanges (tokens redacted) to stderr")
	)
	cmd := &usage.Command{
		Synopsis: "apiusb-cancel -order ID -task ID -reason TEXT [-fake] [flags]",
		About: `Cancels one APIUSB task (App.Logistics.CCancelOrder) and says in plain words
what happened and what to do next. An account with signing turned on needs an
access token: give an app key and secret (a token is fetched with
App.Auth.ApplyToken, and refreshed once if refused) or a token obtained
elsewhere, through the environment, never through flags, which other users can
read in the process list. Without either, no access_token is sent, as for an
account without signing. With -fake it runs offline against an in-process fake
of APIUSB; -fake-state picked-up or cancelled shows how a refusal reads.

Exit status: 0 when the task is cancelled, 1 when it could not be, 2 for bad
usage.`,
		Flags: fs,
		Env: []usage.Var{
			{Name: "APIUSB_APP_KEY", Meaning: "the app key, to fetch access tokens (with APIUSB_APP_SECRET)"},
			{Name: "APIUSB_APP_SECRET", Meaning: "the app secret that goes with it; never printed"},
			{Name: "APIUSB_ACCESS_TOKEN", Meaning: "an access token obtained elsewhere, instead of the two above; never printed"},
		},
		Examples: []string{
			"APIUSB_APP_KEY=… APIUSB_APP_SECRET=… go run ./examples/apiusb-cancel -order 100012021107633 -task BAB7EDF04019A6C7876096B88B611769 -reason 不要了",
			"APIUSB_ACCESS_TOKEN=… go run ./examples/apiusb-cancel -order … -task … -reason …",
			"go run ./examples/apiusb-cancel -fake -fake-state picked-up -order o-1 -task t-1 -reason 不要了",
		},
		Stdout: stdout, Stderr: stderr,
	}
	if code, goOn := cmd.Parse(args); !goOn {
		return code
	}
	if unset := cmd.Unset("order", "task", "reason"); len(unset) > 0 {
		return cmd.Fail("missing %s", strings.Join(unset, ", "))
	}
	appKey, secret, token := os.Getenv("APIUSB_APP_KEY"), os.Getenv("APIUSB_APP_SECRET"), os.Getenv("APIUSB_ACCESS_TOKEN")
	if *fake {
		state, ok := fakeStates[*fakeState]
		if !ok {
			return cmd.Fail("-fake-state %q is not open, picked-up or cancelled", *fakeState)
		}
		srv := apiusbtest.NewServer(apiusbtest.WithTokenRequired())
		defer srv.Close()
		srv.AddTask(apiusbtest.Task{OrderID: *orderID, TaskID: *taskID, State: state})
		*baseURL, appKey, secret, token = srv.URL, apiusbtest.DefaultAppKey, apiusbtest.DefaultAppSecret, ""
	}
	switch {
	case (appKey == "") != (secret == ""):
		return cmd.Fail("set both APIUSB_APP_KEY and APIUSB_APP_SECRET, or neither")
	case appKey != "" && token != "":
		return cmd.Fail("set APIUSB_APP_KEY and APIUSB_APP_SECRET, or APIUSB_ACCESS_TOKEN, not both")
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
		return cmd.Fail("%v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	resp, err := client.CancelOrder(ctx, &apiusb.CancelOrderRequest{OrderID: *orderID, TaskID: *taskID, CancelMsg: *reason})
	outcome, says := explain.Cancel(err)
	if err == nil && resp.Data.Data != "" {
		says += " (APIUSB says: " + resp.Data.Data + ")"
	}
	fmt.Fprintf(stdout, "task %s (order %s): %s\n  next: %s\n", *taskID, *orderID, says, outcome.Advice())
	if outcome == explain.Done {
		return usage.OK
	}
	return usage.Failed
}
