package bench

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waybill-go/waybill/auth"
	"github.com/waybill-go/waybill/internal/apisec"
	"github.com/waybill-go/waybill/logistics"
)

const (
	intracityCancelPath  = "/cgi-bin/express/intracity/cancelorder"
	intracityCancelReply = `{"errcode":0,"errmsg":"ok","wx_store_id":"4000000000000042001","wx_order_id":"2000000000000042007","store_order_id":"","order_status":20000,"appid":"wxbench000000001","deductfee":200}`
	benchSecAppID        = "wxbench000000001"
)

var intracityReq = logistics.IntracityCancelRequest{WxOrderID: "2000000000000042007", CancelReasonID: logistics.IntracityReasonNotNeeded}

// benchKeys is one API security key set for every benchmark of the run.
var benchKeys struct {
	once sync.Once
	tk   apisec.TestKeys
	err  error
}

func secKeys(tb testing.TB) apisec.TestKeys {
	tb.Helper()
	benchKeys.once.Do(func() { benchKeys.tk, benchKeys.err = apisec.GenerateTestKeys(benchSecAppID) })
	if benchKeys.err != nil {
		tb.Fatal(benchKeys.err)
	}
	return benchKeys.tk
}

// sealedServer answers every request with one reply sealed and signed in
// advance (sealed again once it is a minute old, so that it stays inside
// the client's five-minute window), doing no cryptography per request: the
// client's side is what is measured. In strict mode (preflight) it opens
// the request in full first, as WeChat would.
type sealedServer struct {
	*httptest.Server
	platform *apisec.Platform
	strict   atomic.Bool
	reply    atomic.Pointer[sealedReply]
}

type sealedReply struct {
	hdr  http.Header
	body []byte
	at   time.Time
}

func newSealedServer(tb testing.TB) *sealedServer {
	tk := secKeys(tb)
	p, err := apisec.NewPlatform(tk.PlatformConfig())
	if err != nil {
		tb.Fatal(err)
	}
	s := &sealedServer{platform: p}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		urlpath := apisec.RequestURLPath(r)
		if s.strict.Load() {
			body, err := io.ReadAll(r.Body)
			if err == nil {
				_, err = p.OpenRequest(urlpath, r.Header, body, time.Now())
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		} else {
			_, _ = io.Copy(io.Discard, r.Body)
		}
		reply := s.reply.Load()
		if reply == nil || time.Since(reply.at) > time.Minute {
			now := time.Now()
			body, hdr, err := p.SealReply(urlpath, []byte(intracityCancelReply), now)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			hdr.Set("Content-Type", "application/json")
			reply = &sealedReply{hdr: hdr, body: body, at: now}
			s.reply.Store(reply)
		}
		for k, v := range reply.hdr {
			w.Header()[k] = v
		}
		_, _ = w.Write(reply.body)
	}))
	tb.Cleanup(s.Close)
	return s
}

func (s *sealedServer) preflight(b testing.TB, call func() error) {
	b.Helper()
	s.strict.Store(true)
	defer s.strict.Store(false)
	if err := call(); err != nil {
		b.Fatalf("preflight: %v", err)
	}
}

// BenchmarkAPISecurity compares one 同城配送 cancel sealed with WeChat API
// security (impl=sealed: the request encrypted and signed, the pre-sealed
// reply verified and decrypted) with the same pipeline's 物流助手 cancel
// unsigned (impl=plain), each against a loopback server answering a fixed
// reply.
func BenchmarkAPISecurity(b *testing.B) {
	plainSrv := newWeChatServer(b)
	plain, err := logistics.NewClient(auth.StaticToken(benchToken), logistics.WithBaseURL(plainSrv.URL), logistics.WithHTTPClient(newHTTPClient()))
	if err != nil {
		b.Fatal(err)
	}
	sealedSrv := newSealedServer(b)
	tk := secKeys(b)
	sealed, err := logistics.NewClient(auth.StaticToken(benchToken), logistics.WithBaseURL(sealedSrv.URL), logistics.WithHTTPClient(newHTTPClient()),
		logistics.WithAPISecurity(logistics.APISecurity{AppID: tk.AppID, SymmetricKey: tk.SymmetricKey, SymmetricSN: tk.SymmetricSN,
			PrivateKeyPEM: tk.AppPrivateKeyPEM, PlatformCertPEM: tk.PlatformCertPEM, PlatformSN: tk.PlatformSN}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("impl=plain", func(b *testing.B) {
		call := func() error {
			req := wechatReq
			_, err := plain.CancelOrder(ctx, &req)
			return err
		}
		plainSrv.preflight(b, call)
		b.ReportAllocs()
		for b.Loop() {
			if err := call(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sealed", func(b *testing.B) {
		call := func() error {
			req := intracityReq
			resp, err := sealed.Intracity().CancelOrder(ctx, &req)
			if err == nil && resp.DeductFee != 200 {
				b.Fatalf("decoded %+v", resp)
			}
			return err
		}
		sealedSrv.preflight(b, call)
		b.ReportAllocs()
		for b.Loop() {
			if err := call(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// cannedTransport answers every request in memory with a fixed reply, made
// by reply (sealed again once a minute for a sealed one): without a
// network or a server, the client's own cost is all that is measured.
type cannedTransport struct {
	reply func() *sealedReply
}

func (t cannedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	rep := t.reply()
	return &http.Response{StatusCode: http.StatusOK, Header: rep.hdr.Clone(), Body: io.NopCloser(bytes.NewReader(rep.body)),
		ContentLength: int64(len(rep.body)), Request: r}, nil
}

// BenchmarkAPISecurityInMemory is BenchmarkAPISecurity without the network:
// both clients get their fixed reply from an in-memory transport, so that
// the difference between them is the client's work alone, which the RSA
// operations (BenchmarkAPISecurityRSA) dominate.
func BenchmarkAPISecurityInMemory(b *testing.B) {
	tk := secKeys(b)
	p, err := apisec.NewPlatform(tk.PlatformConfig())
	if err != nil {
		b.Fatal(err)
	}
	plainReply := &sealedReply{hdr: http.Header{"Content-Type": {"application/json"}}, body: []byte(wechatCancelReply)}
	var sealedReplies atomic.Pointer[sealedReply]
	sealedNow := func() *sealedReply {
		if r := sealedReplies.Load(); r != nil && time.Since(r.at) < time.Minute {
			return r
		}
		now := time.Now()
		body, hdr, err := p.SealReply(logistics.DefaultBaseURL+intracityCancelPath, []byte(intracityCancelReply), now)
		if err != nil {
			b.Fatal(err)
		}
		hdr.Set("Content-Type", "application/json")
		r := &sealedReply{hdr: hdr, body: body, at: now}
		sealedReplies.Store(r)
		return r
	}
	plain, err := logistics.NewClient(auth.StaticToken(benchToken),
		logistics.WithHTTPClient(&http.Client{Transport: cannedTransport{func() *sealedReply { return plainReply }}}))
	if err != nil {
		b.Fatal(err)
	}
	sealed, err := logistics.NewClient(auth.StaticToken(benchToken), logistics.WithHTTPClient(&http.Client{Transport: cannedTransport{sealedNow}}),
		logistics.WithAPISecurity(logistics.APISecurity{AppID: tk.AppID, SymmetricKey: tk.SymmetricKey, SymmetricSN: tk.SymmetricSN,
			PrivateKeyPEM: tk.AppPrivateKeyPEM, PlatformCertPEM: tk.PlatformCertPEM, PlatformSN: tk.PlatformSN}))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("impl=plain", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := wechatReq
			if _, err := plain.CancelOrder(ctx, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=sealed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			req := intracityReq
			if _, err := sealed.Intracity().CancelOrder(ctx, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkAPISecurityRSA is the RSA part of a sealed call: one RSA-2048
// PSS signature (the request) and one verification (the reply), with the
// same keys and the salt lengths the SDK uses.
func BenchmarkAPISecurityRSA(b *testing.B) {
	tk := secKeys(b)
	block, _ := pem.Decode(tk.AppPrivateKeyPEM)
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		b.Fatal(err)
	}
	key := parsed.(*rsa.PrivateKey)
	d := sha256.Sum256([]byte(intracityCancelReply))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: 32})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("op=sign", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, d[:], &rsa.PSSOptions{SaltLength: 32}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=verify", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := rsa.VerifyPSS(&key.PublicKey, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
