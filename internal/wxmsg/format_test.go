package wxmsg

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	const x, j = "<xml/>", `{"a":1}`
	tests := []struct {
		name, contentType, body string
		want                    Format
	}{
		{"xml type", "text/xml", j, XML},
		{"application/xml with charset", "application/xml; charset=utf-8", "", XML},
		{"xml suffix", "application/atom+xml", j, XML},
		{"json type", "application/json", x, JSON},
		{"text/json", "text/json", x, JSON},
		{"json suffix with parameters", "application/problem+json; charset=UTF-8", x, JSON},
		{"upper-case type", "Application/JSON", x, JSON},
		{"other type sniffs json", "text/plain", j, JSON},
		{"other type sniffs xml", "application/x-www-form-urlencoded", x, XML},
		{"no type sniffs", "", "\r\n\t " + j, JSON},
		{"unparsable type sniffs", "garbage;;;", x, XML},
		{"nothing to go by", "", "ToUserName=gh", Unknown},
		{"blank body", "", " \t\r\n", Unknown},
		{"empty body", "", "", Unknown},
		{"a BOM is not blank", "", "\xef\xbb\xbf" + j, Unknown},
		{"a form feed is not blank", "", "\f" + j, Unknown},
		{"array", "", "[1]", Unknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Detect(tt.contentType, []byte(tt.body)); got != tt.want {
				t.Errorf("Detect(%q, %q) = %q, want %q", tt.contentType, tt.body, got, tt.want)
			}
		})
	}
	if Sniff(nil) != Unknown || Sniff([]byte(" <")) != XML || Sniff([]byte("\n{")) != JSON {
		t.Error("Sniff disagrees with Detect's fallback")
	}
}

func TestDecode(t *testing.T) {
	t.Parallel()
	type event struct {
		Event      string `xml:"Event" json:"Event"`
		CreateTime int64  `xml:"CreateTime" json:"CreateTime"`
	}
	want := event{Event: "cancel_waybill", CreateTime: 7}
	for _, tt := range []struct {
		f    Format
		body string
	}{
		{XML, "<xml><Event><![CDATA[cancel_waybill]]></Event><CreateTime>7</CreateTime></xml>"},
		{XML, "\n<?xml version=\"1.0\"?><xml><Event>cancel_waybill</Event><CreateTime> 7 </CreateTime></xml>"},
		{JSON, ` {"Event":"cancel_waybill","CreateTime":7}`},
	} {
		var got event
		if err := Decode(tt.f, []byte(tt.body), &got); err != nil || got != want {
			t.Errorf("Decode(%s, %q) = %+v, %v", tt.f, tt.body, got, err)
		}
	}

	refused := []struct {
		name string
		f    Format
		body string
		want error // nil: any error from the decoders
	}{
		{"wrong root", XML, "<root><Event>x</Event></root>", nil},
		{"truncated XML", XML, "<xml><Event>x</Event>", nil},
		{"JSON labelled XML", XML, `{"Event":"x"}`, nil},
		{"empty XML", XML, "", nil},
		{"JSON null", JSON, "null", ErrNotObject},
		{"JSON array", JSON, `[{"Event":"x"}]`, ErrNotObject},
		{"JSON string", JSON, `"x"`, ErrNotObject},
		{"blank JSON", JSON, " \n", ErrNotObject},
		{"truncated JSON", JSON, `{"Event":"x"`, nil},
		{"JSON with trailing data", JSON, `{"Event":"x"} {}`, nil},
		{"JSON of the wrong type", JSON, `{"Event":7}`, nil},
		{"unknown format", Unknown, "<xml/>", ErrFormat},
		{"made-up format", Format("yaml"), "a: 1", ErrFormat},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got event
			err := Decode(tt.f, []byte(tt.body), &got)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Fatalf("Decode = %+v, %v; want error %v", got, err, tt.want)
			}
		})
	}

	// The decoders' own errors come back as they are.
	var syntax *json.SyntaxError
	if err := Decode(JSON, []byte(`{"Event":`), &event{}); !errors.As(err, &syntax) {
		t.Errorf("truncated JSON: %T %v, want *json.SyntaxError", err, err)
	}
}
