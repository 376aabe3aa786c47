package logistics

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/telemetry"
	"github.com/waybill-go/waybill/internal/wxcrypto"
	"github.com/waybill-go/waybill/internal/wxmsg"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Defaults of EventConfig.
const (
	// DefaultMaxBodyBytes is how much of a push body an EventHandler reads
	// when EventConfig.MaxBodyBytes is 0.
	DefaultMaxBodyBytes int64 = 1 << 20
	// DefaultMaxClockSkew is how far a push's timestamp may be from the
	// handler's clock when EventConfig.MaxClockSkew is 0.
	DefaultMaxClockSkew = 5 * time.Minute
	// DefaultCallbackTimeout is the callbacks' deadline when
	// EventConfig.CallbackTimeout is 0: short of the 5 seconds after which
	// WeChat gives up on an answer and retries.
	DefaultCallbackTimeout = 4 * time.Second
)

// EventConfig configures NewEventHandler. Token is required; with an
// EncodingAESKey, AppID is too. Everything else is optional, and the zero
// value of each field is the secure default.
//
// A callback's error picks the answer's ResultCode: see ResultCode for
// cancel_waybill and BizResultCode for add_waybill, check_biz and
// get_quota; a *ResultError picks any code. WeChat sees a fixed ResultMsg
// per code, never the error's text. A panic is recovered and answered -1,
// except a panic with http.ErrAbortHandler, which is raised again in the
// request's goroutine for net/http to abort the response. Callbacks get a
// context that ends at CallbackTimeout; a callback that has not returned
// by then is answered -1 and left to finish. WeChat retries an event it got
// no answer, or -1, to; the handler's Store answers retries of an event
// already answered for good without calling back again (see
// NewEventHandler).
//
// An event whose callback is nil is answered as before that callback
// existed: cancel_waybill with 30004 (cancellation not supported), every
// other event with "success" and no callback, which tells WeChat nothing
// for add_waybill, check_biz and get_quota: set their callbacks to answer
// them.
//
// EventConfig holds the Token and the EncodingAESKey: String,
// Format (every verb), LogValue and MarshalJSON show neither.
type EventConfig struct {
	// Token is the message push Token from the mini program's console. It
	// authenticates every request (signature, msg_signature).
	Token string

	// EncodingAESKey is the 43-character key for safe and compatible mode.
	// Empty means plain mode only: a request with encrypt_type=aes is then
	// refused with 400. With a key, only encrypted pushes are accepted
	// (see AllowPlain).
	EncodingAESKey string

	// AppID is the carrier mini program's AppID, required with a key:
	// safe-mode messages for any other app are refused.
	AppID string

	// AllowPlain, with an EncodingAESKey, also accepts unencrypted pushes.
	// They are refused (401) by default because the signature of a plain
	// push covers the query alone, not the body: whoever sees one signed
	// URL (in a proxy's access log, say) could post any body under it.
	// Set it only while the console switches from plain to safe mode, so
	// that pushes sent either way during the switch are answered, and
	// unset it afterwards.
	AllowPlain bool

	// OnCancelWaybill handles cancel_waybill (carrier side). Its error
	// becomes the ResultCode of the answer (see ResultCode). If it is nil,
	// cancel_waybill is answered 30004 (cancellation not supported).
	OnCancelWaybill func(ctx context.Context, ev *CancelWaybillEvent) error

	// OnAddWaybill handles add_waybill (carrier side): it returns the
	// waybill, or an error that becomes the ResultCode (BizResultCode).
	// A nil result with a nil error answers the event's own WayBillID and
	// no WaybillData.
	OnAddWaybill func(ctx context.Context, ev *AddWaybillEvent) (*AddWaybillResult, error)

	// OnCheckBiz handles check_biz (carrier side): nil accepts the shop's
	// account, an error refuses it (BizResultCode). The answer also
	// carries the shop's balance: OnGetQuota's, asked with the same
	// account right after an accepted check if OnGetQuota is set, else 0.
	OnCheckBiz func(ctx context.Context, ev *CheckBizEvent) error

	// OnGetQuota handles get_quota (carrier side): the shop's balance, or
	// an error that becomes the ResultCode (BizResultCode).
	OnGetQuota func(ctx context.Context, ev *GetQuotaEvent) (quota int, err error)

	// OnExpressPath handles add_express_path (shop side). nil answers
	// "success"; an error, a panic or a missed deadline answers 500, so
	// that WeChat sends the update again.
	OnExpressPath func(ctx context.Context, ev *ExpressPathEvent) error

	// MaxBodyBytes caps how much of a request body is read: 0 means
	// DefaultMaxBodyBytes (1 MiB). A larger body is answered 413.
	MaxBodyBytes int64

	// MaxClockSkew refuses (401) requests whose timestamp is further than
	// this from the handler's clock, which bounds how long a signed URL
	// can be replayed: 0 means DefaultMaxClockSkew (5 minutes); a negative
	// value turns the check off (the Store still answers replays it
	// remembers).
	MaxClockSkew time.Duration

	// CallbackTimeout is the deadline of the callbacks' context and the
	// latest the handler answers: 0 means DefaultCallbackTimeout (4 s). A
	// callback still running then is answered -1 (not remembered).
	CallbackTimeout time.Duration

	// Store remembers the pushes answered; nil means a MemoryEventStore of
	// DefaultMemoryEventStoreSize entries of the handler's own. Give every
	// process of a fleet one shared store (redisstore.NewEventStore) so
	// that a push, or WeChat's retry of it, reaching any of them is
	// answered once.
	Store EventStore

	// Logger receives one debug record per event handled and a warning per
	// request refused or callback failure. It never receives BizPwd, the
	// Token, the EncodingAESKey or the query string. nil discards.
	Logger *slog.Logger

	// Now is the clock for reply timestamps and MaxClockSkew; nil means
	// time.Now. Deadlines use the runtime's clock.
	Now func() time.Time

	// TracerProvider, if set, gets a server span per request ("waybill
	// push") with the event, the ResultCode answered or the HTTP status of
	// a refusal, and whether the answer came from the Store. Nothing from
	// the event's body is recorded.
	TracerProvider trace.TracerProvider

	// MeterProvider, if set, counts pushes (waybill.pushes, by event,
	// ResultCode or refusal status, and replay) and those answered from
	// the Store (waybill.push.replays).
	MeterProvider metric.MeterProvider
}

func setOrNil(set bool) string {
	if set {
		return "set"
	}
	return "nil"
}

// String describes the configuration without its Token or EncodingAESKey.
func (c EventConfig) String() string {
	return fmt.Sprintf("logistics.EventConfig{Token:%s EncodingAESKey:%s AppID:%s AllowPlain:%t MaxBodyBytes:%d MaxClockSkew:%v CallbackTimeout:%v Store:%s "+
		"OnCancelWaybill:%s OnAddWaybill:%s OnCheckBiz:%s OnGetQuota:%s OnExpressPath:%s TracerProvider:%s MeterProvider:%s}",
		redact(c.Token), redact(c.EncodingAESKey), strconv.Quote(c.AppID), c.AllowPlain, c.MaxBodyBytes, c.MaxClockSkew, c.CallbackTimeout, setOrNil(c.Store != nil),
		setOrNil(c.OnCancelWaybill != nil), setOrNil(c.OnAddWaybill != nil), setOrNil(c.OnCheckBiz != nil), setOrNil(c.OnGetQuota != nil), setOrNil(c.OnExpressPath != nil),
		setOrNil(c.TracerProvider != nil), setOrNil(c.MeterProvider != nil))
}

// Format prints String for every verb (quoted for %q).
func (c EventConfig) Format(f fmt.State, verb rune) { writeFormatted(f, verb, c.String()) }

// LogValue logs the configuration without its secrets.
func (c EventConfig) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("AppID", c.AppID),
		slog.Bool("safe_mode", c.EncodingAESKey != ""),
		slog.Bool("AllowPlain", c.AllowPlain),
		slog.Duration("MaxClockSkew", c.MaxClockSkew),
		slog.Duration("CallbackTimeout", c.CallbackTimeout),
	)
}

// MarshalJSON encodes what LogValue logs, so that encoding/json (and a slog
// JSON handler given the configuration inside a slice or struct) shows no
// secret either.
func (c EventConfig) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AppID           string
		SafeMode        bool
		AllowPlain      bool
		MaxClockSkew    time.Duration
		CallbackTimeout time.Duration
	}{c.AppID, c.EncodingAESKey != "", c.AllowPlain, c.MaxClockSkew, c.CallbackTimeout})
}

// writeFormatted writes s for any verb, quoted for %q.
func writeFormatted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

// EventHandler is the http.Handler a carrier (or, for add_express_path, a
// shop) mounts at the URL configured for message push. It answers WeChat's
// GET URL check and POSTed events in plain, compatible and safe mode, in
// XML or JSON. It is safe for concurrent use.
type EventHandler struct {
	token           string
	cipher          *wxcrypto.Cipher // nil in plain-only mode
	allowPlain      bool
	cfg             callbacks
	maxBody         int64
	maxSkew         time.Duration // 0: not checked
	callbackTimeout time.Duration
	store           EventStore
	entryTTL        time.Duration
	claimTTL        time.Duration
	log             *slog.Logger
	now             func() time.Time
	tel             *telemetry.Telemetry // nil: nothing recorded
}

// callbacks are EventConfig's.
type callbacks struct {
	onCancel      func(context.Context, *CancelWaybillEvent) error
	onAddWaybill  func(context.Context, *AddWaybillEvent) (*AddWaybillResult, error)
	onCheckBiz    func(context.Context, *CheckBizEvent) error
	onGetQuota    func(context.Context, *GetQuotaEvent) (int, error)
	onExpressPath func(context.Context, *ExpressPathEvent) error
}

var _ http.Handler = (*EventHandler)(nil)

// NewEventHandler checks cfg and returns a handler for it. The errors match
// errors.ErrInvalidParam and name the field; none repeats a secret.
//
// The handler remembers what it answered in cfg.Store for the longer of
// twice MaxClockSkew (a timestamp can be that far from the clock in either
// direction) and WeChat's retry window (a minute): 10 minutes by default.
// Within that time the same signed request is answered again from the
// store, another body under its signed query is refused (401), and WeChat's
// retry of an event already answered for good (any ResultCode but -1) gets
// the stored answer without a second callback. See EventStore.
func NewEventHandler(cfg EventConfig) (*EventHandler, error) {
	if strings.TrimSpace(cfg.Token) == "" {
		return nil, &werrors.ParamError{Field: "EventConfig.Token", Reason: "is required"}
	}
	h := &EventHandler{
		token:      cfg.Token,
		allowPlain: cfg.AllowPlain,
		cfg: callbacks{
			onCancel:      cfg.OnCancelWaybill,
			onAddWaybill:  cfg.OnAddWaybill,
			onCheckBiz:    cfg.OnCheckBiz,
			onGetQuota:    cfg.OnGetQuota,
			onExpressPath: cfg.OnExpressPath,
		},
		maxBody:         cfg.MaxBodyBytes,
		maxSkew:         cfg.MaxClockSkew,
		callbackTimeout: cfg.CallbackTimeout,
		store:           cfg.Store,
		log:             cfg.Logger,
		now:             cfg.Now,
		tel:             telemetry.New(telemetry.Providers{Tracer: cfg.TracerProvider, Meter: cfg.MeterProvider}),
	}
	if cfg.EncodingAESKey != "" {
		if _, err := wxcrypto.DecodeKey(cfg.EncodingAESKey); err != nil {
			return nil, &werrors.ParamError{
				Field:  "EventConfig.EncodingAESKey",
				Reason: fmt.Sprintf("must be empty or %d base64 characters encoding 32 bytes (got %d characters)", wxcrypto.KeyLength, len(cfg.EncodingAESKey)),
			}
		}
		if strings.TrimSpace(cfg.AppID) == "" {
			return nil, &werrors.ParamError{Field: "EventConfig.AppID", Reason: "is required with an EncodingAESKey"}
		}
		c, err := wxcrypto.New(cfg.EncodingAESKey, cfg.AppID)
		if err != nil {
			return nil, &werrors.ParamError{Field: "EventConfig.EncodingAESKey", Reason: "is not a valid key"}
		}
		h.cipher = c
	}
	switch {
	case h.maxBody < 0:
		return nil, &werrors.ParamError{Field: "EventConfig.MaxBodyBytes", Reason: "is negative"}
	case h.maxBody == 0:
		h.maxBody = DefaultMaxBodyBytes
	}
	switch {
	case h.maxSkew == 0:
		h.maxSkew = DefaultMaxClockSkew
	case h.maxSkew < 0:
		h.maxSkew = 0
	}
	switch {
	case h.callbackTimeout < 0:
		return nil, &werrors.ParamError{Field: "EventConfig.CallbackTimeout", Reason: "is negative"}
	case h.callbackTimeout == 0:
		h.callbackTimeout = DefaultCallbackTimeout
	}
	h.entryTTL = max(2*h.maxSkew, retryWindow)
	h.claimTTL = h.callbackTimeout + claimGrace
	if h.store == nil {
		h.store = NewMemoryEventStore(DefaultMemoryEventStoreSize)
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h, nil
}

// String describes the handler without its Token or EncodingAESKey. The
// handler's methods for printing take it by value, so that printing *h
// shows no secret either.
func (h EventHandler) String() string {
	mode := "plain"
	switch {
	case h.cipher != nil && h.allowPlain:
		mode = "plain+safe"
	case h.cipher != nil:
		mode = "safe"
	}
	return "logistics.EventHandler{Mode:" + mode + " Token:REDACTED}"
}

// Format prints String for every verb (quoted for %q).
func (h EventHandler) Format(f fmt.State, verb rune) { writeFormatted(f, verb, h.String()) }

// LogValue logs the mode only.
func (h EventHandler) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("safe_mode", h.cipher != nil), slog.Bool("allow_plain", h.cipher == nil || h.allowPlain))
}

// ServeHTTP answers one request from WeChat.
//
//   - GET is the URL check: a valid signature gets echostr back unchanged.
//   - POST carries an event. The query's signature and timestamp are
//     checked first; then the body is read (at most MaxBodyBytes), its
//     format decided by Content-Type or else its first byte, its shape
//     bounded (nesting, elements; see wxmsg), and in safe mode
//     (encrypt_type=aes) msg_signature is checked over the Encrypt field,
//     which is decrypted and used in place of any plaintext fields. Typed
//     events go to their callbacks and are answered in the request's
//     format (encrypted in safe mode); add_express_path and events without
//     a callback are answered "success" in plain text, as WeChat expects.
//
// Refusals: 405 for other methods; 401 for a missing or wrong signature or
// msg_signature, a timestamp outside MaxClockSkew, an unencrypted push to
// a handler with a key (unless AllowPlain), a signed query already used
// with another body, or a safe-mode message sealed for another AppID; 413
// for a body over the limit; 400 for an empty, malformed or oversized
// (in shape) body, a message that does not decrypt, or encrypt_type=aes
// without a configured key; 503 when the Store fails; 500 when
// add_express_path's callback fails. No callback runs for a refused
// request.
func (h *EventHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.tel != nil {
		ctx, span := h.tel.StartPush(r.Context())
		defer span.End()
		r = r.WithContext(ctx)
	}
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			h.log.ErrorContext(r.Context(), "logistics: event handler panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			h.refuse(w, r, http.StatusInternalServerError, "internal error")
		}
	}()
	switch r.Method {
	case http.MethodGet:
		h.serveCheck(w, r)
	case http.MethodPost:
		h.servePost(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		h.refuse(w, r, http.StatusMethodNotAllowed, "method not allowed")
	}
}

// refuse answers a request the handler will not process.
func (h *EventHandler) refuse(w http.ResponseWriter, r *http.Request, status int, reason string, attrs ...any) {
	h.tel.PushRefused(r.Context(), status, reason)
	attrs = append([]any{"status", status, "reason", reason, "method", r.Method, "remote", r.RemoteAddr}, attrs...)
	h.log.WarnContext(r.Context(), "logistics: event request refused", attrs...)
	http.Error(w, reason, status)
}

// verify checks the query's signature and timestamp.
func (h *EventHandler) verify(w http.ResponseWriter, r *http.Request, q url.Values) bool {
	sig, ts, nonce := q.Get("signature"), q.Get("timestamp"), q.Get("nonce")
	if sig == "" || ts == "" || nonce == "" {
		h.refuse(w, r, http.StatusUnauthorized, "missing signature")
		return false
	}
	if !wxcrypto.Verify(sig, h.token, ts, nonce) {
		h.refuse(w, r, http.StatusUnauthorized, "bad signature")
		return false
	}
	if h.maxSkew > 0 {
		sec, err := strconv.ParseInt(ts, 10, 64)
		if err != nil {
			h.refuse(w, r, http.StatusUnauthorized, "bad timestamp")
			return false
		}
		if d := h.now().Sub(time.Unix(sec, 0)); d > h.maxSkew || d < -h.maxSkew {
			h.refuse(w, r, http.StatusUnauthorized, "stale timestamp")
			return false
		}
	}
	return true
}

func (h *EventHandler) serveCheck(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !h.verify(w, r, q) {
		return
	}
	echo := q.Get("echostr")
	if echo == "" {
		h.refuse(w, r, http.StatusBadRequest, "missing echostr")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, echo)
}

// eventHead is what the handler reads from every body before it knows the event.
type eventHead struct {
	Event   string `xml:"Event" json:"Event"`
	Encrypt string `xml:"Encrypt" json:"Encrypt"`
}

// push is one POST being handled.
type push struct {
	h      *EventHandler
	w      http.ResponseWriter
	r      *http.Request
	ctx    context.Context // ends at the callback deadline
	q      url.Values
	safe   bool
	outer  wxmsg.Format
	hash   bodyHash
	reqKey string
	done   bool // the request key holds an answer or a refusal
}

func (h *EventHandler) servePost(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !h.verify(w, r, q) {
		return
	}
	var safe bool
	switch q.Get("encrypt_type") {
	case "", "raw":
	case "aes":
		safe = true
	default:
		h.refuse(w, r, http.StatusBadRequest, "unknown encrypt_type")
		return
	}
	switch {
	case safe && h.cipher == nil:
		h.refuse(w, r, http.StatusBadRequest, "safe mode is not configured")
		return
	case !safe && h.cipher != nil && !h.allowPlain:
		h.refuse(w, r, http.StatusUnauthorized, "unencrypted push refused")
		return
	case safe && q.Get("msg_signature") == "":
		h.refuse(w, r, http.StatusUnauthorized, "missing msg_signature")
		return
	}

	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), h.callbackTimeout)
	defer cancel()
	p := &push{h: h, w: w, r: r, ctx: ctx, q: q, safe: safe, hash: hashBody(body),
		reqKey: requestKey(q.Get("timestamp"), q.Get("nonce"), q.Get("signature"))}
	claim := newClaim(p.hash)
	stored, err := h.acquire(ctx, p.reqKey, claim, p.hash, true)
	switch {
	case errors.Is(err, errReplayed):
		h.refuse(w, r, http.StatusUnauthorized, "signed query already used")
		return
	case errors.Is(err, errBusy):
		// The same request is still being answered elsewhere.
		h.refuse(w, r, http.StatusServiceUnavailable, "push is being handled")
		return
	case err != nil:
		h.storeFailed(w, r, err)
		return
	case stored != nil && stored.kind == recRefusal:
		h.refuse(w, r, stored.status, stored.reason, "replayed", true)
		return
	}
	defer func() {
		if !p.done {
			bg, cancel := background(ctx)
			defer cancel()
			_ = h.store.Release(bg, p.reqKey, claim)
		}
	}()
	var known *outcome
	if stored != nil {
		known = &stored.out
	}
	p.serve(body, known)
}

// storeFailed answers 503 for a store that did not answer: better WeChat's
// retry later than a callback run twice.
func (h *EventHandler) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	h.log.ErrorContext(r.Context(), "logistics: event store failed", "error", describeStoreError(err))
	h.refuse(w, r, http.StatusServiceUnavailable, "event store unavailable")
}

// refuse refuses the push and remembers the refusal under its request key.
func (p *push) refuse(status int, reason string, attrs ...any) {
	p.remember(encodeRefusal(p.hash, status, reason))
	p.h.refuse(p.w, p.r, status, reason, attrs...)
}

// remember replaces the request's claim by rec.
func (p *push) remember(rec []byte) {
	bg, cancel := background(p.ctx)
	defer cancel()
	if err := p.h.store.Put(bg, p.reqKey, rec, p.h.entryTTL); err != nil {
		p.h.log.WarnContext(p.r.Context(), "logistics: event store failed", "error", describeStoreError(err))
		return
	}
	p.done = true
}

// serve handles a body whose request key this delivery holds; known is
// the outcome stored for it, if the same request was answered before.
func (p *push) serve(body []byte, known *outcome) {
	h := p.h
	p.outer = wxmsg.Detect(p.r.Header.Get("Content-Type"), body)
	if p.outer == wxmsg.Unknown {
		p.refuse(http.StatusBadRequest, "body is neither XML nor JSON")
		return
	}
	var hd eventHead
	if err := wxmsg.Decode(p.outer, body, &hd); err != nil {
		p.refuse(http.StatusBadRequest, "malformed body", "error", err)
		return
	}
	inner, plain := p.outer, body
	if p.safe {
		if hd.Encrypt == "" {
			p.refuse(http.StatusBadRequest, "missing Encrypt")
			return
		}
		if !wxcrypto.Verify(p.q.Get("msg_signature"), h.token, p.q.Get("timestamp"), p.q.Get("nonce"), hd.Encrypt) {
			p.refuse(http.StatusUnauthorized, "bad msg_signature")
			return
		}
		msg, err := h.cipher.Decrypt(hd.Encrypt)
		switch {
		case errors.Is(err, wxcrypto.ErrAppID):
			p.refuse(http.StatusUnauthorized, "message is for another AppID")
			return
		case err != nil:
			p.refuse(http.StatusBadRequest, "cannot decrypt", "error", err)
			return
		}
		plain = bytes.TrimPrefix(msg, pushBOM)
		if f := wxmsg.Sniff(plain); f != wxmsg.Unknown {
			inner = f
		}
		hd = eventHead{}
		if err := wxmsg.Decode(inner, plain, &hd); err != nil {
			p.refuse(http.StatusBadRequest, "malformed decrypted message", "error", err)
			return
		}
	}

	name := strings.ToLower(strings.TrimSpace(hd.Event))
	route, ok := eventRoutes[name]
	if ok {
		ok = route.enabled(h)
	}
	if !ok {
		h.log.DebugContext(p.r.Context(), "logistics: event answered success without a callback", "event", hd.Event)
		h.tel.PushAnswered(p.r.Context(), name, 0, known != nil)
		p.remember(encodeAnswer(p.hash, outcome{}))
		writePushSuccess(p.w)
		return
	}
	ev, err := route.decode(h, inner, plain)
	if err != nil {
		p.refuse(http.StatusBadRequest, "malformed event", "event", hd.Event, "error", err)
		return
	}
	var out outcome
	stored := known != nil
	switch {
	case stored:
		out = *known
		h.log.DebugContext(p.r.Context(), "logistics: replayed request answered from the event store", "event", name)
	case ev.run == nil:
		out = ev.fallback
	default:
		var ok bool
		if out, stored, ok = p.call(ev); !ok {
			return
		}
	}
	h.tel.PushAnswered(p.r.Context(), name, out.code, stored)
	if h.log.Enabled(p.r.Context(), slog.LevelDebug) {
		h.log.DebugContext(p.r.Context(), "logistics: "+name+" handled", "event", ev.logValue, "result_code", out.code)
	}
	p.remember(encodeAnswer(p.hash, out))
	p.answer(ev.reply(out))
}

// call runs ev's callback once for all deliveries of the event: it claims
// the event key, or takes the outcome another delivery stored (fromStore is
// then true). ok is false if the push was refused.
func (p *push) call(ev *pushEvent) (out outcome, fromStore, ok bool) {
	h := p.h
	key := eventKey(ev.identity)
	claim := newClaim(zeroHash)
	stored, err := h.acquire(p.ctx, key, claim, zeroHash, false)
	switch {
	case errors.Is(err, errBusy):
		h.log.WarnContext(p.r.Context(), "logistics: another delivery of the event did not finish in time", "event", ev.name)
		return outcome{code: -1, msg: ResultMessage(-1)}, false, true
	case err != nil:
		h.storeFailed(p.w, p.r, err)
		return outcome{}, false, false
	case stored != nil && stored.kind == recAnswer:
		h.log.DebugContext(p.r.Context(), "logistics: retried event answered from the event store", "event", ev.name)
		return stored.out, true, true
	case stored != nil:
		// A refusal under an event key is no record of ours.
		h.storeFailed(p.w, p.r, errRecord)
		return outcome{}, false, false
	}

	type result struct {
		out      outcome
		panicked any
	}
	done := make(chan result, 1)
	keeper := &claimKeeper{}
	go func() {
		var res result
		func() {
			defer func() {
				if v := recover(); v != nil {
					h.log.ErrorContext(p.ctx, "logistics: "+ev.callback+" panicked", "event", ev.name, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
					res = result{out: outcome{code: -1, msg: ResultMessage(-1)}, panicked: v}
				}
			}()
			var err error
			res.out, err = ev.run(p.ctx)
			if res.out.code == -1 {
				h.log.WarnContext(p.ctx, "logistics: "+ev.callback+" failed", "event", ev.name, "error", err)
			}
		}()
		keeper.finish()
		bg, cancel := background(p.ctx)
		var serr error
		if res.out.final() {
			serr = h.store.Put(bg, key, encodeAnswer(zeroHash, res.out), h.entryTTL)
		} else {
			serr = h.store.Release(bg, key, claim)
		}
		cancel()
		if serr != nil {
			h.log.WarnContext(p.ctx, "logistics: event store failed", "error", describeStoreError(serr))
		}
		done <- res
	}()
	select {
	case res := <-done:
		if res.panicked == http.ErrAbortHandler {
			panic(http.ErrAbortHandler)
		}
		return res.out, false, true
	case <-p.ctx.Done():
		h.log.WarnContext(p.r.Context(), "logistics: "+ev.callback+" did not return within CallbackTimeout", "event", ev.name, "timeout", h.callbackTimeout)
		// The callback runs on: keep its claim alive until it returns.
		go keeper.keep(h, p.ctx, key, claim)
		return outcome{code: -1, msg: ResultMessage(-1)}, false, true
	}
}

// claimKeeper renews the claim of a callback that outlives its request,
// until the callback returns; finish stops it before the outcome is
// stored, so a renewal never overwrites the outcome.
type claimKeeper struct {
	mu       sync.Mutex
	finished bool
}

func (k *claimKeeper) finish() {
	k.mu.Lock()
	k.finished = true
	k.mu.Unlock()
}

func (k *claimKeeper) keep(h *EventHandler, ctx context.Context, key string, claim []byte) {
	t := time.NewTicker(h.claimTTL / 2)
	defer t.Stop()
	for range t.C {
		k.mu.Lock()
		if k.finished {
			k.mu.Unlock()
			return
		}
		bg, cancel := background(ctx)
		_ = h.store.Put(bg, key, claim, h.claimTTL)
		cancel()
		k.mu.Unlock()
	}
}

// pushAnswer is what the handler sends: a document in the request's format
// (sealed in safe mode), "success" as plain text, or an error status.
type pushAnswer struct {
	msg    wxmsg.Message
	status int // with msg nil: 0 for "success", else an error status
}

func (p *push) answer(a pushAnswer) {
	switch {
	case a.msg != nil:
		p.h.writeReply(p.w, p.r, p.outer, p.safe, a.msg)
	case a.status == 0:
		writePushSuccess(p.w)
	default:
		p.h.refuse(p.w, p.r, a.status, "callback failed")
	}
}

var pushBOM = []byte("\xef\xbb\xbf")

// readBody reads at most maxBody bytes of the request body.
func (h *EventHandler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.ContentLength > h.maxBody {
		h.refuse(w, r, http.StatusRequestEntityTooLarge, "body too large")
		return nil, false
	}
	if r.Body == nil {
		h.refuse(w, r, http.StatusBadRequest, "empty body")
		return nil, false
	}
	// Sized from Content-Length (bounded above), so that the body is read
	// into one buffer rather than a chain of growing ones.
	var buf bytes.Buffer
	if n := r.ContentLength; n > 0 {
		buf.Grow(int(n) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, h.maxBody))
	body := buf.Bytes()
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			h.refuse(w, r, http.StatusRequestEntityTooLarge, "body too large")
		} else {
			h.refuse(w, r, http.StatusBadRequest, "cannot read body")
		}
		return nil, false
	}
	body = bytes.TrimPrefix(body, pushBOM)
	if len(bytes.TrimSpace(body)) == 0 {
		h.refuse(w, r, http.StatusBadRequest, "empty body")
		return nil, false
	}
	return body, true
}

func pushContentType(f wxmsg.Format) string {
	if f == wxmsg.JSON {
		return "application/json; charset=utf-8"
	}
	return "application/xml; charset=utf-8"
}

// writeReply sends rep in format f, sealed in safe mode.
func (h *EventHandler) writeReply(w http.ResponseWriter, r *http.Request, f wxmsg.Format, safe bool, rep wxmsg.Message) {
	body := rep.Encode(f)
	if safe {
		enc, err := h.cipher.Encrypt(body)
		if err != nil {
			h.refuse(w, r, http.StatusInternalServerError, "cannot encrypt reply", "error", err)
			return
		}
		nonce := newPushNonce()
		ts := strconv.FormatInt(h.now().Unix(), 10)
		body = wxmsg.ReplyEnvelope{
			Encrypt:      enc,
			MsgSignature: wxcrypto.Signature(h.token, ts, nonce, enc),
			TimeStamp:    ts,
			Nonce:        nonce,
		}.Encode(f)
	}
	w.Header().Set("Content-Type", pushContentType(f))
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// newPushNonce returns a fresh random decimal string, like WeChat's own nonces.
func newPushNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return strconv.FormatUint(binary.BigEndian.Uint64(b[:])>>1, 10)
}

func writePushSuccess(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, "success")
}
