package logisticstest

import (
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/waybill-go/waybill/logistics"
)

// pathPushes delivers add_express_path events to a shop's handler, as
// WeChat does when a waybill's track changes.
type pathPushes struct {
	handler http.Handler
	pusher  *Pusher
	pending []*logistics.ExpressPathEvent
	errs    []error
}

// WithExpressPathPush makes the fake push add_express_path to h, signed
// (and, if p.Safe, encrypted) by p with the shop's push settings, whenever
// TestUpdateOrder or UpdatePath adds a path event to an order: the event
// carries the whole track so far, as WeChat's does. Pushes happen before
// the call that caused them is answered. PathPushErrors reports pushes the
// handler refused.
func WithExpressPathPush(h http.Handler, p *Pusher) Option {
	return func(s *Server) { s.paths = &pathPushes{handler: h, pusher: p} }
}

// PathPushErrors returns the errors of add_express_path pushes so far: a
// push refused, or answered with something else than "success".
func (s *Server) PathPushErrors() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paths == nil {
		return nil
	}
	return slices.Clone(s.paths.errs)
}

// queuePathPush queues the event for o's track; s.mu must be held.
func (s *Server) queuePathPush(o *Order, d *orderDetail) {
	if s.paths == nil {
		return
	}
	ev := &logistics.ExpressPathEvent{
		ToUserName: "gh_fakeshop", FromUserName: d.req.OpenID, CreateTime: s.now().Unix(),
		MsgType: "event", Event: logistics.EventExpressPath,
		DeliveryID: o.DeliveryID, WayBillID: o.WaybillID, OrderID: o.OrderID,
		Version: int64(len(d.path)), Count: int64(len(d.path)),
	}
	for _, it := range d.path {
		ev.Actions = append(ev.Actions, logistics.ExpressPathAction(it))
	}
	s.paths.pending = append(s.paths.pending, ev)
}

// flushPathPushes delivers the queued events; s.mu must not be held, so
// that the shop's handler may call the fake.
func (s *Server) flushPathPushes(ctx context.Context) {
	s.mu.Lock()
	if s.paths == nil || len(s.paths.pending) == 0 {
		s.mu.Unlock()
		return
	}
	pending, h, p := s.paths.pending, s.paths.handler, s.paths.pusher
	s.paths.pending = nil
	s.mu.Unlock()
	for _, ev := range pending {
		reply, err := p.PushEvent(ctx, h, ev)
		if err == nil && !reply.Success() {
			err = errNotSuccess
		}
		if err != nil {
			s.mu.Lock()
			s.paths.errs = append(s.paths.errs, err)
			s.mu.Unlock()
		}
	}
}

// errNotSuccess is a push the shop's handler answered with something other
// than "success".
var errNotSuccess = errors.New("logisticstest: add_express_path was not answered success")
