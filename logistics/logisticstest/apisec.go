package logisticstest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/waybill-go/waybill/internal/apisec"
	"github.com/waybill-go/waybill/logistics"
)

// APISecurityKeys is a matching set of WeChat API security keys for tests:
// what the console gives an app (APISecurity) together with the platform's
// private key, which in reality only WeChat holds. A Server plays WeChat
// with it (WithAPISecurityKeys). Generating one takes a noticeable
// fraction of a second (two RSA-2048 keys): make one per test binary and
// share it. Like the SDK's own types, it never prints or logs a key.
type APISecurityKeys struct {
	keys apisec.TestKeys
}

// NewAPISecurityKeys generates a fresh key set for appID.
func NewAPISecurityKeys(appID string) (*APISecurityKeys, error) {
	tk, err := apisec.GenerateTestKeys(appID)
	if err != nil {
		return nil, fmt.Errorf("logisticstest: NewAPISecurityKeys: %w", err)
	}
	return &APISecurityKeys{keys: tk}, nil
}

// AppID returns the app the keys belong to.
func (k *APISecurityKeys) AppID() string { return k.keys.AppID }

// APISecurity is the client side's configuration for these keys, for
// logistics.WithAPISecurity.
func (k *APISecurityKeys) APISecurity() logistics.APISecurity {
	return logistics.APISecurity{
		AppID:           k.keys.AppID,
		SymmetricKey:    k.keys.SymmetricKey,
		SymmetricSN:     k.keys.SymmetricSN,
		PrivateKeyPEM:   k.keys.AppPrivateKeyPEM,
		PlatformCertPEM: k.keys.PlatformCertPEM,
		PlatformSN:      k.keys.PlatformSN,
	}
}

// String shows the identifiers only. The printing methods have value
// receivers so that a dereferenced APISecurityKeys is covered too.
func (k APISecurityKeys) String() string {
	return "logisticstest.APISecurityKeys" + strings.TrimPrefix(k.keys.String(), "apisec.TestKeys")
}

// Format prints String for every verb.
func (k APISecurityKeys) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, k.String()) }

// LogValue logs the identifiers only.
func (k APISecurityKeys) LogValue() slog.Value { return k.keys.LogValue() }

// MarshalJSON encodes the identifiers only.
func (k APISecurityKeys) MarshalJSON() ([]byte, error) { return k.keys.MarshalJSON() }

// defaultKeys is the key set of DefaultAppID that every Server of the
// process shares unless WithAPISecurityKeys gives it another, generated on
// first use.
var defaultKeys struct {
	once sync.Once
	keys *APISecurityKeys
}

func defaultAPISecurityKeys() *APISecurityKeys {
	defaultKeys.once.Do(func() {
		k, err := NewAPISecurityKeys(DefaultAppID)
		if err != nil {
			// Only a failing crypto/rand gets here.
			panic(err)
		}
		defaultKeys.keys = k
	})
	return defaultKeys.keys
}

// WithAPISecurityKeys makes the server play WeChat's API security with k
// instead of the key set it shares with every other Server for
// DefaultAppID. The server then accepts sealed requests of k.AppID() only.
func WithAPISecurityKeys(k *APISecurityKeys) Option {
	return func(s *Server) { s.sec.keys = k }
}

// securityState is the server's half of API security, set up on first use.
type securityState struct {
	once     sync.Once
	keys     *APISecurityKeys // nil until first use, unless WithAPISecurityKeys
	platform *apisec.Platform
	err      error
}

// platform returns the server's apisec.Platform, making it on first use.
func (s *Server) platform() (*apisec.Platform, error) {
	s.sec.once.Do(func() {
		if s.sec.keys == nil {
			s.sec.keys = defaultAPISecurityKeys()
		}
		s.sec.platform, s.sec.err = apisec.NewPlatform(s.sec.keys.keys.PlatformConfig())
	})
	return s.sec.platform, s.sec.err
}

// APISecurity returns the client configuration that matches the keys this
// server plays WeChat's API security with, for logistics.WithAPISecurity:
//
//	client, err := srv.Client(logistics.WithAPISecurity(srv.APISecurity()))
func (s *Server) APISecurity() logistics.APISecurity {
	if _, err := s.platform(); err != nil {
		return logistics.APISecurity{} // NewClient then names what is missing
	}
	return s.sec.keys.APISecurity()
}

// Decrypt returns the plaintext of a sealed request from the request log
// (see Requests): the API's JSON members together with "_n", "_appid" and
// "_timestamp". It verifies the request as the server did when it arrived
// and refuses one that does not check out.
func (s *Server) Decrypt(r Request) ([]byte, error) {
	p, err := s.platform()
	if err != nil {
		return nil, err
	}
	return p.OpenRequest(s.URL+r.Path, r.Header, r.Body, r.Time)
}

// sealedRoute serves an endpoint that requires API security: it checks the
// method and the access token, opens the sealed request (refusing it in
// plain JSON with WeChat's errcode, e.g. 934011 unsigned, 40234 a bad
// signature), decodes the plaintext into a new Req and runs h with s.mu
// held, then answers h's reply (or wxErr) sealed and signed.
func sealedRoute[Req any](s *Server, h func(*Req) any) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			s.errReply(w, 43002, "require POST method")
			return
		}
		if !s.checkToken(w, r) {
			return
		}
		p, err := s.platform()
		if err != nil {
			s.errReply(w, -1, "system error")
			return
		}
		body, _ := io.ReadAll(r.Body)
		urlpath := apisec.RequestURLPath(r)
		plain, err := p.OpenRequest(urlpath, r.Header, body, s.now())
		var refused *apisec.RequestError
		if errors.As(err, &refused) {
			s.errReply(w, refused.Code, refused.Msg)
			return
		}
		var reply any
		req := new(Req)
		if err := json.Unmarshal(plain, req); err != nil {
			reply = map[string]any{"errcode": 47001, "errmsg": s.withRID("data format error")}
		} else {
			s.mu.Lock()
			reply = h(req)
			s.mu.Unlock()
		}
		if e, ok := reply.(wxErr); ok {
			reply = map[string]any{"errcode": e.code, "errmsg": s.withRID(e.msg)}
		}
		raw, _ := json.Marshal(reply) // the handlers' replies always marshal
		sealed, hdr, err := p.SealReply(urlpath, raw, s.now())
		if err != nil {
			s.errReply(w, -1, "system error")
			return
		}
		for k, v := range hdr {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(sealed)
	}
}
