package apisec

import (
	"bytes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

const (
	ivSize  = 12 // GCM's standard nonce size, as the guide fixes it
	tagSize = 16 // GCM's full tag
)

// Names of the security members of a plaintext.
const (
	memberNonce     = "_n"
	memberAppID     = "_appid"
	memberTimestamp = "_timestamp"
)

// additionalData is the GCM additional data urlpath|appid|timestamp|sn.
func additionalData(urlpath, appID, ts, sn string) []byte {
	return []byte(urlpath + "|" + appID + "|" + ts + "|" + sn)
}

// sealEnvelope encrypts plaintext exactly as given and returns the sealed
// body {"iv":..,"data":..,"authtag":..} in that member order, without
// spaces, as WeChat's guide writes it.
func sealEnvelope(aead cipher.AEAD, iv, plaintext, ad []byte) []byte {
	out := aead.Seal(nil, iv, plaintext, ad)
	data, tag := out[:len(out)-tagSize], out[len(out)-tagSize:]
	enc := base64.StdEncoding
	var b bytes.Buffer
	b.Grow(40 + enc.EncodedLen(len(iv)) + enc.EncodedLen(len(data)) + enc.EncodedLen(tagSize))
	b.WriteString(`{"iv":"`)
	b.WriteString(enc.EncodeToString(iv))
	b.WriteString(`","data":"`)
	b.WriteString(enc.EncodeToString(data))
	b.WriteString(`","authtag":"`)
	b.WriteString(enc.EncodeToString(tag))
	b.WriteString(`"}`)
	return b.Bytes()
}

// envelope is the sealed body.
type envelope struct {
	IV      *string `json:"iv"`
	Data    *string `json:"data"`
	AuthTag *string `json:"authtag"`
}

// parseEnvelope reports whether body is in the sealed form: a JSON object
// whose "iv", "data" and "authtag" members are all strings.
func parseEnvelope(body []byte) (envelope, bool) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return env, false
	}
	return env, env.IV != nil && env.Data != nil && env.AuthTag != nil
}

// openEnvelope decrypts a sealed body whose form parseEnvelope accepted.
func openEnvelope(aead cipher.AEAD, env envelope, ad []byte) ([]byte, error) {
	enc := base64.StdEncoding
	iv, err := enc.DecodeString(*env.IV)
	if err != nil {
		return nil, fmt.Errorf("%w: iv is not standard base64", ErrDecrypt)
	}
	if len(iv) != ivSize {
		return nil, fmt.Errorf("%w: iv is %d bytes, want %d", ErrDecrypt, len(iv), ivSize)
	}
	tag, err := enc.DecodeString(*env.AuthTag)
	if err != nil {
		return nil, fmt.Errorf("%w: authtag is not standard base64", ErrDecrypt)
	}
	if len(tag) != tagSize {
		return nil, fmt.Errorf("%w: authtag is %d bytes, want %d", ErrDecrypt, len(tag), tagSize)
	}
	data, err := enc.DecodeString(*env.Data)
	if err != nil {
		return nil, fmt.Errorf("%w: data is not standard base64", ErrDecrypt)
	}
	plain, err := aead.Open(nil, iv, append(data, tag...), ad)
	if err != nil {
		return nil, fmt.Errorf("%w: authentication failed (wrong key or additional data, or altered ciphertext)", ErrDecrypt)
	}
	return plain, nil
}

// security holds the security members found in a plaintext.
type security struct {
	nonce, appID       string
	ts                 int64
	hasNonce, hasAppID bool
	hasTS              bool
}

// any reports whether any security member was present.
func (s security) any() bool { return s.hasNonce || s.hasAppID || s.hasTS }

// errMember is the reason splitObject refuses a member; callers wrap it in
// the sentinel that fits their side.
var errMember = errors.New("malformed member")

// splitObject walks the JSON object obj once. It takes the security members
// out (each must appear at most once and have the right type) and returns
// the other members in their original order, comma-separated, without the
// surrounding braces. Member names are re-encoded; values are kept as
// written.
func splitObject(obj []byte) (members []byte, sec security, err error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, sec, fmt.Errorf("%w: not a JSON object", errMember)
	}
	var out bytes.Buffer
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, sec, fmt.Errorf("%w: not a JSON object", errMember)
		}
		name, _ := tok.(string) // object keys are always strings
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, sec, fmt.Errorf("%w: not a JSON object", errMember)
		}
		switch name {
		case memberNonce:
			err = takeString(raw, &sec.nonce, &sec.hasNonce)
		case memberAppID:
			err = takeString(raw, &sec.appID, &sec.hasAppID)
		case memberTimestamp:
			err = takeTimestamp(raw, &sec.ts, &sec.hasTS)
		default:
			if out.Len() > 0 {
				out.WriteByte(',')
			}
			key, _ := json.Marshal(name) // a string always marshals
			out.Write(key)
			out.WriteByte(':')
			out.Write(raw)
		}
		if err != nil {
			return nil, sec, fmt.Errorf("%w %q: %v", errMember, name, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, sec, fmt.Errorf("%w: not a JSON object", errMember)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, sec, fmt.Errorf("%w: data after the JSON object", errMember)
	}
	return out.Bytes(), sec, nil
}

var errRepeated = errors.New("appears more than once")

func takeString(raw json.RawMessage, dst *string, seen *bool) error {
	if *seen {
		return errRepeated
	}
	*seen = true
	if len(raw) == 0 || raw[0] != '"' {
		return errors.New("is not a string")
	}
	return json.Unmarshal(raw, dst)
}

func takeTimestamp(raw json.RawMessage, dst *int64, seen *bool) error {
	if *seen {
		return errRepeated
	}
	*seen = true
	v, err := parseSeconds(string(raw))
	if err != nil {
		return errors.New("is not a positive whole number of seconds")
	}
	*dst = v
	return nil
}

// parseSeconds accepts a positive decimal integer written without sign,
// leading zeros or exponent, so that the number and its text agree.
func parseSeconds(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 || strconv.FormatInt(v, 10) != s {
		return 0, strconv.ErrSyntax
	}
	return v, nil
}

// plaintext builds the plaintext WeChat's guide shows: the three security
// members first, then the original members.
func plaintext(nonce, appID, ts string, members []byte) []byte {
	var b bytes.Buffer
	b.Grow(48 + len(nonce) + len(appID) + len(ts) + len(members))
	b.WriteString(`{"_n":`)
	n, _ := json.Marshal(nonce)
	b.Write(n)
	b.WriteString(`,"_appid":`)
	a, _ := json.Marshal(appID)
	b.Write(a)
	b.WriteString(`,"_timestamp":`)
	b.WriteString(ts)
	if len(members) > 0 {
		b.WriteByte(',')
		b.Write(members)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// nonceAlphabet is base64's: the guide recommends a random base64 string.
const nonceAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// newNonce returns a random string of 16 to 32 base64 characters (the
// guide recommends 16–32 bytes of varying length).
func newNonce(r io.Reader) (string, error) {
	var buf [33]byte
	if _, err := io.ReadFull(r, buf[:]); err != nil {
		return "", fmt.Errorf("apisec: reading randomness: %w", err)
	}
	n := 16 + int(buf[0])%17
	out := make([]byte, n)
	for i := range out {
		out[i] = nonceAlphabet[buf[1+i]&63]
	}
	return string(out), nil
}

// newIV returns a random 12-byte IV.
func newIV(r io.Reader) ([]byte, error) {
	iv := make([]byte, ivSize)
	if _, err := io.ReadFull(r, iv); err != nil {
		return nil, fmt.Errorf("apisec: reading randomness: %w", err)
	}
	return iv, nil
}
