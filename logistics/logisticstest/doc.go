// Package logisticstest provides fakes and helpers for testing code that uses
// package logistics.
//
// # Pushing events to a carrier's handler
//
// A Pusher plays WeChat's part in message push: it builds a request exactly as
// WeChat would send it to a carrier (signed; in safe mode also encrypted and
// carrying msg_signature; XML or JSON), delivers it either to an http.Handler
// in process or to a URL over HTTP, checks the answer (in safe mode its
// MsgSignature, then decrypts it) and decodes it:
//
//	h, _ := logistics.NewEventHandler(logistics.EventConfig{
//		Token: token, EncodingAESKey: key, AppID: appID,
//		OnCancelWaybill: myCallback,
//	})
//	p := &logisticstest.Pusher{Token: token, EncodingAESKey: key, AppID: appID,
//		Format: logisticstest.FormatJSON, Safe: true}
//	reply, err := p.Push(ctx, h, logisticstest.SampleCancelWaybillEvent())
//	// reply.ResultCode, reply.ResultMsg, …
//
// PushURL does the same against a running server, for example a deployed
// webhook in a self-test. Check and CheckURL perform the GET URL check that
// WeChat makes when the URL is saved in the console.
//
// For events the SDK does not type, or for hand-made bodies, Marshal encodes
// any flat struct (such as Event) as WeChat would, Send and SendURL deliver
// a body and return the verified, decrypted PushReply whatever its status, and
// NewRequest, NewRawRequest and ReadReply split a push into its steps for
// tests that send requests themselves or tamper with them on the way.
package logisticstest
