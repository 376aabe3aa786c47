package wxcrypto

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"
)

// FuzzDecrypt feeds Decrypt arbitrary input two ways: as the base64 text a
// request would carry (raw), and as the exact buffer Decrypt sees after
// decryption (so the fuzzer steers padding, length field and app ID
// directly). Decrypt must never panic, must fail with one of its documented
// errors, and whatever it accepts must survive a round trip.
func FuzzDecrypt(f *testing.F) {
	f.Add(true, []byte(interopCipher))
	f.Add(true, []byte(""))
	f.Add(true, []byte("AAAA"))
	f.Add(false, frame(5, "hello", interopAppID, padding(21, 21)))
	f.Add(false, frame(0xFFFFFFFF, "hello", interopAppID, padding(21, 21)))
	f.Add(false, frame(24, "hello", interopAppID, padding(21, 21)))
	f.Add(false, padding(32, 32))
	f.Add(false, append(make([]byte, 31), 0))

	c, err := New(interopKey, interopAppID)
	if err != nil {
		f.Fatal(err)
	}
	known := []error{ErrBase64, ErrCiphertextSize, ErrPadding, ErrLength, ErrAppID}
	f.Fuzz(func(t *testing.T, raw bool, data []byte) {
		in := string(data)
		if !raw {
			if len(data) == 0 || len(data)%16 != 0 {
				// Not a whole number of blocks: send it as is instead.
				in = base64.StdEncoding.EncodeToString(data)
			} else {
				in = sealRaw(t, interopKey, data)
			}
		}
		msg, err := c.Decrypt(in)
		if err != nil {
			ok := false
			for _, k := range known {
				ok = ok || errors.Is(err, k)
			}
			if !ok {
				t.Fatalf("Decrypt: undocumented error %v", err)
			}
			if msg != nil {
				t.Fatalf("Decrypt returned a message with error %v", err)
			}
			return
		}
		enc, err := c.Encrypt(msg)
		if err != nil {
			t.Fatalf("Encrypt: %v", err)
		}
		again, err := c.Decrypt(enc)
		if err != nil || !bytes.Equal(again, msg) {
			t.Fatalf("round trip: %q, %v; want %q", again, err, msg)
		}
	})
}
