package wxmsg

import (
	"encoding/json"
	"strings"
)

// RequestEnvelope is the body of a safe-mode push: the addressee in clear and
// the sealed message. (In compatible mode the plaintext fields travel beside
// Encrypt instead.)
type RequestEnvelope struct {
	ToUserName string
	Encrypt    string
}

// Encode writes e in format f (XML unless f is JSON).
func (e RequestEnvelope) Encode(f Format) []byte {
	return Message{Text("ToUserName", e.ToUserName), Text("Encrypt", e.Encrypt)}.Encode(f)
}

// ReplyEnvelope is a safe-mode answer: the sealed reply and what
// authenticates it, MsgSignature being the signature over the token,
// TimeStamp, Nonce and Encrypt. Decode reads one in either format.
type ReplyEnvelope struct {
	Encrypt      string `xml:"Encrypt"`
	MsgSignature string `xml:"MsgSignature"`
	// TimeStamp is decimal Unix seconds, written as a number. Read back, it
	// is the XML element's text or the JSON value as written (a string
	// keeps its quotes), so a reader can insist on a number.
	TimeStamp string `xml:"TimeStamp"`
	Nonce     string `xml:"Nonce"`
}

// Encode writes e in format f (XML unless f is JSON). A TimeStamp that is not
// an integer as strconv.FormatInt writes one is written as text, so the
// document stays valid.
func (e ReplyEnvelope) Encode(f Format) []byte {
	ts := Field{Name: "TimeStamp", Value: e.TimeStamp, Bare: integer(e.TimeStamp)}
	return Message{Text("Encrypt", e.Encrypt), Text("MsgSignature", e.MsgSignature), ts, Text("Nonce", e.Nonce)}.Encode(f)
}

// UnmarshalJSON reads the envelope, keeping TimeStamp's JSON value as
// written. Like encoding/json itself, it takes null as nothing and leaves e
// as it is.
func (e *ReplyEnvelope) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	// This is, xml tags and all, the struct logisticstest decoded answers
	// into before this package existed; encoding/json names it in its
	// errors, so they read as they did.
	var env struct {
		Encrypt      string          `xml:"Encrypt" json:"Encrypt"`
		MsgSignature string          `xml:"MsgSignature" json:"MsgSignature"`
		TimeStamp    string          `xml:"TimeStamp" json:"-"`
		Nonce        string          `xml:"Nonce" json:"Nonce"`
		TimeStampRaw json.RawMessage `xml:"-" json:"TimeStamp"`
	}
	if err := json.Unmarshal(b, &env); err != nil {
		return err
	}
	*e = ReplyEnvelope{Encrypt: env.Encrypt, MsgSignature: env.MsgSignature, TimeStamp: string(env.TimeStampRaw), Nonce: env.Nonce}
	return nil
}

// integer reports whether s is a JSON integer: an optional minus sign, then
// 0 or digits not starting with 0.
func integer(s string) bool {
	s = strings.TrimPrefix(s, "-")
	switch {
	case s == "":
		return false
	case s[0] == '0':
		return s == "0"
	}
	return strings.Trim(s, "0123456789") == ""
}
