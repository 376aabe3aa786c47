package apisec

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// Fuzz modes: how the fuzzer's bytes reach the code under test.
const (
	modeRaw    = iota // body and headers as given, with the guide's keys
	modeSigned        // body as given, validly signed: reaches envelope parsing
	modeSealed        // body is the plaintext, validly sealed and signed: reaches payload checks
	modeCount
)

// openErrors are the errors OpenReply and OpenRequest may return.
var openErrors = []error{ErrNotSealed, ErrAppID, ErrUnknownSerial, ErrBadSignature, ErrTimestamp, ErrStale, ErrDecrypt, ErrPayload}

func documented(err error) bool {
	for _, e := range openErrors {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// checkOpened asserts what any opener promises: an error from the
// documented list and no payload, or a JSON object whose security members
// are present and well typed.
func checkOpened(t *testing.T, plain []byte, err error) {
	t.Helper()
	if err != nil {
		if !documented(err) {
			t.Fatalf("undocumented error %v", err)
		}
		if plain != nil {
			t.Fatalf("payload returned with error %v", err)
		}
		return
	}
	var sec securityMembers
	if !json.Valid(plain) || json.Unmarshal(plain, &sec) != nil {
		t.Fatalf("accepted payload %q is not a JSON object", plain)
	}
	_, idOK := jsonString(sec.AppID)
	n, nOK := jsonString(sec.Nonce)
	if _, err := parseSeconds(string(sec.Timestamp)); !idOK || !nOK || n == "" || err != nil {
		t.Fatalf("accepted payload %q lacks well-formed security members", plain)
	}
}

// unix returns the time ts names, or t0 when it names none.
func unix(ts string) time.Time {
	if v, err := parseSeconds(ts); err == nil {
		return time.Unix(v, 0)
	}
	return t0
}

// The seeds, also committed under testdata/fuzz with these names.
type openSeed struct {
	name string
	mode uint8
	body string
	ts   string
	id   string // the serial for replies, the app ID for requests
	sig  string
}

type sealSeed struct{ name, body string }

var (
	guideRespTSText = strconv.Itoa(guideRespTS)
	guideReqTSText  = strconv.Itoa(guideReqTS)

	replySeeds = []openSeed{
		{"guide-reply", modeRaw, guideRespBody, guideRespTSText, guidePlatformSN, guideRespSig},
		{"guide-reply-retiring-serial", modeRaw, guideRespBody, guideRespTSText, guideRetiringSN, guideRespSig},
		{"guide-reply-other-timestamp", modeRaw, guideRespBody, "1635927957", guidePlatformSN, guideRespSig},
		{"plain-refusal", modeRaw, `{"errcode":40234,"errmsg":"invalid signature"}`, "", "", ""},
		{"signed-guide-reply", modeSigned, guideRespBody, guideRespTSText, "", ""},
		{"signed-empty-members", modeSigned, `{"iv":"","data":"","authtag":""}`, guideRespTSText, "", ""},
		{"signed-empty-data", modeSigned, `{"iv":"AAAAAAAAAAAAAAAA","data":"","authtag":"AAAAAAAAAAAAAAAAAAAAAA=="}`, guideRespTSText, "", ""},
		{"signed-wrong-types", modeSigned, `{"iv":1,"data":null,"authtag":[]}`, guideRespTSText, "", ""},
		{"sealed-guide-plaintext", modeSealed, guideRespPlain, guideRespTSText, "", ""},
		{"sealed-nested", modeSealed, `{"_n":"x","_appid":"` + testAppID + `","_timestamp":` + guideRespTSText + `,"a":[1,{"b":"\u00e9"}]}`, guideRespTSText, "", ""},
		{"sealed-repeated-nonce", modeSealed, `{"_n":"x","_n":"y"}`, guideRespTSText, "", ""},
		{"sealed-float-timestamp", modeSealed, `{"_appid":"` + testAppID + `","_timestamp":1.635927956e9,"_n":"x"}`, guideRespTSText, "", ""},
		{"sealed-trailing-data", modeSealed, `{} trailing`, guideRespTSText, "", ""},
	}

	requestSeeds = []openSeed{
		{"guide-request", modeRaw, guideReqBody, guideReqTSText, guideAppID, guideReqSig},
		{"guide-request-no-appid", modeRaw, guideReqBody, guideReqTSText, "", guideReqSig},
		{"unsigned-call", modeRaw, guideReqOriginal, "", "", ""},
		{"signed-guide-request", modeSigned, guideReqBody, guideReqTSText, "", ""},
		{"signed-short-data", modeSigned, `{"iv":"fmW/zNxXlytUZBgj","data":"AA==","authtag":"5qeM/2vZv+6KtScN94IpMg=="}`, guideReqTSText, "", ""},
		{"sealed-guide-plaintext", modeSealed, guideReqPlain, guideReqTSText, "", ""},
		{"sealed-empty-nonce", modeSealed, `{"_n":"","_appid":"` + testAppID + `","_timestamp":` + guideReqTSText + `}`, guideReqTSText, "", ""},
		{"sealed-not-json", modeSealed, `not json`, guideReqTSText, "", ""},
	}

	sealSeeds = []sealSeed{
		{"guide-original", guideReqOriginal}, {"empty", ""}, {"empty-object", "{}"},
		{"nested-reserved-name", `{"a":{"_n":1}}`}, {"reserved-name", `{"_n":1}`}, {"array", `[]`},
		{"duplicate-member", `{"a":1,"a":2}`}, {"huge-number", `{"n":1e400}`},
		{"invalid-utf8", "{\"\xff\":\"\xfe\"}"}, {"html-and-separators", `{"<&>":"\u2028"}`},
	}
)

// FuzzOpenReply: OpenReply never panics and refuses everything that is not
// a genuine reply with one of its documented errors.
func FuzzOpenReply(f *testing.F) {
	for _, sd := range replySeeds {
		f.Add(sd.mode, []byte(sd.body), sd.ts, sd.id, sd.sig)
	}
	guide := guideKeys(f)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, mode uint8, body []byte, ts, serial, sig string) {
		hdr := http.Header{}
		hdr.Set(HeaderTimestamp, ts)
		now := unix(ts)
		switch mode % modeCount {
		case modeRaw:
			hdr.Set(HeaderAppID, guideAppID)
			hdr.Set(HeaderSerial, serial)
			hdr.Set(HeaderSignature, sig)
			plain, err := guide.OpenReply(guideURLPath, hdr, body, now, now)
			checkOpened(t, plain, err)
			return
		case modeSealed:
			body = sealEnvelope(fx.keys.aead, make([]byte, ivSize), body, additionalData(testURLPath, testAppID, ts, fx.tk.SymmetricSN))
		}
		sigText, err := sign(fx.platformKey(), digest(testURLPath, testAppID, ts, body))
		if err != nil {
			t.Fatal(err)
		}
		hdr.Set(HeaderAppID, testAppID)
		hdr.Set(HeaderSerial, fx.tk.PlatformSN)
		hdr.Set(HeaderSignature, sigText)
		plain, err := fx.keys.OpenReply(testURLPath, hdr, body, now, now)
		checkOpened(t, plain, err)
	})
}

// FuzzOpenRequest: the platform side never panics either, and refuses
// with a *RequestError carrying a documented reason.
func FuzzOpenRequest(f *testing.F) {
	for _, sd := range requestSeeds {
		f.Add(sd.mode, []byte(sd.body), sd.ts, sd.id, sd.sig)
	}
	guidePlatform, err := NewPlatform(PlatformConfig{
		AppID: guideAppID, SymmetricKey: guideSymKey, SymmetricSN: guideSymSN,
		AppPublicKeyPEM: retiringPubPEM(f), PlatformKeyPEM: []byte(guideAppKeyPEM), PlatformSN: guidePlatformSN,
	})
	if err != nil {
		f.Fatal(err)
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, mode uint8, body []byte, ts, appID, sig string) {
		hdr := http.Header{}
		hdr.Set(HeaderTimestamp, ts)
		now := unix(ts)
		p, urlpath := fx.platform, testURLPath
		switch mode % modeCount {
		case modeRaw:
			p, urlpath = guidePlatform, guideURLPath
			hdr.Set(HeaderAppID, appID)
			hdr.Set(HeaderSignature, sig)
		case modeSealed:
			body = sealEnvelope(fx.keys.aead, make([]byte, ivSize), body, additionalData(testURLPath, testAppID, ts, fx.tk.SymmetricSN))
			fallthrough
		default:
			hdr.Set(HeaderAppID, testAppID)
			s, err := sign(fx.keys.priv, digest(testURLPath, testAppID, ts, body))
			if err != nil {
				t.Fatal(err)
			}
			hdr.Set(HeaderSignature, s)
		}
		plain, err := p.OpenRequest(urlpath, hdr, body, now)
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) || re.Code == 0 || re.Msg == "" {
				t.Fatalf("OpenRequest error %v is not a *RequestError with a code", err)
			}
		}
		checkOpened(t, plain, err)
	})
}

// FuzzSealRequest: whatever body SealRequest accepts, the platform opens to
// the same JSON; whatever it refuses, it refuses with ErrBody.
func FuzzSealRequest(f *testing.F) {
	for _, sd := range sealSeeds {
		f.Add([]byte(sd.body))
	}
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, body []byte) {
		sealed, hdr, err := fx.keys.SealRequest(testURLPath, body, t0)
		if err != nil {
			if !errors.Is(err, ErrBody) || sealed != nil {
				t.Fatalf("SealRequest(%q) = %v", body, err)
			}
			return
		}
		plain, err := fx.platform.OpenRequest(testURLPath, hdr, sealed, t0)
		if err != nil {
			t.Fatalf("OpenRequest after SealRequest(%q): %v", body, err)
		}
		want := body
		if len(bytes.Trim(body, jsonSpace)) == 0 {
			want = []byte("{}")
		}
		// The plaintext is '{', the three security members, then the body's.
		got := decodeAll(t, plain)
		if len(got) < 7 || !reflect.DeepEqual(append(got[:1:1], got[7:]...), decodeAll(t, want)) {
			t.Fatalf("round trip of %q gave %q", body, plain)
		}
	})
}

// decodeAll decodes a JSON object as ordered member pairs, numbers kept as
// written, so duplicates and order count.
func decodeAll(t *testing.T, b []byte) []any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out []any
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		out = append(out, tok)
	}
}
