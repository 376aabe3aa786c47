package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/waybill-go/waybill/logistics"
	"github.com/waybill-go/waybill/logistics/logisticstest"
)

const (
	benchPushToken = "bench-push-token"
	benchAESKey    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	benchAppID     = "wxbenchcarrier00"
)

// rewindBody serves the same bytes to every iteration without allocating:
// each iteration resets the reader and hands the same ReadCloser back.
type rewindBody struct{ *bytes.Reader }

func (rewindBody) Close() error { return nil }

// BenchmarkEventHandler serves one cancel_waybill push per iteration through
// an EventHandler that has a key (so it accepts both modes), in plain and in
// safe mode, in XML and in JSON. The request is signed (and, in safe mode,
// encrypted) once by logisticstest.Pusher; each iteration replays it into a
// fresh httptest.ResponseRecorder. Safe mode adds msg_signature, decryption
// of the push and encryption and signing of the answer.
func BenchmarkEventHandler(b *testing.B) {
	h, err := logistics.NewEventHandler(logistics.EventConfig{
		Token:           benchPushToken,
		EncodingAESKey:  benchAESKey,
		AppID:           benchAppID,
		OnCancelWaybill: func(context.Context, *logistics.CancelWaybillEvent) error { return nil },
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, format := range []logisticstest.Format{logisticstest.FormatXML, logisticstest.FormatJSON} {
		for _, safe := range []bool{false, true} {
			mode := "mode=plain"
			if safe {
				mode = "mode=safe"
			}
			b.Run("format="+string(format)+"/"+mode, func(b *testing.B) {
				p := &logisticstest.Pusher{Token: benchPushToken, EncodingAESKey: benchAESKey, AppID: benchAppID, Format: format, Safe: safe}
				req, err := p.NewRequest(context.Background(), "http://carrier.test/", logisticstest.SampleCancelWaybillEvent())
				if err != nil {
					b.Fatal(err)
				}
				req.RemoteAddr = "192.0.2.1:40000"
				req.RequestURI = req.URL.RequestURI()
				raw, err := io.ReadAll(req.Body)
				if err != nil {
					b.Fatal(err)
				}
				rd := bytes.NewReader(raw)
				req.Body = rewindBody{rd}
				serve := func() *httptest.ResponseRecorder {
					rd.Reset(raw)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					return rec
				}

				// Check once that the answer is the one WeChat expects.
				reply, err := p.ReadReply(serve().Result())
				if err != nil {
					b.Fatal(err)
				}
				if reply.StatusCode != http.StatusOK || reply.Encrypted != safe {
					b.Fatalf("answer: HTTP %d, encrypted %t: %s", reply.StatusCode, reply.Encrypted, reply.Body)
				}
				ans, err := reply.CancelWaybill()
				if err != nil {
					b.Fatal(err)
				}
				if ans.ResultCode != 0 || ans.WayBillID != "123456789" {
					b.Fatalf("answer: %+v", ans)
				}

				b.ReportAllocs()
				for b.Loop() {
					if rec := serve(); rec.Code != http.StatusOK {
						b.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
					}
				}
			})
		}
	}
}
