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
	b.Grow(m.size())
	b.WriteString("<xml>")
	for _, f := range m {
		b.WriteByte('<')
		b.WriteString(f.Name)
		b.WriteByte('>')
		if f.Bare {
			b.WriteString(f.Value)
		} else {
			writeCDATA(&b, f.Value)
		}
		b.WriteString("</")
		b.WriteString(f.Name)
		b.WriteByte('>')
	}
	b.WriteString("</xml>")
	return b.Bytes()
}

// size estimates the encoded length of m in either format, so that the
// buffer is allocated once in the usual case.
func (m Message) size() int {
	n := len("<xml></xml>")
	for _, f := range m {
		n += 2*len(f.Name) + len(f.Value) + len("<></><![CDATA[]]>")
	}
	return n
}

// JSON writes m as one JSON object, its keys in m's order. Text is written
// as encoding/json writes a string (invalid UTF-8 becomes U+FFFD).
func (m Message) JSON() []byte {
	var b bytes.Buffer
	b.Grow(m.size())
	b.WriteByte('{')
	for i, f := range m {
		if i > 0 {
			b.WriteByte(',')
		}
		if plainJSON(f.Name) {
			// strconv.Quote writes such a name as JSON does.
			writeQuoted(&b, f.Name)
		} else {
			b.WriteString(strconv.Quote(f.Name))
		}
		b.WriteByte(':')
		switch {
		case f.Bare:
			b.WriteString(f.Value)
		case plainJSON(f.Value):
			writeQuoted(&b, f.Value)
		default:
			v, _ := json.Marshal(f.Value) // a string always marshals
			b.Write(v)
		}
	}
	b.WriteByte('}')
	return b.Bytes()
}

// plainJSON reports whether encoding/json writes s as s in quotes: printable
// ASCII without quotes, backslashes or the characters it escapes for HTML
// (<, >, &).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c >= 0x7f, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

func writeQuoted(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// writeCDATA writes s as CDATA: see Message.XML.
func writeCDATA(b *bytes.Buffer, s string) {
	b.WriteString("<![CDATA[")
	if plainCDATA(s) {
		b.WriteString(s)
		b.WriteString("]]>")
		return
	}
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

// plainCDATA reports whether s goes into CDATA as it is: ASCII that XML
// allows, without "]]>".
func plainCDATA(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) {
			return false
		}
	}
	return !strings.Contains(s, "]]>")
}

// xmlChar reports whether XML 1.0 allows r in a document.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= 0x10FFFF)
}
