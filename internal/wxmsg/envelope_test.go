package wxmsg

import (
	"encoding/json"
	"testing"
)

func TestRequestEnvelope(t *testing.T) {
	t.Parallel()
	e := RequestEnvelope{ToUserName: "gh_abcdefg", Encrypt: "AAAA+/=="}
	if got, want := string(e.Encode(XML)), "<xml><ToUserName><![CDATA[gh_abcdefg]]></ToUserName><Encrypt><![CDATA[AAAA+/==]]></Encrypt></xml>"; got != want {
		t.Errorf("XML\n got %s\nwant %s", got, want)
	}
	if got, want := string(e.Encode(JSON)), `{"ToUserName":"gh_abcdefg","Encrypt":"AAAA+/=="}`; got != want {
		t.Errorf("JSON\n got %s\nwant %s", got, want)
	}
	// What the handler reads from such a body.
	for _, f := range []Format{XML, JSON} {
		var head struct {
			Encrypt string `xml:"Encrypt" json:"Encrypt"`
		}
		if err := Decode(f, e.Encode(f), &head); err != nil || head.Encrypt != e.Encrypt {
			t.Errorf("%s: Encrypt read back as %q, %v", f, head.Encrypt, err)
		}
	}
}

func TestReplyEnvelope(t *testing.T) {
	t.Parallel()
	e := ReplyEnvelope{Encrypt: "AAAA", MsgSignature: "0f1e", TimeStamp: "1700000000", Nonce: "42"}
	wantXML := "<xml><Encrypt><![CDATA[AAAA]]></Encrypt><MsgSignature><![CDATA[0f1e]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[42]]></Nonce></xml>"
	wantJSON := `{"Encrypt":"AAAA","MsgSignature":"0f1e","TimeStamp":1700000000,"Nonce":"42"}`
	if got := string(e.Encode(XML)); got != wantXML {
		t.Errorf("XML\n got %s\nwant %s", got, wantXML)
	}
	if got := string(e.Encode(JSON)); got != wantJSON {
		t.Errorf("JSON\n got %s\nwant %s", got, wantJSON)
	}
	for _, f := range []Format{XML, JSON} {
		var back ReplyEnvelope
		if err := Decode(f, e.Encode(f), &back); err != nil || back != e {
			t.Errorf("%s round trip: %+v, %v", f, back, err)
		}
	}
}

func TestReplyEnvelopeTimeStamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ts   string
		bare bool
	}{
		{"0", true}, {"7", true}, {"-5", true}, {"1700000000", true},
		{"", false}, {"-", false}, {"007", false}, {"-0", true}, {"1.5", false}, {"+1", false}, {"1e3", false}, {"1 ", false}, {"<x>", false},
	}
	for _, tt := range tests {
		e := ReplyEnvelope{TimeStamp: tt.ts}
		js := e.Encode(JSON)
		if !json.Valid(js) {
			t.Errorf("TimeStamp %q: invalid JSON %s", tt.ts, js)
		}
		var m map[string]any
		_ = json.Unmarshal(js, &m)
		if _, isNum := m["TimeStamp"].(float64); isNum != tt.bare {
			t.Errorf("TimeStamp %q written as a number: %v, want %v (%s)", tt.ts, isNum, tt.bare, js)
		}
		var back ReplyEnvelope
		if err := Decode(XML, e.Encode(XML), &back); err != nil || back.TimeStamp != tt.ts {
			t.Errorf("TimeStamp %q: XML reads back as %q, %v", tt.ts, back.TimeStamp, err)
		}
	}
}

func TestReplyEnvelopeDecode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		f    Format
		body string
		want ReplyEnvelope
	}{
		{"a string TimeStamp keeps its quotes", JSON, `{"Encrypt":"e","TimeStamp":"17","Nonce":"n"}`, ReplyEnvelope{Encrypt: "e", TimeStamp: `"17"`, Nonce: "n"}},
		{"null TimeStamp", JSON, `{"Encrypt":"e","TimeStamp":null}`, ReplyEnvelope{Encrypt: "e", TimeStamp: "null"}},
		{"keys in any case", JSON, `{"encrypt":"e","msgsignature":"s","timestamp":1,"nonce":"n"}`, ReplyEnvelope{"e", "s", "1", "n"}},
		{"not sealed", JSON, `{"ResultCode":0}`, ReplyEnvelope{}},
		{"XML text", XML, `<xml><TimeStamp> 17 </TimeStamp><Other>x</Other></xml>`, ReplyEnvelope{TimeStamp: " 17 "}},
	}
	for _, tt := range tests {
		var got ReplyEnvelope
		if err := Decode(tt.f, []byte(tt.body), &got); err != nil || got != tt.want {
			t.Errorf("%s: %+v, %v; want %+v", tt.name, got, err, tt.want)
		}
	}
	// encoding/json on its own takes null as nothing, as it does for any
	// struct; Decode refuses it with the rest of what is not an object.
	got := ReplyEnvelope{Encrypt: "kept"}
	if err := json.Unmarshal([]byte("null"), &got); err != nil || got.Encrypt != "kept" {
		t.Errorf("json.Unmarshal(null) = %+v, %v", got, err)
	}
	for _, body := range []string{"null", "[1]", `{"Encrypt":7}`, `{"Encrypt":"e"`} {
		if err := Decode(JSON, []byte(body), &got); err == nil {
			t.Errorf("Decode(%s) succeeded", body)
		}
	}
	if err := Decode(XML, []byte("<reply><Encrypt>e</Encrypt></reply>"), &got); err == nil {
		t.Error("Decode accepted an envelope whose root is not <xml>")
	}
}
