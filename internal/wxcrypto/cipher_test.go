package wxcrypto

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// Tencent's sample, as PROTOCOL.md and established SDKs' tests use it.
const (
	interopKey    = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
	interopAppID  = "wxb11529c136998cb6"
	interopPrefix = "aaaabbbbccccdddd"
	interopMsg    = "我是中文abcd123"
	interopCipher = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=="
)

// WeChat's official safe-mode message sample (the WXBizMsgCrypt sample
// shipped by Tencent). It is quoted verbatim, for example, by
// w7corp/easywechat tests/Kernel/Traits/DecryptXmlMessageTest.php.
const (
	officialToken     = "QDG6eK"
	officialKey       = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
	officialAppID     = "wx5823bf96d3bd56c7"
	officialTimestamp = "1409659813"
	officialNonce     = "1372623149"
	officialMsgSig    = "477715d11cdb4164915debcba66cb864d751f3e6"
	officialEncrypt   = "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q=="
)

func mustNew(t testing.TB, key, appID string) *Cipher {
	t.Helper()
	c, err := New(key, appID)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

func TestInteropVector(t *testing.T) {
	t.Parallel()
	c := mustNew(t, interopKey, interopAppID).WithRand(strings.NewReader(interopPrefix))
	got, err := c.Encrypt([]byte(interopMsg))
	if err != nil {
		t.Fatalf("Encrypt: %v", err)
	}
	if got != interopCipher {
		t.Errorf("Encrypt = %s\nwant      %s", got, interopCipher)
	}
	msg, err := c.Decrypt(interopCipher)
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	if string(msg) != interopMsg {
		t.Errorf("Decrypt = %q, want %q", msg, interopMsg)
	}
}

func TestOfficialSafeModeSample(t *testing.T) {
	t.Parallel()
	if !Verify(officialMsgSig, officialToken, officialTimestamp, officialNonce, officialEncrypt) {
		t.Fatalf("msg_signature of the official sample does not verify; computed %s",
			Signature(officialToken, officialTimestamp, officialNonce, officialEncrypt))
	}
	msg, err := mustNew(t, officialKey, officialAppID).Decrypt(officialEncrypt)
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	// What the sample decrypts to, as the published tests assert it.
	for _, want := range []string{
		"<ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>",
		"<FromUserName><![CDATA[mycreate]]></FromUserName>",
		"<CreateTime>1409659813</CreateTime>",
		"<MsgType><![CDATA[text]]></MsgType>",
		"<Content><![CDATA[hello]]></Content>",
		"<MsgId>4561255354251345929</MsgId>",
		"<AgentID>218</AgentID>",
	} {
		if !bytes.Contains(msg, []byte(want)) {
			t.Errorf("decrypted sample lacks %s:\n%s", want, msg)
		}
	}
	if !bytes.HasPrefix(msg, []byte("<xml>")) || !bytes.HasSuffix(msg, []byte("</xml>")) {
		t.Errorf("decrypted sample is not an <xml> document: %q", msg)
	}
	if _, err := mustNew(t, officialKey, "wxsomeoneelse").Decrypt(officialEncrypt); !errors.Is(err, ErrAppID) {
		t.Errorf("Decrypt for another app ID: err = %v, want ErrAppID", err)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	c := mustNew(t, interopKey, interopAppID)
	// Sizes around the 32-byte block, including a message that makes the
	// plaintext exactly aligned (a whole block of padding follows).
	aligned := 64 - headerSize - len(interopAppID)
	for _, n := range []int{0, 1, 11, 12, 13, aligned - 1, aligned, aligned + 1, 1000, 70000} {
		msg := bytes.Repeat([]byte{'x'}, n)
		enc, err := c.Encrypt(msg)
		if err != nil {
			t.Fatalf("Encrypt(%d bytes): %v", n, err)
		}
		raw, _ := base64.StdEncoding.DecodeString(enc)
		if len(raw)%blockSize != 0 {
			t.Errorf("%d bytes: ciphertext of %d bytes is not a multiple of 32", n, len(raw))
		}
		got, err := c.Decrypt(enc)
		if err != nil {
			t.Fatalf("Decrypt(%d bytes): %v", n, err)
		}
		if !bytes.Equal(got, msg) {
			t.Errorf("%d bytes: round trip changed the message", n)
		}
	}
	a, _ := c.Encrypt([]byte("same"))
	b, _ := c.Encrypt([]byte("same"))
	if a == b {
		t.Error("two encryptions of one message are equal: the random prefix is not random")
	}
}

func TestEncryptRandFailure(t *testing.T) {
	t.Parallel()
	c := mustNew(t, interopKey, interopAppID).WithRand(strings.NewReader("short"))
	if _, err := c.Encrypt([]byte("x")); err == nil {
		t.Fatal("Encrypt with an exhausted random source succeeded")
	}
}

func TestDecodeKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key string
		ok  bool
	}{
		{interopKey, true},
		{officialKey, true},
		{"", false},
		{interopKey[:42], false},
		{interopKey + "H", false},
		{strings.Repeat("!", 43), false},
		{interopKey[:42] + "=", false},
	}
	for _, tt := range tests {
		key, err := DecodeKey(tt.key)
		if tt.ok && (err != nil || len(key) != 32) {
			t.Errorf("DecodeKey(%q) = %d bytes, %v", tt.key, len(key), err)
		}
		if !tt.ok {
			if !errors.Is(err, ErrKey) {
				t.Errorf("DecodeKey(%q): err = %v, want ErrKey", tt.key, err)
			} else if tt.key != "" && strings.Contains(err.Error(), tt.key) {
				t.Errorf("error repeats the key: %v", err)
			}
		}
		if _, err := New(tt.key, "wx"); (err == nil) != tt.ok {
			t.Errorf("New(%q): err = %v", tt.key, err)
		}
	}
}

// sealRaw encrypts plain (a multiple of 16 bytes) with no framing at all, so
// tests control every byte Decrypt sees after decryption.
func sealRaw(t testing.TB, key string, plain []byte) string {
	t.Helper()
	k, err := DecodeKey(key)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := aes.NewCipher(k)
	out := make([]byte, len(plain))
	cipher.NewCBCEncrypter(block, k[:16]).CryptBlocks(out, plain)
	return base64.StdEncoding.EncodeToString(out)
}

// frame lays out a plaintext buffer with a given length field and padding.
func frame(lenField uint32, msg, appID string, pad []byte) []byte {
	b := make([]byte, 16, 64)
	b = binary.BigEndian.AppendUint32(b, lenField)
	b = append(b, msg...)
	b = append(b, appID...)
	return append(b, pad...)
}

func padding(n, size int) []byte { return bytes.Repeat([]byte{byte(n)}, size) }

func TestDecryptRefuses(t *testing.T) {
	t.Parallel()
	const app = interopAppID
	good, err := mustNew(t, interopKey, app).Encrypt([]byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	rawGood, _ := base64.StdEncoding.DecodeString(good)
	// In CBC a byte flipped in one ciphertext block flips the same byte of
	// the next block's plaintext: flipping the last byte of the second to
	// last block turns the pad byte 21 into 21^0x55 = 64, which no padding
	// may be, whatever the random prefix. (Garbling the last block itself
	// leaves a random pad byte, which is 1 once in 256 runs.)
	tampered := bytes.Clone(rawGood)
	tampered[len(tampered)-17] ^= 0x55

	// 16+4+5+18 = 43 bytes of content; 21 bytes of padding make 64.
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"not base64", "!!!notbase64", ErrBase64},
		{"empty", "", ErrCiphertextSize},
		{"one byte", base64.StdEncoding.EncodeToString([]byte{1}), ErrCiphertextSize},
		{"not a block multiple", base64.StdEncoding.EncodeToString(make([]byte, 33)), ErrCiphertextSize},
		{"tampered ciphertext", base64.StdEncoding.EncodeToString(tampered), ErrPadding},
		{"pad byte zero", sealRaw(t, interopKey, frame(5, "hello", app, append(padding(21, 20), 0))), ErrPadding},
		{"pad byte above 32", sealRaw(t, interopKey, frame(5, "hello", app, append(padding(0, 20), 33))), ErrPadding},
		{"pad bytes differ", sealRaw(t, interopKey, frame(5, "hello", app, append(padding(21, 20)[:10], append(padding(7, 10), 21)...))), ErrPadding},
		{"pad longer than buffer", sealRaw(t, interopKey, padding(32, 16)), ErrPadding},
		{"length field past the end", sealRaw(t, interopKey, frame(24, "hello", app, padding(21, 21))), ErrLength},
		{"length field overflows int32", sealRaw(t, interopKey, frame(0xFFFFFFFF, "hello", app, padding(21, 21))), ErrLength},
		{"length field 2^31", sealRaw(t, interopKey, frame(0x80000000, "hello", app, padding(21, 21))), ErrLength},
		{"no room for the header", sealRaw(t, interopKey, append(make([]byte, 16), padding(16, 16)...)), ErrLength},
		{"short length field lies", sealRaw(t, interopKey, frame(2, "hello", app, padding(21, 21))), ErrAppID},
		{"other app", sealRaw(t, interopKey, frame(5, "hello", "wxb11529c136998cb7", padding(21, 21))), ErrAppID},
		{"no app", sealRaw(t, interopKey, frame(5, "hello", "", append(make([]byte, 18), padding(21, 21)...))), ErrAppID},
	}
	c := mustNew(t, interopKey, app)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			msg, err := c.Decrypt(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decrypt: msg %q, err = %v, want %v", msg, err, tt.want)
			}
			if msg != nil {
				t.Errorf("Decrypt returned a message with an error: %q", msg)
			}
		})
	}
	// The hand-built frame itself is valid, so the cases above fail for the
	// reason they name and not for a mistake in the test.
	msg, err := c.Decrypt(sealRaw(t, interopKey, frame(5, "hello", app, padding(21, 21))))
	if err != nil || string(msg) != "hello" {
		t.Fatalf("control frame: %q, %v", msg, err)
	}
	msg, appID, err := c.DecryptAny(sealRaw(t, interopKey, frame(5, "hello", "wxother", padding(16, 16))))
	if err != nil || string(msg) != "hello" || appID != "wxother" {
		t.Fatalf("DecryptAny = %q, %q, %v; want hello, wxother, nil", msg, appID, err)
	}
}

// The mini program message-push documentation's safe-mode example (the
// debug_demo event), request and reply, with the values the page states.
const (
	miniToken      = "AAAAA"
	miniKey        = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	miniAppID      = "wxba5fad812f8e6fb9"
	miniTimestamp  = "1714112445"
	miniNonce      = "415670741"
	miniSignature  = "6c5c811b55cc85e0e1b54100749188c20beb3f5d"
	miniMsgSig     = "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3"
	miniEncrypt    = "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZqzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2Pede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBrebufAlr7F9mFUPAJGj04="
	miniPlain      = `{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY","CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}`
	miniReplyTS    = "1713424427"
	miniReplyRand  = "707722b803182950"
	miniReplyPlain = `{"demo_resp":"good luck"}`
	miniReplyEnc   = "ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ=="
	miniReplySig   = "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1"
)

func TestMiniProgramDocExample(t *testing.T) {
	t.Parallel()
	if got := Signature(miniToken, miniTimestamp, miniNonce); got != miniSignature {
		t.Errorf("signature = %s, want %s", got, miniSignature)
	}
	if !Verify(miniMsgSig, miniToken, miniTimestamp, miniNonce, miniEncrypt) {
		t.Error("msg_signature of the request does not verify")
	}
	c := mustNew(t, miniKey, miniAppID)
	msg, err := c.Decrypt(miniEncrypt)
	if err != nil || string(msg) != miniPlain {
		t.Fatalf("Decrypt = %q, %v", msg, err)
	}
	enc, err := c.WithRand(strings.NewReader(miniReplyRand)).Encrypt([]byte(miniReplyPlain))
	if err != nil || enc != miniReplyEnc {
		t.Fatalf("reply Encrypt = %q, %v; want %q", enc, err, miniReplyEnc)
	}
	if got := Signature(miniToken, miniReplyTS, miniNonce, miniReplyEnc); got != miniReplySig {
		t.Errorf("reply MsgSignature = %s, want %s", got, miniReplySig)
	}
}
