package wxmsg

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMessageEncode(t *testing.T) {
	t.Parallel()
	m := Message{
		Text("ToUserName", "oABCD"),
		Int("CreateTime", 1533042556),
		Int("ResultCode", -1),
		Field{Name: "Flag", Value: "true", Bare: true},
		Text("ResultMsg", `say "hi" <&>`),
		Text("Empty", ""),
	}
	wantXML := `<xml><ToUserName><![CDATA[oABCD]]></ToUserName><CreateTime>1533042556</CreateTime><ResultCode>-1</ResultCode>` +
		`<Flag>true</Flag><ResultMsg><![CDATA[say "hi" <&>]]></ResultMsg><Empty><![CDATA[]]></Empty></xml>`
	wantJSON := `{"ToUserName":"oABCD","CreateTime":1533042556,"ResultCode":-1,"Flag":true,"ResultMsg":"say \"hi\" \u003c\u0026\u003e","Empty":""}`
	if got := m.XML(); string(got) != wantXML {
		t.Errorf("XML\n got %s\nwant %s", got, wantXML)
	}
	if got := m.JSON(); string(got) != wantJSON {
		t.Errorf("JSON\n got %s\nwant %s", got, wantJSON)
	}
	if !bytes.Equal(m.Encode(XML), m.XML()) || !bytes.Equal(m.Encode(JSON), m.JSON()) || !bytes.Equal(m.Encode(Unknown), m.XML()) {
		t.Error("Encode does not pick XML for XML and Unknown, JSON for JSON")
	}
	if got := (Message{}).XML(); string(got) != "<xml></xml>" {
		t.Errorf("empty XML = %s", got)
	}
	if got := (Message{}).JSON(); string(got) != "{}" {
		t.Errorf("empty JSON = %s", got)
	}
}

func TestXMLText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, cdata string
	}{
		{"plain", "订单-1", "<![CDATA[订单-1]]>"},
		{"terminator", "a]]>b", "<![CDATA[a]]]]><![CDATA[>b]]>"},
		{"two terminators", "]]>]]>", "<![CDATA[]]]]><![CDATA[>]]]]><![CDATA[>]]>"},
		{"almost a terminator", "]]]>", "<![CDATA[]]]]]><![CDATA[>]]>"},
		{"allowed controls", "\t\n\r", "<![CDATA[\t\n\r]]>"},
		{"NUL and other controls", "a\x00b\x01\x1f", "<![CDATA[a\uFFFDb\uFFFD\uFFFD]]>"},
		{"invalid UTF-8", "a\xffb\xc3", "<![CDATA[a\uFFFDb\uFFFD]]>"},
		{"a real U+FFFD stays", "\uFFFD", "<![CDATA[\uFFFD]]>"},
		{"surrogate bytes", "\xed\xa0\x80", "<![CDATA[\uFFFD\uFFFD\uFFFD]]>"},
		{"noncharacters", "\uFFFE\uFFFF", "<![CDATA[\uFFFD\uFFFD]]>"},
		{"astral", "😀\U0010FFFF", "<![CDATA[😀\U0010FFFF]]>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := Message{Text("V", tt.in)}.XML()
			if want := "<xml><V>" + tt.cdata + "</V></xml>"; string(got) != want {
				t.Errorf("XML(%q)\n got %q\nwant %q", tt.in, got, want)
			}
			var back struct {
				V string `xml:"V"`
			}
			if err := Decode(XML, got, &back); err != nil {
				t.Fatalf("%q is not well-formed: %v", got, err)
			}
		})
	}
}

// xmlOracle is what a text should read as once written and parsed again:
// encoding/xml's EscapeText replaces the characters XML cannot carry, and
// the parser turns line breaks in CDATA into "\n".
func xmlOracle(t *testing.T, s string) string {
	var esc bytes.Buffer
	if err := xml.EscapeText(&esc, []byte(s)); err != nil {
		t.Fatal(err)
	}
	var v struct {
		V string `xml:"V"`
	}
	if err := xml.Unmarshal([]byte("<xml><V>"+esc.String()+"</V></xml>"), &v); err != nil {
		t.Fatalf("oracle: %v", err)
	}
	return strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(v.V)
}

// FuzzMessage writes arbitrary text in both formats. The XML must be
// well-formed and read back as the text with what XML cannot carry
// replaced; the JSON must read back as the text with invalid UTF-8
// replaced; neither may panic.
func FuzzMessage(f *testing.F) {
	for _, s := range []string{"", "plain", "a]]>b", "]]]>", "\x00", "\xff\xfe", "\xed\xa0\x80", "\uFFFE", "\r\n\r", "订😀", "</V><x>"} {
		f.Add(s, int64(-1))
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		m := Message{Text("V", s), Int("N", n), Text("W", s+"]]>"+s)}
		var fromXML struct {
			V string `xml:"V"`
			N int64  `xml:"N"`
			W string `xml:"W"`
		}
		if err := Decode(XML, m.XML(), &fromXML); err != nil {
			t.Fatalf("XML of %q is not well-formed: %v\n%q", s, err, m.XML())
		}
		if want := xmlOracle(t, s); fromXML.V != want || fromXML.W != want+"]]>"+want || fromXML.N != n {
			t.Fatalf("XML of %q reads back as %+v, want %q and %d", s, fromXML, want, n)
		}
		var fromJSON struct {
			V string
			N int64
		}
		if err := Decode(JSON, m.JSON(), &fromJSON); err != nil {
			t.Fatalf("JSON of %q is invalid: %v\n%q", s, err, m.JSON())
		}
		if want := string([]rune(s)); fromJSON.V != want || fromJSON.N != n {
			t.Fatalf("JSON of %q reads back as %+v, want %q and %d", s, fromJSON, want, n)
		}
		if !utf8.Valid(m.XML()) || !json.Valid(m.JSON()) {
			t.Fatalf("invalid output for %q", s)
		}
	})
}
