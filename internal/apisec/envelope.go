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

// securityMembers are the three members of every plaintext, kept raw so
// that presence (even as null) and type can both be checked.
type securityMembers struct {
	Nonce     json.RawMessage `json:"_n"`
	AppID     json.RawMessage `json:"_appid"`
	Timestamp json.RawMessage `json:"_timestamp"`
}

func (m securityMembers) any() bool { return m.Nonce != nil || m.AppID != nil || m.Timestamp != nil }

// jsonSpace is JSON's whitespace.
const jsonSpace = " \t\r\n"

// objectMembers checks that body is a single JSON object (or nothing, which
// stands for {}) and returns its security members and the text between its
// braces, unchanged.
func objectMembers(body []byte) (inner []byte, sec securityMembers, err error) {
	b := bytes.Trim(body, jsonSpace)
	if len(b) == 0 {
		return nil, sec, nil
	}
	// Unmarshal validates the whole input before decoding; as b starts
	// with '{' and is valid, it is one object and ends with '}'.
	if b[0] != '{' || json.Unmarshal(b, &sec) != nil {
		return nil, sec, errors.New("not a single JSON object")
	}
	return bytes.Trim(b[1:len(b)-1], jsonSpace), sec, nil
}

// jsonString decodes raw as a JSON string.
func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
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
// members first, then the original members (the text between the body's
// braces, unchanged).
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

// randomParts returns a random 12-byte IV and a random nonce.
func randomParts(r io.Reader) ([]byte, string, error) {
	iv := make([]byte, ivSize)
	if _, err := io.ReadFull(r, iv); err != nil {
		return nil, "", fmt.Errorf("apisec: reading randomness: %w", err)
	}
	nonce, err := newNonce(r)
	if err != nil {
		return nil, "", err
	}
	return iv, nonce, nil
}
