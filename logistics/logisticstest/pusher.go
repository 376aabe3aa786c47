package logisticstest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/waybill-go/waybill/internal/wxcrypto"
	"github.com/waybill-go/waybill/internal/wxmsg"
	"github.com/waybill-go/waybill/logistics"
)

// Pusher sends events to a carrier's handler the way WeChat does. Set the
// same Token, EncodingAESKey and AppID as the handler under test. A Pusher
// is safe for concurrent use as long as its fields are not changed and Rand
// (if set) is safe for concurrent use.
type Pusher struct {
	Token          string // message push Token; required
	EncodingAESKey string // required when Safe
	AppID          string // the carrier mini program's AppID; required when Safe
	Format         Format // "" means FormatXML
	Safe           bool   // encrypt (encrypt_type=aes, msg_signature)
	Compatible     bool   // with Safe: send the plaintext fields next to Encrypt (compatible mode)

	// Path is the path, and optionally a query, that in-process pushes
	// request: "/" if empty. It matters when the handler is a mux.
	Path string

	// Client sends the *URL methods' requests; nil means a client with a
	// 10-second timeout.
	Client *http.Client

	// Now stamps requests; nil means time.Now.
	Now func() time.Time

	// Rand supplies nonces, echostr values and the random prefix of
	// encrypted messages; nil means crypto/rand.
	Rand io.Reader
}

func redact(s string) string {
	if s == "" {
		return ""
	}
	return "REDACTED"
}

// String describes the Pusher without its Token or EncodingAESKey. The
// Pusher's methods for printing take it by value, so that neither p nor *p
// prints a secret with %v, %+v, %s, %q, %x or %X (String) or %#v
// (GoString). (A field named Format rules out a Format method, so the
// numeric verbs, such as %d, print fields; do not use them on a Pusher.)
func (p Pusher) String() string {
	return fmt.Sprintf("logisticstest.Pusher{Token:%s EncodingAESKey:%s AppID:%q Format:%s Safe:%t Compatible:%t Path:%q}",
		redact(p.Token), redact(p.EncodingAESKey), p.AppID, p.Format, p.Safe, p.Compatible, p.Path)
}

// GoString is String.
func (p Pusher) GoString() string { return p.String() }

// LogValue logs the Pusher without its secrets.
func (p Pusher) LogValue() slog.Value {
	return slog.GroupValue(slog.String("AppID", p.AppID), slog.String("Format", string(p.Format)), slog.Bool("Safe", p.Safe))
}

// MarshalJSON encodes what LogValue logs, so that encoding/json (and a slog
// JSON handler given a Pusher inside a slice or struct) shows no secret.
func (p Pusher) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		AppID  string
		Format Format
		Safe   bool
	}{p.AppID, p.Format, p.Safe})
}

// PushReply is a handler's answer, checked and, if it was encrypted, decrypted.
type PushReply struct {
	StatusCode int
	Header     http.Header
	Body       []byte // the plaintext: decrypted when Encrypted
	Encrypted  bool   // the answer was a verified safe-mode envelope
	Format     Format // of the answer, by Content-Type or else first byte; "" for text such as "success"
}

// CancelWaybill decodes the reply as an answer to cancel_waybill. XML must
// have the root <xml>; ResultCode must be a number.
func (r *PushReply) CancelWaybill() (*CancelWaybillReply, error) {
	return decodeReply[CancelWaybillReply](r, "cancel_waybill")
}

// AddWaybill decodes the reply as an answer to add_waybill.
func (r *PushReply) AddWaybill() (*AddWaybillReply, error) {
	return decodeReply[AddWaybillReply](r, "add_waybill")
}

// Quota decodes the reply as an answer to check_biz or get_quota.
func (r *PushReply) Quota() (*QuotaReply, error) {
	return decodeReply[QuotaReply](r, "quota")
}

// Success reports whether the answer is the plain text "success", the
// answer to events that define no reply (add_express_path, unknown
// events).
func (r *PushReply) Success() bool {
	return r.StatusCode == http.StatusOK && r.Format == "" && string(r.Body) == "success"
}

func decodeReply[T any](r *PushReply, what string) (*T, error) {
	if r.Success() {
		return nil, fmt.Errorf(`logisticstest: the handler answered "success", not a %s reply`, what)
	}
	out := new(T)
	if err := decode(r.Format, r.Body, out); err != nil {
		return nil, fmt.Errorf("logisticstest: decoding %s reply %q: %w", what, clip(r.Body), err)
	}
	return out, nil
}

// PushStatusError is an answer with an HTTP status other than 200.
type PushStatusError struct {
	StatusCode int
	Body       string // the start of the body
}

// Error reports the status and the start of the body.
func (e *PushStatusError) Error() string {
	return fmt.Sprintf("logisticstest: handler answered HTTP %d: %q", e.StatusCode, e.Body)
}

func (p *Pusher) format() Format {
	if p.Format == "" {
		return FormatXML
	}
	return p.Format
}

func (p *Pusher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

func (p *Pusher) random(b []byte) error {
	r := p.Rand
	if r == nil {
		r = rand.Reader
	}
	if _, err := io.ReadFull(r, b); err != nil {
		return fmt.Errorf("logisticstest: reading random bytes: %w", err)
	}
	return nil
}

// randomDigits returns a decimal string like WeChat's nonces.
func (p *Pusher) randomDigits() (string, error) {
	var b [4]byte
	if err := p.random(b[:]); err != nil {
		return "", err
	}
	return strconv.FormatUint(uint64(binary.BigEndian.Uint32(b[:])), 10), nil
}

func (p *Pusher) check() error {
	switch {
	case p.Token == "":
		return errors.New("logisticstest: Pusher.Token is required")
	case p.Format != "" && p.Format != FormatXML && p.Format != FormatJSON:
		return fmt.Errorf("logisticstest: unknown Pusher.Format %q", p.Format)
	case p.Compatible && !p.Safe:
		return errors.New("logisticstest: Pusher.Compatible needs Safe")
	}
	return nil
}

func (p *Pusher) cipher() (*wxcrypto.Cipher, error) {
	if p.AppID == "" {
		return nil, errors.New("logisticstest: Pusher.AppID is required in safe mode")
	}
	c, err := wxcrypto.New(p.EncodingAESKey, p.AppID)
	if err != nil {
		return nil, fmt.Errorf("logisticstest: Pusher.EncodingAESKey: %w", err)
	}
	if p.Rand != nil {
		c = c.WithRand(p.Rand)
	}
	return c, nil
}

// Marshal encodes v as WeChat would push it in p's format: JSON with
// encoding/json, or XML under the root <xml> with string fields in CDATA.
// For XML, v must be a struct (or a pointer to one) whose exported fields
// are strings, numbers, booleans, structs of those (nested elements) or
// slices of any of these (one element per item), named by their xml tags.
//
// The event types of package logistics redact their secrets when encoded
// with encoding/json (so that logs never show them); Marshal encodes their
// fields as they are, as WeChat sends them.
func (p *Pusher) Marshal(v any) ([]byte, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	if p.format() == FormatJSON {
		return json.Marshal(wireJSON(v))
	}
	return marshalXML(v)
}

// wireJSON returns v as encoding/json should encode it for the wire: a
// struct whose type implements json.Marshaler (the events of package
// logistics) becomes a copy of a type with the same fields and tags and no
// methods.
func wireJSON(v any) any {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct || !rv.Type().Implements(reflect.TypeFor[json.Marshaler]()) {
		return v
	}
	rt := rv.Type()
	fields := make([]reflect.StructField, 0, rt.NumField())
	for i := range rt.NumField() {
		if sf := rt.Field(i); sf.IsExported() && !sf.Anonymous {
			fields = append(fields, reflect.StructField{Name: sf.Name, Type: sf.Type, Tag: sf.Tag})
		}
	}
	out := reflect.New(reflect.StructOf(fields)).Elem()
	for i := range fields {
		out.Field(i).Set(rv.FieldByName(fields[i].Name))
	}
	return out.Interface()
}

func marshalXML(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return nil, fmt.Errorf("logisticstest: Marshal: %T is not a struct", v)
	}
	m, err := xmlFields(rv, fmt.Sprintf("%T", v))
	if err != nil {
		return nil, err
	}
	return m.XML(), nil
}

// xmlFields lays out the exported fields of the struct rv as elements.
func xmlFields(rv reflect.Value, what string) (wxmsg.Message, error) {
	var m wxmsg.Message
	rt := rv.Type()
	for i := range rt.NumField() {
		sf := rt.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("xml"), ",")
		if !sf.IsExported() || name == "-" || sf.Name == "XMLName" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		fv := rv.Field(i)
		if fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() != reflect.Uint8 {
			for j := range fv.Len() {
				f, err := xmlField(name, fv.Index(j), what, sf.Name)
				if err != nil {
					return nil, err
				}
				m = append(m, f)
			}
			continue
		}
		f, err := xmlField(name, fv, what, sf.Name)
		if err != nil {
			return nil, err
		}
		m = append(m, f)
	}
	return m, nil
}

// xmlField is one element: a value, or a nested struct's elements.
func xmlField(name string, fv reflect.Value, what, field string) (wxmsg.Field, error) {
	f := wxmsg.Field{Name: name, Bare: true}
	switch fv.Kind() {
	case reflect.String:
		f.Value = verbatimCDATA(fv.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f.Value = strconv.FormatInt(fv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f.Value = strconv.FormatUint(fv.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		f.Value = strconv.FormatFloat(fv.Float(), 'f', -1, 64)
	case reflect.Bool:
		f.Value = strconv.FormatBool(fv.Bool())
	case reflect.Struct:
		inner, err := xmlFields(fv, what)
		if err != nil {
			return f, err
		}
		doc := inner.XML()
		f.Value = string(doc[len("<xml>") : len(doc)-len("</xml>")])
	default:
		return f, fmt.Errorf("logisticstest: Marshal: field %s of %s is a %s", field, what, fv.Kind())
	}
	return f, nil
}

// verbatimCDATA is s in CDATA with only "]]>" split across two sections.
// Unlike wxmsg's text fields, which turn characters XML cannot carry into
// U+FFFD, Marshal passes them through, so a test can push a body the
// handler must refuse.
func verbatimCDATA(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

// NewRequest builds the POST WeChat would send to target (a URL) for ev.
func (p *Pusher) NewRequest(ctx context.Context, target string, ev *logistics.CancelWaybillEvent) (*http.Request, error) {
	if ev == nil {
		return nil, errors.New("logisticstest: nil event")
	}
	return p.NewEventRequest(ctx, target, ev)
}

// NewEventRequest builds the POST WeChat would send to target for any event
// Marshal can encode: one of package logistics (*AddWaybillEvent, …), an
// Event, or a struct of the test's own.
func (p *Pusher) NewEventRequest(ctx context.Context, target string, ev any) (*http.Request, error) {
	if ev == nil || (reflect.ValueOf(ev).Kind() == reflect.Pointer && reflect.ValueOf(ev).IsNil()) {
		return nil, errors.New("logisticstest: nil event")
	}
	body, err := p.Marshal(ev)
	if err != nil {
		return nil, err
	}
	return p.NewRawRequest(ctx, target, body)
}

// signedTarget checks p and parses target, and returns it with its query,
// to which it has added what every request from WeChat carries: a fresh
// timestamp and nonce and the signature over them.
func (p *Pusher) signedTarget(target string) (u *url.URL, q url.Values, ts, nonce string, err error) {
	if err := p.check(); err != nil {
		return nil, nil, "", "", err
	}
	if u, err = url.Parse(target); err != nil {
		return nil, nil, "", "", fmt.Errorf("logisticstest: target: %w", err)
	}
	if nonce, err = p.randomDigits(); err != nil {
		return nil, nil, "", "", err
	}
	ts = strconv.FormatInt(p.now().Unix(), 10)
	q = u.Query()
	q.Set("timestamp", ts)
	q.Set("nonce", nonce)
	q.Set("signature", wxcrypto.Signature(p.Token, ts, nonce))
	return u, q, ts, nonce, nil
}

// NewRawRequest builds the POST WeChat would send to target for a plaintext
// body in p's format: it adds timestamp, nonce and signature to the query
// and, in safe mode, encrypts the body, wraps it as {ToUserName, Encrypt}
// (or, Compatible, adds Encrypt to the plaintext fields) and adds
// encrypt_type=aes and msg_signature.
func (p *Pusher) NewRawRequest(ctx context.Context, target string, body []byte) (*http.Request, error) {
	u, q, ts, nonce, err := p.signedTarget(target)
	if err != nil {
		return nil, err
	}
	if p.Safe {
		c, err := p.cipher()
		if err != nil {
			return nil, err
		}
		enc, err := c.Encrypt(body)
		if err != nil {
			return nil, fmt.Errorf("logisticstest: %w", err)
		}
		if body, err = p.wrap(body, enc); err != nil {
			return nil, err
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", wxcrypto.Signature(p.Token, ts, nonce, enc))
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("logisticstest: %w", err)
	}
	if p.format() == FormatJSON {
		req.Header.Set("Content-Type", "application/json")
	} else {
		req.Header.Set("Content-Type", "text/xml")
	}
	req.Header.Set("User-Agent", "waybill-logisticstest")
	return req, nil
}

// wrap builds a safe-mode body around enc: the envelope {ToUserName,
// Encrypt}, or, Compatible, the plaintext with Encrypt added as its last
// field. ToUserName is read leniently (no root or object check), as it is
// only copied.
func (p *Pusher) wrap(plain []byte, enc string) ([]byte, error) {
	f := wxmsg.Format(p.format())
	if p.Compatible {
		trimmed := bytes.TrimRight(plain, " \t\r\n")
		if f == wxmsg.JSON {
			if !bytes.HasSuffix(trimmed, []byte("}")) {
				return nil, errors.New("logisticstest: compatible mode needs a JSON object body")
			}
			encJSON, _ := json.Marshal(enc) // a string always marshals
			return slices.Concat(trimmed[:len(trimmed)-len("}")], []byte(`,"Encrypt":`), encJSON, []byte("}")), nil
		}
		if !bytes.HasSuffix(trimmed, []byte("</xml>")) {
			return nil, errors.New("logisticstest: compatible mode needs an <xml> body")
		}
		return slices.Concat(trimmed[:len(trimmed)-len("</xml>")], []byte("<Encrypt>"+verbatimCDATA(enc)+"</Encrypt></xml>")), nil
	}
	var to struct{ ToUserName string }
	if f == wxmsg.JSON {
		_ = json.Unmarshal(plain, &to)
	} else {
		_ = xml.Unmarshal(plain, &to)
	}
	return wxmsg.RequestEnvelope{ToUserName: to.ToUserName, Encrypt: enc}.Encode(f), nil
}

// NewCheckRequest builds the GET URL check WeChat sends to target.
func (p *Pusher) NewCheckRequest(ctx context.Context, target, echostr string) (*http.Request, error) {
	u, q, _, _, err := p.signedTarget(target)
	if err != nil {
		return nil, err
	}
	q.Set("echostr", echostr)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("logisticstest: %w", err)
	}
	req.Header.Set("User-Agent", "waybill-logisticstest")
	return req, nil
}

// Push sends ev to h in process and returns the decoded answer. An answer
// other than HTTP 200 is a *PushStatusError; in safe mode an answer that is not
// a valid encrypted envelope is an error, and so is an answer in a format
// other than the request's.
func (p *Pusher) Push(ctx context.Context, h http.Handler, ev *logistics.CancelWaybillEvent) (*CancelWaybillReply, error) {
	if ev == nil {
		return nil, errors.New("logisticstest: nil event")
	}
	r, err := p.PushEvent(ctx, h, ev)
	if err != nil {
		return nil, err
	}
	return r.CancelWaybill()
}

// PushURL is Push against a server at url.
func (p *Pusher) PushURL(ctx context.Context, url string, ev *logistics.CancelWaybillEvent) (*CancelWaybillReply, error) {
	if ev == nil {
		return nil, errors.New("logisticstest: nil event")
	}
	r, err := p.PushEventURL(ctx, url, ev)
	if err != nil {
		return nil, err
	}
	return r.CancelWaybill()
}

// PushEvent sends any event (see NewEventRequest) to h in process and
// returns the checked answer, to be decoded with the PushReply method for
// the event (AddWaybill, Quota, …), or checked with Success for events
// answered "success". An answer other than HTTP 200 is a *PushStatusError;
// a document answer must be in the request's format and, in safe mode,
// encrypted.
func (p *Pusher) PushEvent(ctx context.Context, h http.Handler, ev any) (*PushReply, error) {
	req, err := p.NewEventRequest(ctx, p.localURL(), ev)
	if err != nil {
		return nil, err
	}
	return p.finishPush(p.serve(h, req))
}

// PushEventURL is PushEvent against a server at url.
func (p *Pusher) PushEventURL(ctx context.Context, url string, ev any) (*PushReply, error) {
	req, err := p.NewEventRequest(ctx, url, ev)
	if err != nil {
		return nil, err
	}
	return p.finishPush(p.do(req))
}

func (p *Pusher) finishPush(resp *http.Response, err error) (*PushReply, error) {
	if err != nil {
		return nil, err
	}
	r, err := p.ReadReply(resp)
	if err != nil {
		return nil, err
	}
	if r.StatusCode != http.StatusOK {
		return nil, &PushStatusError{StatusCode: r.StatusCode, Body: clip(r.Body)}
	}
	if r.Success() {
		return r, nil
	}
	if p.Safe && !r.Encrypted {
		return nil, fmt.Errorf("logisticstest: safe-mode answer is not encrypted: %q", clip(r.Body))
	}
	if r.Format != p.format() {
		return nil, fmt.Errorf("logisticstest: answer to a %s push came as %q (%s)", p.format(), r.Format, r.Header.Get("Content-Type"))
	}
	return r, nil
}

// Send sends a plaintext body (see NewRawRequest) to h in process. It returns
// the answer whatever its status; errors are for failures to build the
// request or to check the answer.
func (p *Pusher) Send(ctx context.Context, h http.Handler, body []byte) (*PushReply, error) {
	req, err := p.NewRawRequest(ctx, p.localURL(), body)
	if err != nil {
		return nil, err
	}
	resp, err := p.serve(h, req)
	if err != nil {
		return nil, err
	}
	return p.ReadReply(resp)
}

// SendURL is Send against a server at url.
func (p *Pusher) SendURL(ctx context.Context, url string, body []byte) (*PushReply, error) {
	req, err := p.NewRawRequest(ctx, url, body)
	if err != nil {
		return nil, err
	}
	resp, err := p.do(req)
	if err != nil {
		return nil, err
	}
	return p.ReadReply(resp)
}

// Check performs WeChat's GET URL check against h: a random echostr must come
// back unchanged with HTTP 200.
func (p *Pusher) Check(ctx context.Context, h http.Handler) error {
	return p.checkURL(ctx, p.localURL(), func(req *http.Request) (*http.Response, error) { return p.serve(h, req) })
}

// CheckURL is Check against a server at url.
func (p *Pusher) CheckURL(ctx context.Context, url string) error {
	return p.checkURL(ctx, url, p.do)
}

func (p *Pusher) checkURL(ctx context.Context, target string, send func(*http.Request) (*http.Response, error)) error {
	echo, err := p.randomDigits()
	if err != nil {
		return err
	}
	req, err := p.NewCheckRequest(ctx, target, echo)
	if err != nil {
		return err
	}
	resp, err := send(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return fmt.Errorf("logisticstest: reading answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return &PushStatusError{StatusCode: resp.StatusCode, Body: clip(body)}
	}
	if string(body) != echo {
		return fmt.Errorf("logisticstest: URL check answered %q, want the echostr %q", clip(body), echo)
	}
	return nil
}

const maxReply = 4 << 20

// ReadReply reads and closes resp's body and checks it. In safe mode a 200
// answer that is an encrypted envelope must carry a valid MsgSignature over
// Token, TimeStamp, Nonce and Encrypt, a numeric TimeStamp, and a message
// sealed for AppID; it is then decrypted into Body. Plain text answers such
// as "success" are returned as they are.
func (p *Pusher) ReadReply(resp *http.Response) (*PushReply, error) {
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return nil, fmt.Errorf("logisticstest: reading answer: %w", err)
	}
	r := &PushReply{StatusCode: resp.StatusCode, Header: resp.Header, Body: body, Format: Format(wxmsg.Detect(resp.Header.Get("Content-Type"), body))}
	if resp.StatusCode != http.StatusOK || !p.Safe || r.Format == "" {
		return r, nil
	}
	var env wxmsg.ReplyEnvelope
	if err := decode(r.Format, body, &env); err != nil {
		return nil, fmt.Errorf("logisticstest: decoding safe-mode answer %q: %w", clip(body), err)
	}
	if env.Encrypt == "" {
		return r, nil // not encrypted; the caller decides whether that is acceptable
	}
	if env.TimeStamp == "" || strings.Trim(env.TimeStamp, "0123456789") != "" {
		return nil, fmt.Errorf("logisticstest: safe-mode answer's TimeStamp %q is not a number", env.TimeStamp)
	}
	if env.Nonce == "" {
		return nil, errors.New("logisticstest: safe-mode answer has no Nonce")
	}
	if !wxcrypto.Verify(env.MsgSignature, p.Token, env.TimeStamp, env.Nonce, env.Encrypt) {
		return nil, errors.New("logisticstest: safe-mode answer's MsgSignature does not verify")
	}
	c, err := p.cipher()
	if err != nil {
		return nil, err
	}
	plain, err := c.Decrypt(env.Encrypt)
	if err != nil {
		return nil, fmt.Errorf("logisticstest: decrypting answer: %w", err)
	}
	r.Body, r.Encrypted = plain, true
	return r, nil
}

func (p *Pusher) localURL() string {
	path := p.Path
	if path == "" {
		path = "/"
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	return "http://carrier.test" + path
}

// serve runs h on req in process. A panic in h is returned as an error.
func (p *Pusher) serve(h http.Handler, req *http.Request) (resp *http.Response, err error) {
	if h == nil {
		return nil, errors.New("logisticstest: nil handler")
	}
	defer func() {
		if v := recover(); v != nil {
			resp, err = nil, fmt.Errorf("logisticstest: handler panicked: %v", v)
		}
	}()
	req.RemoteAddr = "192.0.2.1:40000"
	req.RequestURI = req.URL.RequestURI()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result(), nil
}

func (p *Pusher) do(req *http.Request) (*http.Response, error) {
	c := p.Client
	if c == nil {
		c = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("logisticstest: %w", err)
	}
	return resp, nil
}

// decode reads an answer in format f into v. XML must have the root <xml>
// (wxmsg.Decode); JSON goes to encoding/json as it is, so, unlike
// wxmsg.Decode, it need not be an object: null decodes to nothing.
func decode(f Format, body []byte, v any) error {
	switch f {
	case FormatJSON:
		// A JSON null or array is no answer, even though it would decode
		// into an empty reply with ResultCode 0.
		return wxmsg.Decode(wxmsg.JSON, body, v)
	case FormatXML:
		return wxmsg.Decode(wxmsg.XML, body, v)
	}
	return errors.New("the answer is neither XML nor JSON")
}

// clip shortens a body for an error message.
func clip(b []byte) string {
	const n = 200
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
