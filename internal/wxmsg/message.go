package wxmsg

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Field is one element of a flat document.
type Field struct {
	Name  string
	Value string
	// Bare writes Value as it is: for numbers and booleans, which must be
	// valid JSON literals. Otherwise Value is text: CDATA in XML, a string in
	// JSON.
	Bare bool
}

// Text is a text field.
func Text(name, value string) Field { return Field{Name: name, Value: value} }

// Int is a number field.
func Int(name string, value int64) Field {
	return Field{Name: name, Value: strconv.FormatInt(value, 10), Bare: true}
}

// Message is a flat document's fields in the order they are written.
type Message []Field

// Encode writes m as JSON when f is JSON and as XML otherwise.
func (m Message) Encode(f Format) []byte {
	if f == JSON {
		return m.JSON()
	}
	return m.XML()
}

// XML writes m as <xml><Name>value</Name>…</xml>, text in CDATA. A "]]>"
// inside a text is split across two CDATA sections, and characters XML 1.0
// cannot carry (invalid UTF-8 among them) become U+FFFD, so the document is
// well-formed whatever the values.
func (m Message) XML() []byte {
	var b bytes.Buffer
	b.WriteString("<xml>")
	for _, f := range m {
		b.WriteString("<" + f.Name + ">")
		if f.Bare {
			b.WriteString(f.Value)
		} else {
			writeCDATA(&b, f.Value)
		}
		b.WriteString("</" + f.Name + ">")
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// JSON writes m as one JSON object, its keys in m's order. Text is written
// as encoding/json writes a string (invalid UTF-8 becomes U+FFFD).
func (m Message) JSON() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(f.Name))
		b.WriteByte(':')
		if f.Bare {
			b.WriteString(f.Value)
		} else {
			v, _ := json.Marshal(f.Value) // a string always marshals
			b.Write(v)
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

// writeCDATA writes s as CDATA: see Message.XML.
func writeCDATA(b *bytes.Buffer, s string) {
	b.WriteString("<![CDATA[")
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "]]>") {
			b.WriteString("]]]]><![CDATA[>")
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !xmlChar(r) {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteString("]]>")
}

// xmlChar reports whether XML 1.0 allows r in a document.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= 0x10FFFF)
}
