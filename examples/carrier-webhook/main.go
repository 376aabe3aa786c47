// Command carrier-webhook is a carrier's side of WeChat logistics: an HTTP
// server that answers WeChat's pushes from a small in-memory book of shop
// accounts and waybills:
//
//   - check_biz: known accounts with the right password pass (with their
//     balance), unknown ones answer 10001, a wrong password 10002;
//   - get_quota: the account's balance;
//   - add_waybill: a waybill number (made here when WeChat sends "0") and
//     the label data, one waybill per OrderID;
//   - cancel_waybill: waybills the courier has collected answer 30002,
//     cancelled ones 30003, unknown ones 30001.
//
// WeChat's retries of an event already answered get the same answer from
// the handler's event store, without calling back again; with -redis every
// process of a fleet shares that store.
//
// The push Token and EncodingAESKey come from the environment
// (WECHAT_PUSH_TOKEN, WECHAT_ENCODING_AES_KEY; empty key = plain mode), the
// mini program's AppID from -appid:
//
//	WECHAT_PUSH_TOKEN=… WECHAT_ENCODING_AES_KEY=… go run ./examples/carrier-webhook -addr :8080 -appid wx… [-redis localhost:6379]
//
// With -selftest it starts on a loopback port with demo credentials, sends
// itself each event as WeChat would (signed and encrypted), prints the
// replies and exits:
//
//	go run ./examples/carrier-webhook -selftest
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

	"github.com/redis/go-redis/v9"

	"github.com/waybill-go/waybill/auth/redisstore"
	werrors "github.com/waybill-go/waybill/errors"
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

// book is the carrier's record of shop accounts and waybills. Safe for
// concurrent use.
type book struct {
	mu       sync.Mutex
	accounts map[string]account // by BizID
	waybills map[string]state
	orders   map[string]string // OrderID → waybill made for it
	next     int
	cancels  int // how many times cancel ran, to show retries do not reach it
}

type account struct {
	password string
	balance  int
}

func newBook() *book {
	return &book{
		accounts: map[string]account{"xyz": {password: "xyz123", balance: 1500}},
		waybills: map[string]state{"SF1001": open, "SF1002": pickedUp, "SF1003": open},
		orders:   map[string]string{},
		next:     2001,
	}
}

// login checks a shop's account at the carrier.
func (b *book) login(bizID, bizPwd string) (account, error) {
	acct, ok := b.accounts[bizID]
	switch {
	case !ok:
		return account{}, &logistics.ResultError{Code: logistics.ResultBizNotFound}
	case acct.password != bizPwd:
		return account{}, &logistics.ResultError{Code: logistics.ResultWrongPassword}
	}
	return acct, nil
}

// checkBiz is the OnCheckBiz callback.
func (b *book) checkBiz(_ context.Context, ev *logistics.CheckBizEvent) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, err := b.login(ev.BizID, ev.BizPwd)
	return err
}

// quota is the OnGetQuota callback.
func (b *book) quota(_ context.Context, ev *logistics.GetQuotaEvent) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	acct, err := b.login(ev.BizID, ev.BizPwd)
	return acct.balance, err
}

// addWaybill is the OnAddWaybill callback: one waybill per order.
func (b *book) addWaybill(_ context.Context, ev *logistics.AddWaybillEvent) (*logistics.AddWaybillResult, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := b.login(ev.BizID, ev.BizPwd); err != nil {
		return nil, err
	}
	id, ok := b.orders[ev.OrderID]
	if !ok {
		id = ev.WayBillID
		if id == "" || id == "0" {
			id = "SF" + strconv.Itoa(b.next)
			b.next++
		}
		b.orders[ev.OrderID] = id
		b.waybills[id] = open
	}
	return &logistics.AddWaybillResult{WayBillID: id, WaybillData: "##SF_bagAddr##" + ev.Receiver.City + "##"}, nil
}

// cancel is the OnCancelWaybill callback.
func (b *book) cancel(_ context.Context, ev *logistics.CancelWaybillEvent) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.cancels++
	st, ok := b.waybills[ev.WayBillID]
	switch {
	case !ok:
		return fmt.Errorf("waybill %s: %w", ev.WayBillID, werrors.ErrInvalidParam)
	case st == pickedUp:
		return fmt.Errorf("waybill %s: %w", ev.WayBillID, werrors.ErrAlreadyPickedUp)
	case st == cancelled:
		return fmt.Errorf("waybill %s: %w", ev.WayBillID, werrors.ErrInvalidWaybill)
	}
	b.waybills[ev.WayBillID] = cancelled
	return nil
}

func (b *book) cancelCalls() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cancels
}

// Demo credentials for -selftest only.
const (
	demoToken = "carrier-demo-token"
	demoKey   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	demoAppID = "wxcarrierdemo0001"
)

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("carrier-webhook", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", ":8080", "listen address")
	path := fs.String("path", "/wechat/push", "the path configured for message push")
	appID := fs.String("appid", "", "the carrier mini program's AppID (required with an EncodingAESKey)")
	selftest := fs.Bool("selftest", false, "serve on loopback with demo credentials, push test events to itself, print the replies and exit")
	redisAddr := fs.String("redis", "", "share the event store with the fleet on this Redis (host:port); empty: in process memory")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	token, key := getenv("WECHAT_PUSH_TOKEN"), getenv("WECHAT_ENCODING_AES_KEY")
	if *selftest {
		token, key, *appID, *addr = demoToken, demoKey, demoAppID, "127.0.0.1:0"
	}
	if token == "" {
		fmt.Fprintln(stderr, "carrier-webhook: set WECHAT_PUSH_TOKEN (and WECHAT_ENCODING_AES_KEY for safe mode), or pass -selftest")
		return 2
	}

	var store logistics.EventStore // nil: the handler's own memory store
	if *redisAddr != "" {
		rdb := redis.NewClient(&redis.Options{Addr: *redisAddr})
		defer rdb.Close()
		shared, err := redisstore.NewEventStore(rdb, redisstore.WithPrefix("carrier-webhook:"))
		if err != nil {
			fmt.Fprintln(stderr, "carrier-webhook:", err)
			return 2
		}
		store = shared
	}
	book := newBook()
	handler, err := logistics.NewEventHandler(logistics.EventConfig{
		Token: token, EncodingAESKey: key, AppID: *appID,
		Store:           store,
		OnCancelWaybill: book.cancel,
		OnAddWaybill:    book.addWaybill,
		OnCheckBiz:      book.checkBiz,
		OnGetQuota:      book.quota,
		Logger:          slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	})
	if err != nil {
		fmt.Fprintln(stderr, "carrier-webhook:", err)
		return 2
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
		err = selfTest(ctx, url, book, stdout)
	} else {
		fmt.Fprintln(stdout, "carrier-webhook: answering WeChat's pushes at", url)
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
func selfTest(ctx context.Context, url string, book *book, out io.Writer) error {
	wechat := &logisticstest.Pusher{Token: demoToken, EncodingAESKey: demoKey, AppID: demoAppID, Safe: true, Format: logisticstest.FormatXML}
	if err := wechat.CheckURL(ctx, url); err != nil {
		return fmt.Errorf("URL check: %w", err)
	}
	fmt.Fprintln(out, "URL check passed: the server echoed echostr")
	now := time.Now().Unix()

	// A shop binds its account: check_biz, then get_quota.
	for i, pwd := range []string{"xyz123", "wrong"} {
		check := logisticstest.SampleCheckBizEvent()
		check.BizPwd, check.CreateTime = pwd, now+int64(i)
		r, err := wechat.PushEventURL(ctx, url, check)
		if err != nil {
			return fmt.Errorf("check_biz: %w", err)
		}
		reply, err := r.Quota()
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "check_biz (password %s): ResultCode %d %q, Quota %d\n", pwd, reply.ResultCode, reply.ResultMsg, reply.Quota)
	}
	quota := logisticstest.SampleGetQuotaEvent()
	quota.CreateTime = now
	r, err := wechat.PushEventURL(ctx, url, quota)
	if err != nil {
		return fmt.Errorf("get_quota: %w", err)
	}
	q, err := r.Quota()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "get_quota: ResultCode %d, Quota %d\n", q.ResultCode, q.Quota)

	// The shop orders a waybill, in JSON this time.
	wechat.Format = logisticstest.FormatJSON
	add := logisticstest.SampleAddWaybillEvent()
	add.CreateTime = now
	r, err = wechat.PushEventURL(ctx, url, add)
	if err != nil {
		return fmt.Errorf("add_waybill: %w", err)
	}
	a, err := r.AddWaybill()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "add_waybill: ResultCode %d, WayBillID %s, WaybillData %s\n", a.ResultCode, a.WayBillID, a.WaybillData)

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
		ev.CreateTime = now + int64(i) // a new event each time
		wechat.Format = c.format
		reply, err := wechat.PushURL(ctx, url, ev)
		if err != nil {
			return fmt.Errorf("pushing %s: %w", c.waybill, err)
		}
		fmt.Fprintf(out, "cancel %s (%s, %s): ResultCode %d %q\n", c.waybill, c.what, wechat.Format, reply.ResultCode, reply.ResultMsg)
	}
	// WeChat retries an event whose answer it missed: the event store
	// answers the retry, and the callback does not run again.
	ev.WayBillID, ev.OrderID, ev.CreateTime = a.WayBillID, add.OrderID, now+10
	before := book.cancelCalls()
	first, err := wechat.PushURL(ctx, url, ev)
	if err != nil {
		return err
	}
	retry, err := wechat.PushURL(ctx, url, ev)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "cancel %s and WeChat's retry of the same event: ResultCode %d, then %d (callback ran %d time)\n",
		a.WayBillID, first.ResultCode, retry.ResultCode, book.cancelCalls()-before)
	return nil
}
