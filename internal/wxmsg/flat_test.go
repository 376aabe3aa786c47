package wxmsg

import (
	"testing"
)

// flatHead is what the event handler reads with Flat: its tags are the
// names passed.
type flatHead struct {
	Event   string `xml:"Event" json:"Event"`
	Encrypt string `xml:"Encrypt" json:"Encrypt"`
}

var flatNames = []string{"Event", "Encrypt"}

// checkFlat runs Flat on body and, when it accepts, checks that Decode
// accepts too with the same values. It returns whether Flat accepted.
func checkFlat(t *testing.T, f Format, body []byte) bool {
	t.Helper()
	var vals [2]string
	if !Flat(f, body, flatNames, vals[:]) {
		return false
	}
	var h flatHead
	if err := Decode(f, body, &h); err != nil {
		t.Fatalf("Flat(%s, %q) = %q, but Decode fails: %v", f, body, vals, err)
	}
	if h.Event != vals[0] || h.Encrypt != vals[1] {
		t.Fatalf("Flat(%s, %q) = %q, Decode = %+v", f, body, vals, h)
	}
	return true
}

func TestFlat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		f      Format
		body   string
		accept bool
	}{
		// What WeChat and RequestEnvelope send.
		{XML, "<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><Encrypt><![CDATA[a+b/c=]]></Encrypt></xml>", true},
		{XML, "\n<xml>\n  <ToUserName><![CDATA[gh_abc]]></ToUserName>\n  <CreateTime>1533042556</CreateTime>\n  <Event><![CDATA[cancel_waybill]]></Event>\n</xml>\n", true},
		{XML, "<xml><Event>cancel_waybill</Event><Empty></Empty><Gt>a>b</Gt></xml>", true},
		{XML, "<xml></xml>", true},
		{JSON, `{"ToUserName":"gh_abc","Encrypt":"a+b/c="}`, true},
		{JSON, " {\r\n\"event\" : \"cancel_waybill\", \"CreateTime\": 1533042556, \"n\": -0.5e+3, \"t\": true, \"f\": false, \"z\": null, \"u\": \"é\" }\n", true},
		{JSON, `{}`, true},

		// Valid, but left to Decode.
		{XML, `<?xml version="1.0"?><xml><Event>x</Event></xml>`, false},
		{XML, "<xml><Event>a &amp; b</Event></xml>", false},
		{XML, "<xml>\r\n<Event>x</Event></xml>", false},
		{XML, "<xml><Event><![CDATA[a]]><![CDATA[b]]></Event></xml>", false},
		{XML, "<xml><Event kind=\"x\">x</Event></xml>", false},
		{XML, "<xml><Event/></xml>", false},
		{XML, "<xml><Event>x</Event><Event>y</Event></xml>", false},
		{XML, "<xml><a:Event>x</a:Event></xml>", false},
		{XML, "<xml><Event>é</Event></xml>", false},
		{XML, "<xml><Info><Event>x</Event></Info></xml>", false},
		{XML, "<xml><Event>x</Event></xml><!-- end -->", false},
		{JSON, `{"Event":"a\u0062"}`, false},
		{JSON, `{"Event":null}`, false},
		{JSON, `{"Event":"a","EVENT":"b"}`, false},
		{JSON, `{"Info":{"Event":"x"}}`, false},
		{JSON, `{"List":[1]}`, false},
		{JSON, `{"é":"x"}`, false},

		// Not valid at all: Decode fails too.
		{XML, "<root><Event>x</Event></root>", false},
		{XML, "<xml><Event>x</Event>", false},
		{XML, "<xml><Event>x</Other></xml>", false},
		{XML, "<xml><Event>a]]>b</Event></xml>", false},
		{JSON, `{"Event":"x"`, false},
		{JSON, `{"Event":"x"} {}`, false},
		{JSON, `{"Event":"x",}`, false},
		{JSON, `{"n":01}`, false},
		{JSON, `{"n":1.}`, false},
		{JSON, `{"b":tru}`, false},
		{JSON, `{"Event":7}`, false},
		{JSON, "{\"Event\":\"\xff\"}", false},
		{Unknown, "<xml></xml>", false},
	} {
		if got := checkFlat(t, tt.f, []byte(tt.body)); got != tt.accept {
			t.Errorf("Flat(%s, %q) accepted = %t, want %t", tt.f, tt.body, got, tt.accept)
		}
	}
}

// TestFlatTooManyNames: the reader keeps its bookkeeping on the stack and
// refuses more names than it has room for, rather than failing later.
func TestFlatTooManyNames(t *testing.T) {
	t.Parallel()
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
	vals := make([]string, len(names))
	if FlatXML([]byte("<xml></xml>"), names, vals) || FlatJSON([]byte("{}"), names, vals) {
		t.Error("nine names accepted")
	}
}

// FuzzFlat checks that whatever Flat accepts, Decode reads the same way.
func FuzzFlat(f *testing.F) {
	f.Add(true, []byte("<xml><ToUserName><![CDATA[gh_abc]]></ToUserName><Encrypt><![CDATA[a+b/c=]]></Encrypt></xml>"))
	f.Add(true, []byte("<xml>\n <Event>cancel_waybill</Event>\t<X></X></xml> "))
	f.Add(false, []byte(`{"ToUserName":"gh_abc","encrypt":"a+b/c=","n":-1.5E-3,"t":true,"z":null}`))
	f.Fuzz(func(t *testing.T, xml bool, body []byte) {
		f := JSON
		if xml {
			f = XML
		}
		checkFlat(t, f, body)
	})
}
