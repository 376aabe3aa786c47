// Command carrier-webhook is a carrier's side of WeChat logistics: an HTTP
// server that answers the cancel_waybill push from a small in-memory waybill
// store. Waybills the courier has collected answer 30002, cancelled ones
// 30003, unknown ones 30001; WeChat's retries of an event already answered
// get the same answer again.
//
// The push Token and EncodingAESKey come from the environment
// (WECHAT_PUSH_TOKEN, WECHAT_ENCODING_AES_KEY; empty key = plain mode), the
// mini program's AppID from -appid:
//
//	WECHAT_PUSH_TOKEN=… WECHAT_ENCODING_AES_KEY=… go run ./examples/carrier-webhook -addr :8080 -appid wx…
//
// With -selftest it starts on a loopback port with demo credentials, sends
// itself cancel_waybill events as WeChat would (signed and encrypted), prints
// the replies and exits:
//
//	go run ./examples/carrier-webhook -selftest
//
// -h lists the flags and the environment variables. Without a push Token
// and without -selftest it prints the usage to stderr and exits 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"time"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/examples/internal/usage"
	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// state is where a waybill stands at the carrier.
type state int

const (
	open state = iota
	pickedUp
	cancelled
)

// store is the carrier's waybill book. Safe for concurrent use.
type store struct {
	mu       sync.Mutex
	waybills map[string]state
	answered map[string]error // WeChat's retries get the first answer again
}

func newStore() *store {
	return &store{
		waybills: map[string]state{"SF1001": open, "SF1002": pickedUp, "SF1003": open},
		answered: map[string]error{},
	}
}

// cancel is the OnCancelWaybill callback.
func (s *store) cancel(_ context.Context, ev *logistics.CancelWaybillEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := ev.FromUserName + "|" + strconv.FormatInt(ev.CreateTime, 10) + "|" + ev.OrderID
	if err, seen := s.answered[key]; seen {
		return err
	}
	err := s.apply(ev.WayBillID)
	s.answered[key] = err
	return err
}

func (s *store) apply(waybillID string) error {
	st, ok := s.waybills[waybillID]
	switch {
	case !ok:
		return fmt.Errorf("waybill %s: %w", waybillID, werrors.ErrInvalidParam)
	case st == pickedUp:
		return fmt.Errorf("waybill %s: %w", waybillID, werrors.ErrAlreadyPickedUp)
	case st == cancelled:
		return fmt.Errorf("waybill %s: %w", waybillID, werrors.ErrInvalidWaybill)
	}
	s.waybills[waybillID] = cancelled
	return nil
}

// Demo credentials for -selftest only.
const (
	demoToken = "carrier-demo-token"
	demoKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	demoAppID = "wxcarrierdemo0001"
)

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("carrier-webhook", flag.ContinueOnError)
	addr := fs.String("addr", ":8080", "listen address")
	path := fs.String("path", "/wechat/push", "the path configured for message push")
	appID := fs.String("appid", "", "the carrier mini program's AppID (required with WECHAT_ENCODING_AES_KEY)")
	selftest := fs.Bool("selftest", false, "serve on loopback with demo credentials, push test events to itself, print the replies and exit")
	cmd := &usage.Command{
		Synopsis: "carrier-webhook [-addr host:port] [-path /p] [-appid wx…] | carrier-webhook -selftest",
		About: `A carrier's side of WeChat logistics: an HTTP server that answers WeChat's
cancel_waybill push from a small in-memory waybill book. Collected waybills
answer 30002, cancelled ones 30003, unknown ones 30001; WeChat's retries of an
event already answered get the same answer again. It serves until interrupted.

The push credentials come from the environment. With an EncodingAESKey the
pushes are encrypted (safe mode) and -appid is required; without one they are
plain. -selftest needs neither: it serves on a loopback port with demo
credentials, pushes itself events as WeChat would, prints the replies and exits.

Exit status: 0 after an interrupt or a passing self-test, 1 when the server
cannot run, 2 for bad usage.`,
		Flags: fs,
		Env: []usage.Var{
			{Name: "WECHAT_PUSH_TOKEN", Meaning: "the message push Token (required without -selftest); never printed"},
			{Name: "WECHAT_ENCODING_AES_KEY", Meaning: "the 43-character EncodingAESKey (empty: plain mode); never printed"},
		},
		Examples: []string{
			"WECHAT_PUSH_TOKEN=… WECHAT_ENCODING_AES_KEY=… go run ./examples/carrier-webhook -addr :8080 -appid wx…",
			"go run ./examples/carrier-webhook -selftest",
		},
		Stdout: stdout, Stderr: stderr,
	}
	if code, goOn := cmd.Parse(args); !goOn {
		return code
	}
	token, key := getenv("WECHAT_PUSH_TOKEN"), getenv("WECHAT_ENCODING_AES_KEY")
	if *selftest {
		token, key, *appID, *addr = demoToken, demoKey, demoAppID, "127.0.0.1:0"
	}
	switch {
	case token == "":
		return cmd.Fail("set WECHAT_PUSH_TOKEN (and WECHAT_ENCODING_AES_KEY for safe mode), or pass -selftest")
	case key != "" && *appID == "":
		return cmd.Fail("-appid is required with WECHAT_ENCODING_AES_KEY: safe mode checks the AppID of every push")
	}

	book := newStore()
	handler, err := logistics.NewEventHandler(logistics.EventConfig{
		Token: token, EncodingAESKey: key, AppID: *appID,
		OnCancelWaybill: book.cancel,
		Logger:          slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		return cmd.Fail("%v", err)
	}
	mux := http.NewServeMux()
	mux.Handle(*path, handler)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "carrier-webhook:", err)
		return 1
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	url := "http://" + ln.Addr().String() + *path

	if *selftest {
		err = selfTest(ctx, url, stdout)
	} else {
		fmt.Fprintln(stdout, "carrier-webhook: answering cancel_waybill at", url)
		select {
		case <-ctx.Done():
		case err = <-served:
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, "carrier-webhook:", err)
		return 1
	}
	return 0
}

// selfTest plays WeChat against the running server.
func selfTest(ctx context.Context, url string, out io.Writer) error {
	wechat := &logisticstest.Pusher{Token: demoToken, EncodingAESKey: demoKey, AppID: demoAppID, Safe: true, Format: logisticstest.FormatXML}
	if err := wechat.CheckURL(ctx, url); err != nil {
		return fmt.Errorf("URL check: %w", err)
	}
	fmt.Fprintln(out, "URL check passed: the server echoed echostr")
	ev := logisticstest.SampleCancelWaybillEvent()
	for i, c := range []struct {
		waybill, what string
		format        logisticstest.Format // WeChat sends what the console is set to
	}{
		{"SF1001", "an open waybill", logisticstest.FormatJSON},
		{"SF1001", "the same waybill again, in a new event", logisticstest.FormatXML},
		{"SF1002", "a waybill the courier has collected", logisticstest.FormatJSON},
		{"SF9999", "an unknown waybill", logisticstest.FormatXML},
	} {
		ev.WayBillID, ev.OrderID = c.waybill, "ORDER-"+c.waybill
		ev.CreateTime = time.Now().Unix() + int64(i) // a new event each time
		wechat.Format = c.format
		reply, err := wechat.PushURL(ctx, url, ev)
		if err != nil {
			return fmt.Errorf("pushing %s: %w", c.waybill, err)
		}
		fmt.Fprintf(out, "cancel %s (%s, %s): ResultCode %d %q\n", c.waybill, c.what, wechat.Format, reply.ResultCode, reply.ResultMsg)
	}
	// WeChat retries an event whose answer it missed: same answer again.
	ev.WayBillID, ev.OrderID, ev.CreateTime = "SF1003", "ORDER-SF1003", 1700000000
	first, err := wechat.PushURL(ctx, url, ev)
	if err != nil {
		return err
	}
	retry, err := wechat.PushURL(ctx, url, ev)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "cancel SF1003 and WeChat's retry of the same event: ResultCode %d, then %d\n", first.ResultCode, retry.ResultCode)
	return nil
}
