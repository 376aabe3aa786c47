package wxmsg

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"strings"
	"testing"
)

func TestCheckShape(t *testing.T) {
	t.Parallel()
	ok := []struct {
		f    Format
		body string
	}{
		{XML, "<xml><Event><![CDATA[cancel_waybill]]></Event></xml>"},
		{XML, `<?xml version="1.0" encoding="UTF-8"?><!-- a comment <a><a> --><xml><A><![CDATA[<b><b><b> ]]></A></xml>`},
		{XML, "<xml>" + strings.Repeat("<a>", MaxDepth-1) + strings.Repeat("</a>", MaxDepth-1) + "</xml>"},
		{XML, "<xml>" + strings.Repeat("<a/>", MaxElements-1) + "</xml>"},
		{XML, `<xml a="=" b='>'>` + "</xml>"},
		{JSON, `{"a":"[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{\"[","b":[1,2,{"c":[]}]}`},
		{JSON, `{"a":` + strings.Repeat("[", MaxDepth-1) + strings.Repeat("]", MaxDepth-1) + "}"},
		{Unknown, strings.Repeat("[", 100)},
	}
	for _, tt := range ok {
		if err := CheckShape(tt.f, []byte(tt.body)); err != nil {
			t.Errorf("CheckShape(%s, %.60q) = %v", tt.f, tt.body, err)
		}
	}
	refused := []struct {
		f    Format
		body string
	}{
		{XML, "<xml>" + strings.Repeat("<a>", MaxDepth) + "</xml>"},
		{XML, "<xml>" + strings.Repeat("<a/>", MaxElements) + "</xml>"},
		{XML, "<xml><a" + strings.Repeat(` b="1"`, MaxAttributes+1) + "/></xml>"},
		{XML, `<!DOCTYPE xml [<!ENTITY a "b">]><xml>&a;</xml>`},
		{JSON, `{"a":` + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth) + "}"},
		{JSON, `{"a":[` + strings.Repeat("1,", MaxElements) + "1]}"},
	}
	for _, tt := range refused {
		err := CheckShape(tt.f, []byte(tt.body))
		if !errors.Is(err, ErrShape) {
			t.Errorf("CheckShape(%s, %.60q) = %v, want ErrShape", tt.f, tt.body, err)
		}
		var v struct{ Event string }
		if err := Decode(tt.f, []byte(tt.body), &v); !errors.Is(err, ErrShape) {
			t.Errorf("Decode(%s, %.60q) = %v, want ErrShape", tt.f, tt.body, err)
		}
	}
}

// FuzzCheckShape checks the scanner against the decoders: whatever it lets
// through, and encoding/xml or encoding/json reads in full, is within the
// limits by the decoders' own count. It must never panic.
func FuzzCheckShape(f *testing.F) {
	for _, s := range []string{
		"<xml><a><![CDATA[x]]></a></xml>", "<xml><!-- <a> --></xml>", `<xml a="1" b='>'/>`,
		"<?xml version=\"1.0\"?><xml/>", "<xml><a></a></xml>", `{"a":[1,{"b":"[["}]}`, `{"a":"\"[[["}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		body := []byte(s)
		if CheckShape(XML, body) == nil {
			depth, maxDepth, elements, maxAttrs := 0, 0, 0, 0
			d := xml.NewDecoder(bytes.NewReader(body))
			d.Strict = true
			var err error
			for {
				var tok xml.Token
				if tok, err = d.RawToken(); err != nil {
					break
				}
				switch tok := tok.(type) {
				case xml.StartElement:
					depth++
					elements++
					maxDepth = max(maxDepth, depth)
					maxAttrs = max(maxAttrs, len(tok.Attr))
				case xml.EndElement:
					depth--
				}
			}
			if err.Error() == "EOF" && (maxDepth > MaxDepth || elements > MaxElements || maxAttrs > MaxAttributes) {
				t.Fatalf("CheckShape passed depth %d, %d elements, %d attributes: %q", maxDepth, elements, maxAttrs, s)
			}
		}
		if CheckShape(JSON, body) == nil && json.Valid(body) {
			depth, maxDepth := 0, 0
			d := json.NewDecoder(bytes.NewReader(body))
			for {
				tok, err := d.Token()
				if err != nil {
					break
				}
				switch tok {
				case json.Delim('{'), json.Delim('['):
					depth++
					maxDepth = max(maxDepth, depth)
				case json.Delim('}'), json.Delim(']'):
					depth--
				}
			}
			if maxDepth > MaxDepth {
				t.Fatalf("CheckShape passed JSON nested %d deep: %q", maxDepth, s)
			}
		}
	})
}
