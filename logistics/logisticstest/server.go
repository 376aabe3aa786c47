package logisticstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"time"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/internal/fake"
	"github.com/waybill-go/waybill/logistics"
)

// Paths the fake serves.
const (
	PathToken       = "/cgi-bin/token"
	PathStableToken = "/cgi-bin/stable_token"
	PathCancelOrder = "/cgi-bin/express/business/order/cancel"
)

// The app every Server knows unless told otherwise.
const (
	DefaultAppID     = "wxfake0000000001"
	DefaultAppSecret = "fake-app-secret"
)

// OrderState is where an order stands in the fake's order book.
type OrderState int

// Order states and what order/cancel answers for them.
const (
	OrderOpen           OrderState = iota // cancellable: errcode 0, then OrderCancelled
	OrderPickedUp                         // errcode 9300506
	OrderHasTrace                         // errcode 9300506
	OrderCancelled                        // errcode 9300524
	OrderCarrierRefuses                   // errcode 9300501 with the order's CarrierCode and CarrierMessage
)

// String names the state in plain words.
func (s OrderState) String() string {
	switch s {
	case OrderOpen:
		return "open"
	case OrderPickedUp:
		return "picked up"
	case OrderHasTrace:
		return "has trace"
	case OrderCancelled:
		return "cancelled"
	case OrderCarrierRefuses:
		return "carrier refuses"
	}
	return fmt.Sprintf("OrderState(%d)", int(s))
}

// Order is one shipment in the fake's order book.
type Order struct {
	OrderID    string
	DeliveryID string // e.g. "SF"; added to the known delivery companies
	WaybillID  string
	State      OrderState
	// CarrierCode and CarrierMessage are returned as delivery_resultcode and
	// delivery_resultmsg when State is OrderCarrierRefuses.
	CarrierCode    int
	CarrierMessage string
}

// Fault makes the fake misbehave for the next Times matching requests.
// Exactly one of Errcode, Status, Drop or DropAfterHandling is usually set;
// Delay may accompany any of them or stand alone.
type Fault struct {
	Path              string        // the path it applies to; "" for every path
	Times             int           // how many requests it affects; 0 means 1
	Errcode           int           // answer HTTP 200 with this errcode (and Errmsg)
	Errmsg            string        // defaults to a plausible message
	Status            int           // answer this HTTP status with an HTML page
	Drop              bool          // close the connection without handling or answering
	DropAfterHandling bool          // handle the request (e.g. cancel the order), then drop the answer
	Delay             time.Duration // wait before doing anything (ends early if the client leaves)
}

// Request is one request the fake received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header // as received (Wechatmp-* headers on sealed calls)
	Body   []byte      // as received: sealed calls' bodies are encrypted (see Server.Decrypt)
	Time   time.Time
}

// Server is a stateful fake of WeChat's token endpoints and express business
// order/cancel API, served over real loopback HTTP like httptest.Server. Point
// auth.WithBaseURL and logistics.WithBaseURL at URL, or use Client.
//
// It issues tokens, rejects expired (42001) and unknown or invalidated
// (40001) ones, runs order/cancel against an order book the test seeds, can
// inject faults, and logs every request. All methods are safe for concurrent
// use.
type Server struct {
	*httptest.Server

	mu        sync.Mutex
	now       func() time.Time
	lifetime  time.Duration
	apps      map[string]string // app ID → secret
	tokens    fake.Tokens
	stable    map[string]string // app ID → current stable token
	classic   map[string]string // app ID → latest classic token
	orders    map[string]*Order
	carriers  map[string]bool
	faults    fake.Queue[Fault]
	requests  fake.Log[Request]
	fetches   int
	ridSerial int
	shop      shopBook      // the rest of the 物流助手 API: orders.go
	intracity intracityBook // 同城配送: intracity.go
	paths     *pathPushes   // nil: no add_express_path pushes (pathpush.go)
	ewaybills ewaybillBook  // 微信小店 电子面单: ewaybill.go
	sec       securityState // WeChat API security: apisec.go
}

// Option configures NewServer.
type Option func(*Server)

// WithApp registers another app the token endpoints accept.
func WithApp(appID, secret string) Option {
	return func(s *Server) { s.apps[appID] = secret }
}

// WithTokenLifetime sets expires_in for new tokens (default 7200 s).
func WithTokenLifetime(d time.Duration) Option {
	return func(s *Server) { s.lifetime = d }
}

// WithClock replaces time.Now for token expiry.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// NewServer starts a fake that knows DefaultAppID / DefaultAppSecret and the
// common delivery companies (SF, YTO, ZTO, STO, YUNDA, JTSD, EMS, DB). Call
// Close when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		now:      time.Now,
		lifetime: 7200 * time.Second,
		apps:     map[string]string{DefaultAppID: DefaultAppSecret},
		stable:   map[string]string{},
		classic:  map[string]string{},
		orders:   map[string]*Order{},
		carriers: map[string]bool{},
	}
	for _, c := range []string{"SF", "YTO", "ZTO", "STO", "YUNDA", "JTSD", "EMS", "DB"} {
		s.carriers[c] = true
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc(PathToken, s.handleToken)
	mux.HandleFunc(PathStableToken, s.handleStableToken)
	mux.HandleFunc(PathCancelOrder, s.handleCancel)
	s.addShopRoutes(mux) // orders.go
	mux.HandleFunc(PathIntracityCancelOrder, sealedRoute(s, s.intracityCancel))
	mux.HandleFunc(PathIntracityQueryOrder, sealedRoute(s, s.intracityQuery))
	mux.HandleFunc(PathEWaybillCancelOrder, route(s, http.MethodPost, s.ewaybillCancel))
	s.Server = httptest.NewServer(s.intercept(mux))
	return s
}

// Client returns a logistics.Client for DefaultAppID that fetches its tokens
// from this fake. opts are applied after the ones pointing it here.
func (s *Server) Client(opts ...logistics.Option) (*logistics.Client, error) {
	tokens, err := s.TokenSource()
	if err != nil {
		return nil, err
	}
	return logistics.NewClient(tokens, append([]logistics.Option{logistics.WithBaseURL(s.URL)}, opts...)...)
}

// TokenSource returns an auth.WeChatTokenSource for DefaultAppID that
// fetches from this fake. opts are applied after the ones pointing it here.
func (s *Server) TokenSource(opts ...auth.WeChatOption) (*auth.WeChatTokenSource, error) {
	return auth.NewWeChatTokenSource(DefaultAppID, DefaultAppSecret,
		append([]auth.WeChatOption{auth.WithBaseURL(s.URL)}, opts...)...)
}

// AddOrder puts an order into the order book, replacing one with the same
// OrderID. Its DeliveryID becomes a known delivery company.
func (s *Server) AddOrder(o Order) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orders[o.OrderID] = &o
	if o.DeliveryID != "" {
		s.carriers[o.DeliveryID] = true
	}
}

// Order returns the order's current state.
func (s *Server) Order(orderID string) (Order, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderID]
	if !ok {
		return Order{}, false
	}
	return *o, true
}

// SetOrderState moves an order to another state, e.g. OrderPickedUp once
// the courier has it. It reports whether the order exists.
func (s *Server) SetOrderState(orderID string, st OrderState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[orderID]
	if ok {
		o.State = st
	}
	return ok
}

// Inject queues a fault. Faults apply in the order they were injected.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.Add(f.Path, f.Times, f)
}

// Requests returns every request received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests.Copy(nil)
}

// RequestsTo returns the requests received on path.
func (s *Server) RequestsTo(path string) []Request {
	return fake.Select(s.Requests(), func(r Request) bool { return r.Path == path })
}

// TokenFetches counts the tokens issued by either endpoint, repeats of a
// current stable token included.
func (s *Server) TokenFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches
}

// InvalidateToken makes WeChat reject token with 40001 from now on, as
// happens when another process fetches a classic token.
func (s *Server) InvalidateToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens.Revoke(token)
	for app, t := range s.stable {
		if t == token {
			delete(s.stable, app)
		}
	}
}

// ExpireTokens makes every issued token expire now (42001).
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens.ExpireAll(s.now())
	clear(s.stable)
}

// intercept logs the request and applies faults before the real handler.
func (s *Server) intercept(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.mu.Lock()
		s.requests.Add(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body, Time: s.now()})
		f, _ := s.faults.Take(r.URL.Path) // the zero Fault when none is queued
		s.mu.Unlock()
		handle := func(w http.ResponseWriter) { next.ServeHTTP(w, r) }
		m := fake.Misbehaviour{Delay: f.Delay, Drop: f.Drop, DropAfterHandling: f.DropAfterHandling, Status: f.Status}
		switch {
		case m.Apply(w, r, handle):
		case f.Errcode != 0:
			msg := f.Errmsg
			if msg == "" {
				msg = "injected error"
			}
			s.errReply(w, f.Errcode, msg)
		default:
			handle(w)
		}
	})
}

// withRID appends a request ID the way WeChat does. s.mu need not be held.
func (s *Server) withRID(msg string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ridLocked(msg)
}

// ridLocked is withRID with s.mu held.
func (s *Server) ridLocked(msg string) string {
	s.ridSerial++
	return fmt.Sprintf("%s rid: fake-%06d", msg, s.ridSerial)
}

func (s *Server) errReply(w http.ResponseWriter, code int, msg string) {
	fake.WriteJSON(w, map[string]any{"errcode": code, "errmsg": s.withRID(msg)})
}

// issue returns a new token; s.mu must be held.
func (s *Server) issue(lifetime time.Duration) string {
	s.fetches++
	return s.tokens.Issue(s.now(), lifetime)
}

// checkApp answers wrong credentials; s.mu must be held.
func (s *Server) checkApp(appID, secret string) (code int, msg string) {
	want, ok := s.apps[appID]
	switch {
	case appID == "":
		return 41002, "appid missing"
	case secret == "":
		return 41004, "appsecret missing"
	case !ok:
		return 40013, "invalid appid"
	case secret != want:
		return 40125, "invalid appsecret"
	}
	return 0, ""
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		s.errReply(w, 43001, "require GET method")
		return
	}
	q := r.URL.Query()
	if q.Get("grant_type") != "client_credential" {
		s.errReply(w, 40002, "invalid grant_type")
		return
	}
	appID := q.Get("appid")
	s.mu.Lock()
	if code, msg := s.checkApp(appID, q.Get("secret")); code != 0 {
		s.mu.Unlock()
		s.errReply(w, code, msg)
		return
	}
	defer s.mu.Unlock()
	// Each classic fetch retires the previous token after five minutes.
	if old, ok := s.classic[appID]; ok {
		s.tokens.Shorten(old, s.now().Add(5*time.Minute))
	}
	t := s.issue(s.lifetime)
	s.classic[appID] = t
	fake.WriteJSON(w, map[string]any{"access_token": t, "expires_in": int(s.lifetime / time.Second)})
}

func (s *Server) handleStableToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.errReply(w, 43002, "require POST method")
		return
	}
	var req struct {
		GrantType    string `json:"grant_type"`
		AppID        string `json:"appid"`
		Secret       string `json:"secret"`
		ForceRefresh bool   `json:"force_refresh"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.errReply(w, 47001, "data format error")
		return
	}
	if req.GrantType != "client_credential" {
		s.errReply(w, 40002, "invalid grant_type")
		return
	}
	s.mu.Lock()
	code, msg := s.checkApp(req.AppID, req.Secret)
	if code != 0 {
		s.mu.Unlock()
		s.errReply(w, code, msg)
		return
	}
	now := s.now()
	cur, ok := s.stable[req.AppID]
	exp := s.tokens.Expiry(cur)
	// Normal mode hands back the current token until five minutes before it
	// expires; force_refresh replaces it at once.
	if !ok || req.ForceRefresh || !now.Before(exp.Add(-5*time.Minute)) {
		if ok && req.ForceRefresh {
			s.tokens.Revoke(cur)
		}
		cur = s.issue(s.lifetime)
		s.stable[req.AppID] = cur
		exp = s.tokens.Expiry(cur)
	} else {
		s.fetches++
	}
	s.mu.Unlock()
	fake.WriteJSON(w, map[string]any{"access_token": cur, "expires_in": int(exp.Sub(now) / time.Second)})
}

// checkToken answers a missing, unknown or expired access_token; it
// returns false if it answered.
func (s *Server) checkToken(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	check := s.tokens.Check(r.URL.Query().Get("access_token"), s.now())
	s.mu.Unlock()
	switch check {
	case fake.TokenMissing:
		s.errReply(w, 41001, "access_token missing")
	case fake.TokenUnknown:
		s.errReply(w, 40001, "invalid credential, access_token is invalid or not latest")
	case fake.TokenExpired:
		s.errReply(w, 42001, "access_token expired")
	default:
		return true
	}
	return false
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		s.errReply(w, 43002, "require POST method")
		return
	}
	if !s.checkToken(w, r) {
		return
	}
	var req logistics.CancelOrderRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		s.errReply(w, 47001, "data format error")
		return
	}
	if req.OrderID == "" || req.DeliveryID == "" || req.WaybillID == "" {
		s.errReply(w, 930561, "argument invalid")
		return
	}
	s.mu.Lock()
	code, msg, carrier := s.cancel(&req)
	s.mu.Unlock()
	resp := logistics.CancelOrderResponse{ErrCode: code, ErrMsg: msg}
	if code != 0 {
		resp.ErrMsg = s.withRID(msg)
	}
	if carrier != nil {
		resp.DeliveryResultCode, resp.DeliveryResultMsg = carrier.CarrierCode, carrier.CarrierMessage
	}
	fake.WriteJSON(w, resp)
}

// cancel applies order/cancel to the order book; s.mu must be held.
func (s *Server) cancel(req *logistics.CancelOrderRequest) (code int, msg string, refusing *Order) {
	if !s.carriers[req.DeliveryID] {
		return 9300503, "delivery_id not exist", nil
	}
	o, ok := s.orders[req.OrderID]
	if !ok {
		return 930563, "order not exist", nil
	}
	if o.WaybillID != req.WaybillID {
		return 40199, "waybill_id not exist", nil
	}
	switch o.State {
	case OrderPickedUp, OrderHasTrace:
		return 9300506, "waybill has trace, cannot cancel", nil
	case OrderCancelled:
		return 9300524, "cancel order fail", nil
	case OrderCarrierRefuses:
		return 9300501, "delivery logic error", o
	}
	o.State = OrderCancelled
	return 0, "ok", nil
}
