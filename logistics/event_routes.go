package logistics

import (
	"context"
	"strconv"

	"github.com/waybill-go/waybill/internal/wxmsg"
)

// pushEvent is a typed event decoded, ready to be answered.
type pushEvent struct {
	name     string   // canonical Event name
	callback string   // the EventConfig field, for logs
	identity []string // what makes WeChat's retries of the event the same event
	logValue any      // the event as the debug log shows it (secrets redacted)
	// run calls the callback; nil means there is none and fallback is
	// the answer.
	run      func(ctx context.Context) (outcome, error)
	fallback outcome
	reply    func(outcome) pushAnswer
}

// eventRoute types one event.
type eventRoute struct {
	enabled func(h *EventHandler) bool
	decode  func(h *EventHandler, f wxmsg.Format, plain []byte) (*pushEvent, error)
}

// eventRoutes maps lower-case Event names to their routes. Events without
// an entry, or whose callback is nil (cancel_waybill excepted), are
// answered "success".
var eventRoutes = map[string]eventRoute{
	EventCancelWaybill: {func(*EventHandler) bool { return true }, decodeCancelWaybill},
	EventAddWaybill:    {func(h *EventHandler) bool { return h.cfg.onAddWaybill != nil }, decodeAddWaybill},
	EventCheckBiz:      {func(h *EventHandler) bool { return h.cfg.onCheckBiz != nil }, decodeCheckBiz},
	EventGetQuota:      {func(h *EventHandler) bool { return h.cfg.onGetQuota != nil }, decodeGetQuota},
	EventExpressPath:   {func(h *EventHandler) bool { return h.cfg.onExpressPath != nil }, decodeExpressPath},
}

// jsonDecoder decodes with the limits of wxmsg.Decode.
func jsonDecoder(b []byte, v any) error { return wxmsg.Decode(wxmsg.JSON, b, v) }

// decodeEvent reads an event of type ev in format f.
func decodeEvent(f wxmsg.Format, plain []byte, ev interface{ decodeJSON(decoder, []byte) error }) error {
	if f == wxmsg.JSON {
		return ev.decodeJSON(jsonDecoder, plain)
	}
	return wxmsg.Decode(f, plain, ev)
}

// replyHead is the start every carrier answer shares: addressed back to
// the sender, dated the event's time (or now, if the event had none).
func (h *EventHandler) replyHead(to, from string, created int64, event string) wxmsg.Message {
	if created == 0 {
		created = h.now().Unix()
	}
	m := make(wxmsg.Message, 0, 12)
	return append(m,
		wxmsg.Text("ToUserName", to),
		wxmsg.Text("FromUserName", from),
		wxmsg.Int("CreateTime", created),
		wxmsg.Text("MsgType", "event"),
		wxmsg.Text("Event", event),
	)
}

func result(o outcome) []wxmsg.Field {
	return []wxmsg.Field{wxmsg.Int("ResultCode", int64(o.code)), wxmsg.Text("ResultMsg", o.msg)}
}

func ts(n int64) string { return strconv.FormatInt(n, 10) }

func decodeCancelWaybill(h *EventHandler, f wxmsg.Format, plain []byte) (*pushEvent, error) {
	ev := new(CancelWaybillEvent)
	if err := decodeEvent(f, plain, ev); err != nil {
		return nil, err
	}
	req := *ev // the reply echoes the request, whatever the callback does to ev
	pe := &pushEvent{
		name:     EventCancelWaybill,
		callback: "OnCancelWaybill",
		identity: []string{EventCancelWaybill, req.ToUserName, req.FromUserName, ts(req.CreateTime), req.OrderID, req.BizID, req.WayBillID},
		logValue: req,
		fallback: outcome{code: 30004, msg: ResultMessage(30004)},
		reply: func(o outcome) pushAnswer {
			m := h.replyHead(req.FromUserName, req.ToUserName, req.CreateTime, EventCancelWaybill)
			m = append(m, wxmsg.Text("BizID", req.BizID), wxmsg.Text("OrderID", req.OrderID), wxmsg.Text("WayBillID", req.WayBillID))
			return pushAnswer{msg: append(m, result(o)...)}
		},
	}
	if h.cfg.onCancel != nil {
		pe.run = func(ctx context.Context) (outcome, error) {
			err := h.cfg.onCancel(ctx, ev)
			code := ResultCode(err)
			return outcome{code: code, msg: resultMsg(code, err)}, err
		}
	}
	return pe, nil
}

func decodeAddWaybill(h *EventHandler, f wxmsg.Format, plain []byte) (*pushEvent, error) {
	ev := new(AddWaybillEvent)
	if err := decodeEvent(f, plain, ev); err != nil {
		return nil, err
	}
	req := *ev
	req.Cargo.DetailList = append([]AddWaybillCargoItem(nil), ev.Cargo.DetailList...)
	return &pushEvent{
		name:     EventAddWaybill,
		callback: "OnAddWaybill",
		identity: []string{EventAddWaybill, req.ToUserName, req.FromUserName, ts(req.CreateTime), req.OrderID, req.BizID, req.WayBillID},
		logValue: req,
		run: func(ctx context.Context) (outcome, error) {
			res, err := h.cfg.onAddWaybill(ctx, ev)
			code := BizResultCode(err)
			o := outcome{code: code, msg: resultMsg(code, err)}
			if code == 0 && res != nil {
				o.waybillID, o.waybillData = res.WayBillID, res.WaybillData
			}
			return o, err
		},
		reply: func(o outcome) pushAnswer {
			waybill := o.waybillID
			if waybill == "" {
				waybill = req.WayBillID
			}
			m := h.replyHead(req.FromUserName, req.ToUserName, req.CreateTime, EventAddWaybill)
			m = append(m, wxmsg.Text("Token", req.Token), wxmsg.Text("OrderID", req.OrderID), wxmsg.Text("BizID", req.BizID),
				wxmsg.Text("WayBillID", waybill))
			m = append(m, result(o)...)
			return pushAnswer{msg: append(m, wxmsg.Text("WaybillData", o.waybillData))}
		},
	}, nil
}

// quotaReply is the answer check_biz and get_quota share.
func (h *EventHandler) quotaReply(to, from string, created int64, event, bizID string, o outcome) pushAnswer {
	m := h.replyHead(to, from, created, event)
	m = append(m, wxmsg.Text("BizID", bizID))
	m = append(m, result(o)...)
	return pushAnswer{msg: append(m, wxmsg.Int("Quota", o.quota))}
}

func decodeCheckBiz(h *EventHandler, f wxmsg.Format, plain []byte) (*pushEvent, error) {
	ev := new(CheckBizEvent)
	if err := decodeEvent(f, plain, ev); err != nil {
		return nil, err
	}
	req := *ev
	return &pushEvent{
		name:     EventCheckBiz,
		callback: "OnCheckBiz",
		identity: []string{EventCheckBiz, req.ToUserName, req.FromUserName, ts(req.CreateTime), req.BizID, req.ShopAppID},
		logValue: req,
		run: func(ctx context.Context) (outcome, error) {
			err := h.cfg.onCheckBiz(ctx, ev)
			code := BizResultCode(err)
			o := outcome{code: code, msg: resultMsg(code, err)}
			if code == 0 && h.cfg.onGetQuota != nil {
				q := &GetQuotaEvent{ToUserName: req.ToUserName, FromUserName: req.FromUserName, CreateTime: req.CreateTime,
					MsgType: req.MsgType, Event: req.Event, BizID: req.BizID, BizPwd: req.BizPwd, ShopAppID: req.ShopAppID}
				quota, qerr := h.cfg.onGetQuota(ctx, q)
				if qerr != nil {
					h.log.WarnContext(ctx, "logistics: OnGetQuota failed for check_biz; answering Quota 0", "error", qerr)
				} else {
					o.quota = int64(quota)
				}
			}
			return o, err
		},
		reply: func(o outcome) pushAnswer {
			return h.quotaReply(req.FromUserName, req.ToUserName, req.CreateTime, EventCheckBiz, req.BizID, o)
		},
	}, nil
}

func decodeGetQuota(h *EventHandler, f wxmsg.Format, plain []byte) (*pushEvent, error) {
	ev := new(GetQuotaEvent)
	if err := decodeEvent(f, plain, ev); err != nil {
		return nil, err
	}
	req := *ev
	return &pushEvent{
		name:     EventGetQuota,
		callback: "OnGetQuota",
		identity: []string{EventGetQuota, req.ToUserName, req.FromUserName, ts(req.CreateTime), req.BizID, req.ShopAppID},
		logValue: req,
		run: func(ctx context.Context) (outcome, error) {
			quota, err := h.cfg.onGetQuota(ctx, ev)
			code := BizResultCode(err)
			o := outcome{code: code, msg: resultMsg(code, err)}
			if code == 0 {
				o.quota = int64(quota)
			}
			return o, err
		},
		reply: func(o outcome) pushAnswer {
			return h.quotaReply(req.FromUserName, req.ToUserName, req.CreateTime, EventGetQuota, req.BizID, o)
		},
	}, nil
}

func decodeExpressPath(h *EventHandler, f wxmsg.Format, plain []byte) (*pushEvent, error) {
	ev := new(ExpressPathEvent)
	if err := decodeEvent(f, plain, ev); err != nil {
		return nil, err
	}
	req := *ev
	return &pushEvent{
		name:     EventExpressPath,
		callback: "OnExpressPath",
		identity: []string{EventExpressPath, req.ToUserName, req.FromUserName, ts(req.CreateTime), req.DeliveryID, req.WayBillID, ts(req.Version)},
		logValue: req,
		run: func(ctx context.Context) (outcome, error) {
			err := h.cfg.onExpressPath(ctx, ev)
			if err != nil {
				return outcome{code: -1}, err
			}
			return outcome{}, nil
		},
		reply: func(o outcome) pushAnswer {
			if o.code != 0 {
				return pushAnswer{status: 500}
			}
			return pushAnswer{}
		},
	}, nil
}
