// Package wxapi is what WeChat's server API contributes to the request
// pipeline: how its replies are judged and what its codes mean. Package
// auth (the token endpoints) and package logistics (the business API)
// share it.
package wxapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	werrors "github.com/waybill-go/waybill/errors"
	"github.com/waybill-go/waybill/internal/httpx"
	"github.com/waybill-go/waybill/internal/jsonx"
	"github.com/waybill-go/waybill/internal/pipeline"
)

// Provider is WeChat's name in errors and results.
const Provider = "wechat"

// Endpoint describes one WeChat API for judging its replies.
type Endpoint struct {
	Op string // e.g. "order/cancel", "stable_token"
	// Success lists top-level members that only a successful reply
	// carries, for APIs whose documented success reply has no errcode. A
	// reply without a top-level errcode is a success only when every one
	// of them is present and not null; with Success empty, never.
	Success []string
	// Token marks a token endpoint: codes there speak of the AppID and
	// AppSecret, and no access token is refreshed.
	Token bool
	// Codes maps the API's own errcodes to sentinels; they take
	// precedence over the shared tables.
	Codes map[int]error
}

// Causes of unusable replies.
var (
	ErrNoErrcode  = errors.New("reply has no top-level errcode")
	ErrBadErrcode = errors.New("errcode is not an integer")
)

// head is what every reply is read for first: its top-level members
// only, each kept as the raw JSON text of its value, so that a number can be
// told from a numeric string from null from a missing member.
type head struct {
	ErrCode            raw `json:"errcode"`
	ErrMsg             raw `json:"errmsg"`
	DeliveryResultCode raw `json:"delivery_resultcode"`
	DeliveryResultMsg  raw `json:"delivery_resultmsg"`
	DeliveryErrorMsg   raw `json:"delivery_error_msg"` // 微信小店 电子面单's carrier message

	// The members that mark a success where an API's success reply has no
	// errcode (Endpoint.Success names them).
	AccessToken             raw `json:"access_token"`
	OrderID                 raw `json:"order_id"`
	WaybillID               raw `json:"waybill_id"`
	OrderList               raw `json:"order_list"`
	PathItemNum             raw `json:"path_item_num"`
	Count                   raw `json:"count"`
	Data                    raw `json:"data"`
	List                    raw `json:"list"`
	QuotaNum                raw `json:"quota_num"`
	RenderedWaybillTemplate raw `json:"rendered_waybill_template"`
	Sender                  raw `json:"sender"`
	Receiver                raw `json:"receiver"`
}

// member returns the success member called name; ok is false for a name
// the head does not read (a test makes sure every endpoint's are read).
func (h *head) member(name string) (r raw, ok bool) {
	switch name {
	case "access_token":
		return h.AccessToken, true
	case "order_id":
		return h.OrderID, true
	case "waybill_id":
		return h.WaybillID, true
	case "order_list":
		return h.OrderList, true
	case "path_item_num":
		return h.PathItemNum, true
	case "count":
		return h.Count, true
	case "data":
		return h.Data, true
	case "list":
		return h.List, true
	case "quota_num":
		return h.QuotaNum, true
	case "rendered_waybill_template":
		return h.RenderedWaybillTemplate, true
	case "sender":
		return h.Sender, true
	case "receiver":
		return h.Receiver, true
	}
	return raw{}, false
}

// heads are reused: every reply's judging would otherwise allocate one, an
// allocation on every call that the SDK's benchmarks hold it to.
var heads = sync.Pool{New: func() any { return new(head) }}

// Reads reports whether the judge can tell if a reply carries the
// top-level member name, which Endpoint.Success may then list.
func Reads(name string) bool {
	_, ok := (&head{}).member(name)
	return ok
}

// raw is a member's JSON text. Unlike json.RawMessage it copies nothing:
// it keeps the slice of the reply body encoding/json hands it, which is
// safe because the body is the judge's own and nothing writes to it while
// the judge reads the head (encoding/json asks for a copy only because it
// cannot know that of its caller's buffer).
type raw struct {
	present bool
	text    []byte
}

// UnmarshalJSON keeps b (null is kept as a present member whose text is
// "null").
func (r *raw) UnmarshalJSON(b []byte) error {
	r.present, r.text = true, b
	return nil
}

// Judge reads a reply to ep into out (a pointer to the response struct, or
// nil). A success is a top-level errcode of 0 (a number, or a numeric
// string) with HTTP 2xx or, where ep.Success says so, a reply without
// errcode that carries every success member. errcode null, an errcode only
// in a nested object, or a reply without the success members never is.
func Judge(p *pipeline.Pipeline, ep *Endpoint, r *httpx.Reply, out any) pipeline.Judgement {
	j, _ := judgeReply(p, ep, r, out, false)
	return j
}

// Status is what every WeChat reply says about itself: the members Judge
// reads first, numbers accepted as numeric strings.
type Status struct {
	ErrCode            int
	ErrMsg             string
	DeliveryResultCode int
	DeliveryResultMsg  string
}

// JudgeStatus is Judge for a response made of nothing but Status's
// members, such as order/cancel's: it returns them as read while judging,
// instead of decoding the reply a second time.
func JudgeStatus(p *pipeline.Pipeline, ep *Endpoint, r *httpx.Reply) (pipeline.Judgement, Status) {
	return judgeReply(p, ep, r, nil, true)
}

func judgeReply(p *pipeline.Pipeline, ep *Endpoint, r *httpx.Reply, out any, status bool) (pipeline.Judgement, Status) {
	var st Status
	h := heads.Get().(*head)
	defer func() {
		*h = head{} // keep no slice of the reply
		heads.Put(h)
	}()
	if err := json.Unmarshal(r.Body, h); err != nil {
		return unusable(p, ep.Op, r.Status, fmt.Errorf("decoding reply: %w", err))
	}
	code, hasCode, err := jsonx.Int(h.ErrCode.text)
	switch {
	case err != nil:
		return unusable(p, ep.Op, r.Status, fmt.Errorf("%w: %w", ErrBadErrcode, err))
	case !hasCode && h.ErrCode.present:
		return unusable(p, ep.Op, r.Status, fmt.Errorf("%w: errcode is null", ErrNoErrcode))
	case !hasCode:
		if missing := missingMembers(h, ep.Success); missing != "" {
			return unusable(p, ep.Op, r.Status, fmt.Errorf("%w, and %s", ErrNoErrcode, missing))
		}
	}
	if code == 0 && (r.Status < 200 || r.Status >= 300) {
		return unusable(p, ep.Op, r.Status, errors.New("errcode 0 with an HTTP status other than 2xx"))
	}
	if out != nil {
		if derr := decode(r.Body, h, out); derr != nil && code == 0 {
			return unusable(p, ep.Op, r.Status, fmt.Errorf("decoding reply: %w", derr))
		}
	}
	if status {
		// As strict as decoding into a struct of these members would be.
		var cerr error
		st = Status{ErrCode: code, ErrMsg: jsonx.Text(h.ErrMsg.text), DeliveryResultMsg: jsonx.Text(h.DeliveryResultMsg.text)}
		st.DeliveryResultCode, _, cerr = jsonx.Int(h.DeliveryResultCode.text)
		if (cerr != nil || !textOrNothing(h.ErrMsg) || !textOrNothing(h.DeliveryResultMsg)) && code == 0 {
			return unusable(p, ep.Op, r.Status, errors.New("decoding reply: a status member has the wrong type"))
		}
	}
	if code == 0 {
		return pipeline.Judgement{Verdict: pipeline.Success}, st
	}
	msg := jsonx.Text(h.ErrMsg.text)
	carrier, _, _ := jsonx.Int(h.DeliveryResultCode.text)
	e := &werrors.APIError{
		Provider:       Provider,
		Op:             ep.Op,
		Code:           code,
		CodeName:       "errcode",
		Message:        msg,
		RequestID:      RequestID(msg),
		CarrierCode:    carrier,
		CarrierMessage: carrierMessage(h),
		HTTPStatus:     r.Status,
		Sentinel:       Sentinel(code, ep),
	}
	if e.Sentinel == nil && r.Status >= 500 {
		e.Sentinel = werrors.ErrSystem
	}
	j := pipeline.Judgement{Verdict: pipeline.Refused, Err: e}
	switch {
	case !ep.Token && TokenRejected(code):
		j.Verdict = pipeline.TokenRejected
	case e.Sentinel == werrors.ErrSystem:
		// -1, -1000 or a 5xx: WeChat may or may not have acted.
		j.Verdict, j.Unknown = pipeline.Transient, true
	}
	return j, st
}

// carrierMessage is the carrier's message: delivery_resultmsg (物流助手),
// else delivery_error_msg (微信小店 电子面单).
func carrierMessage(h *head) string {
	if msg := jsonx.Text(h.DeliveryResultMsg.text); msg != "" {
		return msg
	}
	return jsonx.Text(h.DeliveryErrorMsg.text)
}

// textOrNothing reports whether r is a JSON string, null or missing.
func textOrNothing(r raw) bool {
	return !r.present || jsonx.Quoted(r.text) || jsonx.IsNull(r.text)
}

// unusable is Pipeline.UnusableJudgement with an empty Status.
func unusable(p *pipeline.Pipeline, op string, status int, cause error) (pipeline.Judgement, Status) {
	return p.UnusableJudgement(op, status, cause), Status{}
}

// missingMembers names the success members h lacks (missing or null), or
// returns "" when it has them all. With none required it always names
// something: such a reply is never a success.
func missingMembers(h *head, required []string) string {
	if len(required) == 0 {
		return "the API's success reply always has one"
	}
	var missing []string
	for _, name := range required {
		if r, ok := h.member(name); !ok || !r.present || jsonx.IsNull(r.text) {
			missing = append(missing, name)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "it lacks " + strings.Join(missing, ", ")
}

// decode decodes body into out. errcode and delivery_resultcode sent as
// numeric strings are rewritten as numbers first, so that the response's
// int fields take them.
func decode(body []byte, h *head, out any) error {
	if jsonx.Quoted(h.ErrCode.text) || jsonx.Quoted(h.DeliveryResultCode.text) {
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			return err
		}
		for _, name := range []string{"errcode", "delivery_resultcode"} {
			if n, ok, err := jsonx.Int(top[name]); ok && err == nil {
				top[name] = json.RawMessage(strconv.Itoa(n))
			}
		}
		var err error
		if body, err = json.Marshal(top); err != nil {
			return err
		}
	}
	return json.Unmarshal(body, out)
}

// RequestID returns the request ID WeChat appends to errmsg as " rid: …",
// or "" if there is none.
func RequestID(msg string) string {
	i := strings.LastIndex(msg, "rid:")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(msg[i+len("rid:"):])
}
