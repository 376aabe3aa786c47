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
	"time"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/wxcrypto"
	"github.com/waybill-go/waybill/internal/wxmsg"
)

// EventCancelWaybill is the Event name of a cancel_waybill push.
const EventCancelWaybill = "cancel_waybill"

// DefaultMaxBodyBytes is how much of a push body an EventHandler reads when
// EventConfig.MaxBodyBytes is 0.
const DefaultMaxBodyBytes int64 = 1 << 20

// CancelWaybillEvent is what WeChat pushes to a carrier when a shop cancels a
// waybill. The tags are the wire names in both formats. CreateTime accepts a
// JSON number or a numeric string.
//
// BizPwd is the shop's password at the carrier: String, GoString, Format and
// LogValue never show it. Encoding the event with encoding/json or
// encoding/xml does include it, as the wire format must.
type CancelWaybillEvent struct {
	ToUserName   string `xml:"ToUserName" json:"ToUserName"`     // the carrier mini program's user name (gh_…)
	FromUserName string `xml:"FromUserName" json:"FromUserName"` // the ordering user's OpenID
	CreateTime   int64  `xml:"CreateTime" json:"CreateTime"`     // event time, Unix seconds
	MsgType      string `xml:"MsgType" json:"MsgType"`           // "event"
	Event        string `xml:"Event" json:"Event"`               // "cancel_waybill"
	OrderID      string `xml:"OrderID" json:"OrderID"`           // the shop's order ID
	BizID        string `xml:"BizID" json:"BizID"`               // the shop's account ID at the carrier
	BizPwd       string `xml:"BizPwd" json:"BizPwd"`             // the shop's password at the carrier; never printed
	ShopAppID    string `xml:"ShopAppID" json:"ShopAppID"`       // the shop mini program's AppID
	WayBillID    string `xml:"WayBillID" json:"WayBillID"`       // the waybill to cancel
}

const redactedBizPwd = "REDACTED"

func (e CancelWaybillEvent) fields(sep string) string {
	pwd := `""`
	if e.BizPwd != "" {
		pwd = redactedBizPwd
	}
	parts := []string{
		"ToUserName:" + strconv.Quote(e.ToUserName),
		"FromUserName:" + strconv.Quote(e.FromUserName),
		"CreateTime:" + strconv.FormatInt(e.CreateTime, 10),
		"MsgType:" + strconv.Quote(e.MsgType),
		"Event:" + strconv.Quote(e.Event),
		"OrderID:" + strconv.Quote(e.OrderID),
		"BizID:" + strconv.Quote(e.BizID),
		"BizPwd:" + pwd,
		"ShopAppID:" + strconv.Quote(e.ShopAppID),
		"WayBillID:" + strconv.Quote(e.WayBillID),
	}
	return strings.Join(parts, sep)
}

// String describes the event with BizPwd redacted.
func (e CancelWaybillEvent) String() string {
	return "logistics.CancelWaybillEvent{" + e.fields(" ") + "}"
}

// GoString is used by %#v; it redacts BizPwd too.
func (e CancelWaybillEvent) GoString() string {
	return "logistics.CancelWaybillEvent{" + e.fields(", ") + "}"
}

// Format makes every formatting verb print String (GoString for %#v), so no
// verb reaches BizPwd.
func (e CancelWaybillEvent) Format(f fmt.State, verb rune) {
	s := e.String()
	switch {
	case verb == 'v' && f.Flag('#'):
		s = e.GoString()
	case verb == 'q':
		s = strconv.Quote(s)
	}
	_, _ = io.WriteString(f, s)
}

// LogValue logs the event's fields under their wire names, BizPwd redacted.
func (e CancelWaybillEvent) LogValue() slog.Value {
	pwd := ""
	if e.BizPwd != "" {
		pwd = redactedBizPwd
	}
	return slog.GroupValue(
		slog.String("ToUserName", e.ToUserName),
		slog.String("FromUserName", e.FromUserName),
		slog.Int64("CreateTime", e.CreateTime),
		slog.String("MsgType", e.MsgType),
		slog.String("Event", e.Event),
		slog.String("OrderID", e.OrderID),
		slog.String("BizID", e.BizID),
		slog.String("BizPwd", pwd),
		slog.String("ShopAppID", e.ShopAppID),
		slog.String("WayBillID", e.WayBillID),
	)
}

// UnmarshalJSON decodes the event, accepting CreateTime as a number or as a
// string holding one.
func (e *CancelWaybillEvent) UnmarshalJSON(b []byte) error {
	var wire cancelWaybillJSON
	if err := json.Unmarshal(b, &wire); err != nil {
		return err
	}
	*e = wire.event()
	return nil
}

// cancelWaybillJSON is CancelWaybillEvent as UnmarshalJSON reads it: the
// same names, CreateTime a number or a string holding one.
type cancelWaybillJSON struct {
	ToUserName   string         `json:"ToUserName"`
	FromUserName string         `json:"FromUserName"`
	CreateTime   flexCreateTime `json:"CreateTime"`
	MsgType      string         `json:"MsgType"`
	Event        string         `json:"Event"`
	OrderID      string         `json:"OrderID"`
	BizID        string         `json:"BizID"`
	BizPwd       string         `json:"BizPwd"`
	ShopAppID    string         `json:"ShopAppID"`
	WayBillID    string         `json:"WayBillID"`
}

func (w *cancelWaybillJSON) event() CancelWaybillEvent {
	return CancelWaybillEvent{
		ToUserName:   w.ToUserName,
		FromUserName: w.FromUserName,
		CreateTime:   int64(w.CreateTime),
		MsgType:      w.MsgType,
		Event:        w.Event,
		OrderID:      w.OrderID,
		BizID:        w.BizID,
		BizPwd:       w.BizPwd,
		ShopAppID:    w.ShopAppID,
		WayBillID:    w.WayBillID,
	}
}

// flexCreateTime is a JSON integer that may arrive quoted.
type flexCreateTime int64

func (n *flexCreateTime) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		if s = strings.TrimSpace(s); s == "" {
			*n = 0
			return nil
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return errors.New("CreateTime is not an integer")
	}
	*n = flexCreateTime(v)
	return nil
}

// ResultCode is the ResultCode a carrier's answer to an event carries for
// the error its callback returned: 0 for nil, 30001 for an error matching
// errors.ErrInvalidParam, 30002 for ErrAlreadyPickedUp, 30003 for
// ErrInvalidWaybill, 30004 for ErrCancelNotSupported (wrapped errors count,
// checked in that order) and -1 for anything else.
func ResultCode(err error) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, werrors.ErrInvalidParam):
		return 30001
	case errors.Is(err, werrors.ErrAlreadyPickedUp):
		return 30002
	case errors.Is(err, werrors.ErrInvalidWaybill):
		return 30003
	case errors.Is(err, werrors.ErrCancelNotSupported):
		return 30004
	}
	return -1
}

// ResultMessage is the ResultMsg sent with a ResultCode: "success" for 0 and
// a fixed short description otherwise. The callback's own error text is never
// sent to WeChat, since it may describe the carrier's internals.
func ResultMessage(code int) string {
	switch code {
	case 0:
		return "success"
	case -1:
		return "system error"
	case 30001:
		return "invalid parameter"
	case 30002:
		return "already picked up"
	case 30003:
		return "invalid waybill"
	case 30004:
		return "cancellation not supported"
	}
	return "error"
}

// EventConfig configures NewEventHandler. Token is required; the other
// fields are optional. New optional fields (such as callbacks for events this
// package does not type yet) may be added later.
type EventConfig struct {
	// Token is the message push Token from the mini program's console. It
	// authenticates every request (signature, msg_signature).
	Token string

	// EncodingAESKey is the 43-character key for safe and compatible mode.
	// Empty means plain mode only: a request with encrypt_type=aes is then
	// refused with 400. With a key, plain requests whose signature is valid
	// are still accepted, so the console can switch modes without a
	// redeploy.
	EncodingAESKey string

	// AppID is the carrier mini program's AppID, required with a key:
	// safe-mode messages for any other app are refused.
	AppID string

	// OnCancelWaybill handles cancel_waybill. Its error becomes the
	// ResultCode of the answer (see ResultCode); a panic is recovered and
	// answered -1. ctx is the request's context. WeChat retries an event
	// it got no timely answer to (after about 5 seconds, up to 3 times), so
	// the callback should be quick and idempotent. If it is nil,
	// cancel_waybill is answered 30004 (cancellation not supported).
	OnCancelWaybill func(ctx context.Context, ev *CancelWaybillEvent) error

	// MaxBodyBytes caps how much of a request body is read: 0 means
	// DefaultMaxBodyBytes (1 MiB). A larger body is answered 413.
	MaxBodyBytes int64

	// MaxClockSkew, if positive, refuses (401) requests whose timestamp is
	// further than this from the handler's clock, which limits replays.
	// 0 turns the check off.
	MaxClockSkew time.Duration

	// Logger receives one debug record per event handled and a warning per
	// request refused or callback failure. It never receives BizPwd, the
	// Token, the EncodingAESKey or the query string. nil discards.
	Logger *slog.Logger

	// Now is the clock for reply timestamps and MaxClockSkew; nil means
	// time.Now.
	Now func() time.Time
}

// EventHandler is the http.Handler a carrier mounts at the URL configured
// for message push. It answers WeChat's GET URL check and POSTed events in
// plain, compatible and safe mode, in XML or JSON. It is safe for concurrent
// use.
type EventHandler struct {
	token    string
	cipher   *wxcrypto.Cipher // nil in plain-only mode
	onCancel func(context.Context, *CancelWaybillEvent) error
	maxBody  int64
	maxSkew  time.Duration
	log      *slog.Logger
	now      func() time.Time
}

var _ http.Handler = (*EventHandler)(nil)

// NewEventHandler checks cfg and returns a handler for it. The errors match
// errors.ErrInvalidParam and name the field; none repeats a secret.
func NewEventHandler(cfg EventConfig) (*EventHandler, error) {
	if err := werrors.Required("EventConfig.Token", cfg.Token); err != nil {
		return nil, err
	}
	h := &EventHandler{
		token:    cfg.Token,
		onCancel: cfg.OnCancelWaybill,
		maxBody:  cfg.MaxBodyBytes,
		maxSkew:  cfg.MaxClockSkew,
		log:      cfg.Logger,
		now:      cfg.Now,
	}
	if cfg.EncodingAESKey != "" {
		if _, err := wxcrypto.DecodeKey(cfg.EncodingAESKey); err != nil {
			return nil, &werrors.ParamError{
				Field:  "EventConfig.EncodingAESKey",
				Reason: fmt.Sprintf("must be empty or %d base64 characters encoding 32 bytes (got %d characters)", wxcrypto.KeyLength, len(cfg.EncodingAESKey)),
			}
		}
		if err := werrors.Required("EventConfig.AppID", cfg.AppID); err != nil {
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
	if h.maxSkew < 0 {
		return nil, &werrors.ParamError{Field: "EventConfig.MaxClockSkew", Reason: "is negative"}
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	return h, nil
}

// String describes the handler without its Token or EncodingAESKey.
func (h *EventHandler) String() string {
	mode := "plain"
	if h.cipher != nil {
		mode = "plain+safe"
	}
	return "logistics.EventHandler{Mode:" + mode + " Token:REDACTED}"
}

// GoString is String, so %#v shows no secret either.
func (h *EventHandler) GoString() string { return h.String() }

// Format prints String for every verb.
func (h *EventHandler) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(h.String())) }

// LogValue logs the mode only.
func (h *EventHandler) LogValue() slog.Value {
	return slog.GroupValue(slog.Bool("safe_mode", h.cipher != nil))
}

// ServeHTTP answers one request from WeChat.
//
//   - GET is the URL check: a valid signature gets echostr back unchanged.
//   - POST carries an event. The query's signature is checked first, then
//     the body is read (at most MaxBodyBytes), its format decided by
//     Content-Type or else its first byte, and in safe mode (encrypt_type=aes)
//     msg_signature is checked over the Encrypt field, which is decrypted and
//     used in place of any plaintext fields. cancel_waybill goes to
//     OnCancelWaybill and is answered in the request's format (encrypted in
//     safe mode); every other event is answered "success" and reaches no
//     callback.
//
// Refusals: 405 for other methods; 401 for a missing or wrong signature or
// msg_signature, a timestamp outside MaxClockSkew, or a safe-mode message
// sealed for another AppID; 413 for a body over the limit; 400 for an empty
// or malformed body, a message that does not decrypt, or encrypt_type=aes
// without a configured key. No callback runs for a refused request.
func (h *EventHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if p := recover(); p != nil {
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
	attrs = append([]any{"status", status, "reason", reason, "method", r.Method, "remote", r.RemoteAddr}, attrs...)
	h.log.WarnContext(r.Context(), "logistics: event request refused", attrs...)
	http.Error(w, reason, status)
}

// verify checks the query's signature (and timestamp, if configured).
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

// decode reads the head from body, in format f.
func (hd *eventHead) decode(f wxmsg.Format, body []byte) error {
	return wxmsg.Decode(f, body, hd)
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
	if safe && h.cipher == nil {
		h.refuse(w, r, http.StatusBadRequest, "safe mode is not configured")
		return
	}
	if safe && q.Get("msg_signature") == "" {
		h.refuse(w, r, http.StatusUnauthorized, "missing msg_signature")
		return
	}

	body, ok := h.readBody(w, r)
	if !ok {
		return
	}
	outer := wxmsg.Detect(r.Header.Get("Content-Type"), body)
	if outer == wxmsg.Unknown {
		h.refuse(w, r, http.StatusBadRequest, "body is neither XML nor JSON")
		return
	}
	var hd eventHead
	if err := hd.decode(outer, body); err != nil {
		h.refuse(w, r, http.StatusBadRequest, "malformed body", "error", err)
		return
	}

	inner, plain := outer, body
	if safe {
		if hd.Encrypt == "" {
			h.refuse(w, r, http.StatusBadRequest, "missing Encrypt")
			return
		}
		if !wxcrypto.Verify(q.Get("msg_signature"), h.token, q.Get("timestamp"), q.Get("nonce"), hd.Encrypt) {
			h.refuse(w, r, http.StatusUnauthorized, "bad msg_signature")
			return
		}
		msg, err := h.cipher.Decrypt(hd.Encrypt)
		switch {
		case errors.Is(err, wxcrypto.ErrAppID):
			h.refuse(w, r, http.StatusUnauthorized, "message is for another AppID")
			return
		case err != nil:
			h.refuse(w, r, http.StatusBadRequest, "cannot decrypt", "error", err)
			return
		}
		plain = bytes.TrimPrefix(msg, pushBOM)
		if f := wxmsg.Sniff(plain); f != wxmsg.Unknown {
			inner = f
		}
		hd = eventHead{}
		if err := hd.decode(inner, plain); err != nil {
			h.refuse(w, r, http.StatusBadRequest, "malformed decrypted message", "error", err)
			return
		}
	}

	route, ok := eventRoutes[strings.ToLower(strings.TrimSpace(hd.Event))]
	if !ok {
		h.log.DebugContext(r.Context(), "logistics: event answered success without a callback", "event", hd.Event)
		writePushSuccess(w)
		return
	}
	rep, err := route(h, r.Context(), inner, plain)
	if err != nil {
		h.refuse(w, r, http.StatusBadRequest, "malformed event", "event", hd.Event, "error", err)
		return
	}
	h.writeReply(w, r, outer, safe, rep)
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
	body, err := readAll(http.MaxBytesReader(w, r.Body, h.maxBody), r.ContentLength)
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

// readAll is io.ReadAll with its buffer sized for the announced length, so
// that a push (a few hundred bytes to a few KiB) is read without growing
// the buffer. One byte more is room for the final read that sees io.EOF.
// Lengths beyond 64 KiB are not trusted for the first allocation.
func readAll(r io.Reader, announced int64) ([]byte, error) {
	size := 512
	if announced > 0 && announced < 64<<10 {
		size = int(announced) + 1
	}
	b := make([]byte, 0, size)
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

// eventRoute decodes one typed event from plain (in format f), runs its
// callback and returns the reply.
type eventRoute func(h *EventHandler, ctx context.Context, f wxmsg.Format, plain []byte) (wxmsg.Message, error)

// eventRoutes maps lower-case Event names to their routes. Typing another
// event (add_waybill, check_biz, get_quota) means adding an optional
// callback field to EventConfig and an entry here; events without an entry
// are answered "success".
var eventRoutes = map[string]eventRoute{
	EventCancelWaybill: (*EventHandler).serveCancelWaybill,
}

func (h *EventHandler) serveCancelWaybill(ctx context.Context, f wxmsg.Format, plain []byte) (wxmsg.Message, error) {
	ev := new(CancelWaybillEvent)
	if f == wxmsg.JSON {
		// Decoding into the wire form directly reads the body once;
		// CancelWaybillEvent.UnmarshalJSON would be called on a second
		// copy of it after validating it twice.
		var wire cancelWaybillJSON
		if err := wxmsg.Decode(f, plain, &wire); err != nil {
			return nil, err
		}
		*ev = wire.event()
	} else if err := wxmsg.Decode(f, plain, ev); err != nil {
		return nil, err
	}
	// The reply echoes the request, whatever the callback does to ev.
	req := *ev
	code := ResultCode(werrors.ErrCancelNotSupported)
	if h.onCancel != nil {
		code = h.callCancel(ctx, ev)
	}
	if h.log.Enabled(ctx, slog.LevelDebug) {
		h.log.DebugContext(ctx, "logistics: cancel_waybill handled", "event", req, "result_code", code)
	}
	created := req.CreateTime
	if created == 0 {
		created = h.now().Unix()
	}
	return wxmsg.Message{
		wxmsg.Text("ToUserName", req.FromUserName),
		wxmsg.Text("FromUserName", req.ToUserName),
		wxmsg.Int("CreateTime", created),
		wxmsg.Text("MsgType", "event"),
		wxmsg.Text("Event", EventCancelWaybill),
		wxmsg.Text("BizID", req.BizID),
		wxmsg.Text("OrderID", req.OrderID),
		wxmsg.Text("WayBillID", req.WayBillID),
		wxmsg.Int("ResultCode", int64(code)),
		wxmsg.Text("ResultMsg", ResultMessage(code)),
	}, nil
}

// callCancel runs OnCancelWaybill and turns its outcome into a ResultCode.
func (h *EventHandler) callCancel(ctx context.Context, ev *CancelWaybillEvent) (code int) {
	orderID, waybillID := ev.OrderID, ev.WayBillID
	defer func() {
		if p := recover(); p != nil {
			h.log.ErrorContext(ctx, "logistics: OnCancelWaybill panicked", "order_id", orderID, "waybill_id", waybillID,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			code = -1
		}
	}()
	err := h.onCancel(ctx, ev)
	code = ResultCode(err)
	if code == -1 {
		h.log.WarnContext(ctx, "logistics: OnCancelWaybill failed", "order_id", orderID, "waybill_id", waybillID, "error", err)
	}
	return code
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
