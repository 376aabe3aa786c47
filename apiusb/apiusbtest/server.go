package apiusbtest

import (
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/waybill-go/waybill/apiusb"
	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/fake"
)

// Services the fake knows.
const (
	ServiceCancelOrder = apiusb.CancelService // App.Logistics.CCancelOrder
	ServiceApplyToken  = apiusb.TokenService  // App.Auth.ApplyToken
)

// The app every Server knows unless told otherwise.
const (
	DefaultAppKey    = "fake-app-key"
	DefaultAppSecret = "fake-app-secret"
)

// The inner data.code values CCancelOrder answers for tasks it cannot
// cancel. They are this fake's conventions: APIUSB documents none.
const (
	CodePickedUp         = 1001 // the courier has the parcel
	CodeAlreadyCancelled = 1002 // the task was cancelled before
	CodeTaskNotFound     = 1004 // no such taskId, or it belongs to another orderId
)

// maxBody caps the request body the fake reads.
const maxBody = 1 << 20

// TaskState is where a task stands in the fake's task book.
type TaskState int

// Task states and what CCancelOrder answers for them.
const (
	TaskOpen      TaskState = iota // cancellable: data.code 200, then TaskCancelled
	TaskPickedUp                   // data.code CodePickedUp
	TaskCancelled                  // data.code CodeAlreadyCancelled
)

// String names the state in plain words.
func (s TaskState) String() string {
	switch s {
	case TaskOpen:
		return "open"
	case TaskPickedUp:
		return "picked up"
	case TaskCancelled:
		return "cancelled"
	}
	return fmt.Sprintf("TaskState(%d)", int(s))
}

// Task is one shipment in the fake's task book.
type Task struct {
	OrderID string // the platform order ID, orderId; must match on cancel
	TaskID  string // the task ID, taskId; the book's key
	State   TaskState
}

// Fault makes the fake misbehave for the next Times matching requests.
// Usually one of Drop, DropAfterHandling, Status, Ret or Code is set, and
// that is also the order in which they are looked at; Delay may accompany
// any of them or stand alone. A Fault with none of them set (and Ret 200
// counts as none) only delays.
type Fault struct {
	Service string // the service (s) it applies to; "" for every request
	Times   int    // how many requests it affects; 0 means 1
	// Ret answers HTTP 200 with an envelope carrying this ret and Msg.
	Ret int
	// Msg is the envelope's msg for Ret, or data.message for Code. It
	// defaults to a plausible text.
	Msg string
	// Code answers ret 200 with data {"code": Code, "message": Msg}.
	Code              int
	Status            int           // answer this HTTP status with an HTML page
	Drop              bool          // close the connection without handling or answering
	DropAfterHandling bool          // handle the request (e.g. cancel the task), then close the connection unanswered
	Delay             time.Duration // wait before doing anything (ends early if the client leaves)
}

// Request is one request the fake received. Params hold what was sent,
// app_secret and access_token included, so that tests can assert on them;
// print them only in tests that use throwaway credentials.
type Request struct {
	Method  string
	Service string     // s (or service)
	Params  url.Values // query and body merged, body values first; includes s and any access_token
	Time    time.Time  // by the fake's clock
}

// Server is a stateful fake of APIUSB's App.Logistics.CCancelOrder and
// App.Auth.ApplyToken, served over real loopback HTTP like
// httptest.Server. Point apiusb.WithBaseURL at URL (it serves calls and ApplyToken alike),
// or use Client and TokenSource.
//
// See the package documentation for what it answers. All methods are safe
// for concurrent use.
type Server struct {
	*httptest.Server

	tokenRequired bool // fixed by NewServer

	mu       sync.Mutex
	now      func() time.Time
	lifetime time.Duration
	apps     map[string]string // app key → secret
	tokens   fake.Tokens
	tasks    map[string]*Task // task ID → task
	faults   fake.Queue[Fault]
	requests fake.Log[Request]
	fetches  int
}

// Option configures NewServer.
type Option func(*Server)

// WithTokenRequired makes CCancelOrder (and any other service but
// ApplyToken) require an access_token the fake issued that has neither
// expired nor been invalidated, as on an account with signing turned on.
// Anything else is answered with ret 406.
func WithTokenRequired() Option {
	return func(s *Server) { s.tokenRequired = true }
}

// WithApp registers another app key and secret that ApplyToken accepts.
// An empty app key is ignored.
func WithApp(appKey, appSecret string) Option {
	return func(s *Server) {
		if appKey != "" {
			s.apps[appKey] = appSecret
		}
	}
}

// WithTokenLifetime sets how long new tokens live (default
// apiusb.DefaultTokenLifetime, 30 days). A duration that is not positive is
// ignored.
func WithTokenLifetime(d time.Duration) Option {
	return func(s *Server) {
		if d > 0 {
			s.lifetime = d
		}
	}
}

// WithClock replaces time.Now for token expiry and the request log. nil is
// ignored.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// NewServer starts a fake that knows DefaultAppKey / DefaultAppSecret and an
// empty task book. Call Close when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		now:      time.Now,
		lifetime: apiusb.DefaultTokenLifetime,
		apps:     map[string]string{DefaultAppKey: DefaultAppSecret},
		tasks:    map[string]*Task{},
	}
	for _, o := range opts {
		if o != nil {
			o(s)
		}
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Client returns an apiusb.Client pointed at this fake, with DataCodes
// mapped (WithDataCodes). With WithTokenRequired it also gets a TokenSource
// for DefaultAppKey; pass apiusb.WithAccessToken among opts to use
// another. opts are applied after the ones pointing it here.
func (s *Server) Client(opts ...apiusb.Option) (*apiusb.Client, error) {
	base := []apiusb.Option{apiusb.WithBaseURL(s.URL), apiusb.WithDataCodes(DataCodes)}
	if s.tokenRequired {
		tokens, err := s.TokenSource()
		if err != nil {
			return nil, err
		}
		base = append(base, apiusb.WithAccessToken(tokens))
	}
	return apiusb.NewClient(append(base, opts...)...)
}

// TokenSource returns an apiusb.TokenSource for DefaultAppKey that fetches
// from this fake. opts are applied after the one pointing it here.
func (s *Server) TokenSource(opts ...apiusb.TokenOption) (*apiusb.TokenSource, error) {
	return apiusb.NewTokenSource(DefaultAppKey, DefaultAppSecret,
		append([]apiusb.TokenOption{apiusb.WithBaseURL(s.URL)}, opts...)...)
}

// AddTask puts a task into the task book, replacing one with the same
// TaskID.
func (s *Server) AddTask(t Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tasks[t.TaskID] = &t
}

// Task returns the task's current state.
func (s *Server) Task(taskID string) (Task, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[taskID]
	if !ok {
		return Task{}, false
	}
	return *t, true
}

// SetTaskState moves a task to another state, e.g. TaskPickedUp once the
// courier has the parcel. It reports whether the task exists.
func (s *Server) SetTaskState(taskID string, st TaskState) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[taskID]
	if ok {
		t.State = st
	}
	return ok
}

// Inject queues a fault. Faults apply in the order they were injected; a
// request uses up one time of the first fault that matches its service.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.Add(f.Service, f.Times, f)
}

// Requests returns every request received so far, oldest first. The
// Params are copies the caller may keep or change.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests.Copy(func(r Request) Request {
		r.Params = cloneValues(r.Params)
		return r
	})
}

// RequestsTo returns the requests received for service, oldest first.
func (s *Server) RequestsTo(service string) []Request {
	return fake.Select(s.Requests(), func(r Request) bool { return r.Service == service })
}

// TokenFetches counts the tokens ApplyToken has issued.
func (s *Server) TokenFetches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fetches
}

// InvalidateToken makes the fake refuse token with ret 406 from now on (when
// tokens are required), as if it had been revoked.
func (s *Server) InvalidateToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens.Revoke(token)
}

// ExpireTokens makes every token issued so far expire now, so that using it
// is refused with ret 406.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens.ExpireAll(s.now())
}

// serve logs the request, applies faults and answers it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	parseErr := parseParams(w, r)
	service := serviceOf(r.Form)
	s.mu.Lock()
	s.requests.Add(Request{Method: r.Method, Service: service, Params: cloneValues(r.Form), Time: s.now()})
	f, _ := s.faults.Take(service) // the zero Fault when none is queued
	s.mu.Unlock()

	handle := func(w http.ResponseWriter) { s.handle(w, r, service, parseErr) }
	m := fake.Misbehaviour{Delay: f.Delay, Drop: f.Drop, DropAfterHandling: f.DropAfterHandling, Status: f.Status}
	switch {
	case m.Apply(w, r, handle):
	case f.Ret != 0 && f.Ret != 200:
		writeEnvelope(w, f.Ret, nil, orDefault(f.Msg, "injected error"))
	case f.Code != 0:
		writeEnvelope(w, 200, map[string]any{"code": f.Code, "message": orDefault(f.Msg, "injected failure"), "data": ""}, "")
	default:
		handle(w)
	}
}

// handle answers a request that no fault intercepted.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, service string, parseErr error) {
	if r.URL.Path != "/" && r.URL.Path != "" {
		fake.HTMLPage(w, http.StatusNotFound)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, POST")
		fake.HTMLPage(w, http.StatusMethodNotAllowed)
		return
	}
	if parseErr != nil {
		writeEnvelope(w, 400, nil, "Bad Request: cannot read the parameters")
		return
	}
	switch service {
	case "":
		writeEnvelope(w, 400, nil, "Bad Request: missing required parameter s (the service name)")
	case ServiceApplyToken:
		s.applyToken(w, r.Form)
	case ServiceCancelOrder:
		if s.tokenRequired && !s.checkToken(w, r.Form.Get("access_token")) {
			return
		}
		s.cancelOrder(w, r.Form)
	default:
		writeEnvelope(w, 404, nil, "Bad Request: no such service "+service)
	}
}

// checkToken answers a missing, unknown or expired access_token with ret
// 406; it returns false if it answered.
func (s *Server) checkToken(w http.ResponseWriter, token string) bool {
	s.mu.Lock()
	check := s.tokens.Check(token, s.now())
	s.mu.Unlock()
	switch check {
	case fake.TokenMissing:
		writeEnvelope(w, 406, nil, "Not Acceptable: access_token is missing")
	case fake.TokenUnknown:
		writeEnvelope(w, 406, nil, "Not Acceptable: access_token is invalid")
	case fake.TokenExpired:
		writeEnvelope(w, 406, nil, "Not Acceptable: access_token has expired")
	default:
		return true
	}
	return false
}

func (s *Server) applyToken(w http.ResponseWriter, p url.Values) {
	if name := missing(p, "app_key", "app_secret"); name != "" {
		writeEnvelope(w, 400, nil, "Bad Request: missing required parameter "+name)
		return
	}
	s.mu.Lock()
	want, ok := s.apps[p.Get("app_key")]
	if !ok || p.Get("app_secret") != want {
		s.mu.Unlock()
		writeEnvelope(w, 401, nil, "Unauthorized: wrong app_key or app_secret")
		return
	}
	token := s.tokens.Issue(s.now(), s.lifetime)
	exp := s.tokens.Expiry(token)
	s.fetches++
	secs := int64((s.lifetime + time.Second - 1) / time.Second)
	s.mu.Unlock()
	writeEnvelope(w, 200, map[string]any{"access_token": token, "expires_in": secs, "expire_time": exp.Unix()}, "")
}

func (s *Server) cancelOrder(w http.ResponseWriter, p url.Values) {
	if name := missing(p, "orderId", "taskId", "cancelMsg"); name != "" {
		writeEnvelope(w, 400, nil, "Bad Request: missing required parameter "+name)
		return
	}
	s.mu.Lock()
	ret, code, msg := s.cancel(p.Get("orderId"), p.Get("taskId"))
	s.mu.Unlock()
	if ret != 200 {
		writeEnvelope(w, ret, nil, msg)
		return
	}
	data := map[string]any{"code": code, "message": msg, "data": ""}
	if code == 200 {
		data["data"] = "取消成功"
	}
	writeEnvelope(w, 200, data, "")
}

// cancel applies CCancelOrder to the task book; s.mu must be held. A task
// in a state the fake does not know is a test's mistake, answered as a
// server error.
func (s *Server) cancel(orderID, taskID string) (ret, code int, msg string) {
	t, ok := s.tasks[taskID]
	if !ok || t.OrderID != orderID {
		return 200, CodeTaskNotFound, "task not found"
	}
	switch t.State {
	case TaskOpen:
		t.State = TaskCancelled
		return 200, 200, "success"
	case TaskPickedUp:
		return 200, CodePickedUp, "task already picked up, cannot cancel"
	case TaskCancelled:
		return 200, CodeAlreadyCancelled, "task already cancelled"
	}
	return 500, 0, "Internal Server Error: the fake does not know task state " + t.State.String()
}

// missing returns the first of names that p lacks or has blank, or "".
func missing(p url.Values, names ...string) string {
	for _, n := range names {
		if strings.TrimSpace(p.Get(n)) == "" {
			return n
		}
	}
	return ""
}

// parseParams fills r.Form from the query and a form or multipart body of
// at most maxBody bytes. What could be parsed stays in r.Form even on error.
func parseParams(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if ct == "multipart/form-data" {
		err = r.ParseMultipartForm(maxBody)
	} else {
		err = r.ParseForm()
	}
	if r.Form == nil {
		r.Form = url.Values{}
	}
	return err
}

// serviceOf returns the service name: s, or PhalApi's older service.
func serviceOf(p url.Values) string {
	if v := p.Get("s"); v != "" {
		return v
	}
	return p.Get("service")
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// writeEnvelope answers HTTP 200 with a PhalApi envelope. data nil is sent
// as an empty object.
func writeEnvelope(w http.ResponseWriter, ret int, data any, msg string) {
	if data == nil {
		data = map[string]any{}
	}
	fake.WriteJSON(w, map[string]any{"ret": ret, "data": data, "msg": msg})
}

// DataCodes maps the fake's data codes to the SDK's sentinels, for
// apiusb.WithDataCodes: what an account would configure for its own codes.
// Client uses it. Do not modify it.
var DataCodes = map[int]error{
	CodePickedUp:         werrors.ErrAlreadyHasTrace,
	CodeAlreadyCancelled: werrors.ErrDuplicateCancel,
	CodeTaskNotFound:     werrors.ErrOrderNotFound,
}
