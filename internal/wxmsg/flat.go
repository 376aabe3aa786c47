package wxmsg

import (
	"bytes"
	"unicode/utf8"
)

// Flat is FlatXML or FlatJSON, by f; it reports false for other formats.
func Flat(f Format, body []byte, names []string, vals []string) bool {
	switch f {
	case XML:
		return FlatXML(body, names, vals)
	case JSON:
		return FlatJSON(body, names, vals)
	}
	return false
}

// FlatXML reads a push document of the plain shape WeChat sends without
// the generic XML decoder, which costs tens of nanoseconds per byte. It
// reports whether body has that shape; only then has it set vals[i] to the
// text of the element named names[i] ("" if there is none). For such a body
// the result is what Decode gives a struct with string fields tagged with
// names. Any other body, however valid, gets false, and the caller uses
// Decode.
//
// The shape: optional blank space, <xml>, child elements separated by blank
// space, </xml>, optional blank space and nothing else. Each child has an
// ASCII name, no attributes, and as content nothing, one CDATA section or
// one run of text, all of it printable ASCII (tab and line feed allowed)
// without ']', and in text also without '<' or '&'. None of names occurs
// twice. Blank space here is space, tab and line feed: a carriage return,
// which XML rewrites, is not accepted.
func FlatXML(body []byte, names []string, vals []string) bool {
	var found [8]bool
	if len(names) > len(found) || len(vals) < len(names) {
		return false
	}
	b := skipBlank(body)
	if !bytes.HasPrefix(b, []byte("<xml>")) {
		return false
	}
	b = b[len("<xml>"):]
	for {
		b = skipBlank(b)
		if bytes.HasPrefix(b, []byte("</xml>")) {
			if len(skipBlank(b[len("</xml>"):])) != 0 {
				return false
			}
			for i := range names {
				if !found[i] {
					vals[i] = ""
				}
			}
			return true
		}
		// <name>
		if len(b) == 0 || b[0] != '<' {
			return false
		}
		n := nameLen(b[1:])
		if n == 0 || 1+n >= len(b) || b[1+n] != '>' {
			return false
		}
		name := b[1 : 1+n]
		b = b[2+n:]
		// content
		var text []byte
		if bytes.HasPrefix(b, []byte("<![CDATA[")) {
			b = b[len("<![CDATA["):]
			end := bytes.Index(b, []byte("]]>"))
			if end < 0 || !plainBytes(b[:end], false) {
				return false
			}
			text, b = b[:end], b[end+len("]]>"):]
		} else {
			end := bytes.IndexByte(b, '<')
			if end < 0 || !plainBytes(b[:end], true) {
				return false
			}
			text, b = b[:end], b[end:]
		}
		// </name>
		if len(b) < 3+n || b[0] != '<' || b[1] != '/' || !bytes.Equal(b[2:2+n], name) || b[2+n] != '>' {
			return false
		}
		b = b[3+n:]
		for i, want := range names {
			if string(name) == want {
				if found[i] {
					return false
				}
				found[i] = true
				vals[i] = string(text)
			}
		}
	}
}

func skipBlank(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}

// nameLen is the length of the ASCII XML name at the start of b: a letter
// or '_', then letters, digits and '_'.
func nameLen(b []byte) int {
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && c >= '0' && c <= '9':
		default:
			return i
		}
	}
	return len(b)
}

// plainBytes reports whether b is printable ASCII, tab or line feed, without
// ']' and, in text (outside CDATA), without '<' or '&'.
func plainBytes(b []byte, text bool) bool {
	for _, c := range b {
		switch {
		case c == '\t' || c == '\n':
		case c < 0x20 || c > 0x7e || c == ']':
			return false
		case text && (c == '<' || c == '&'):
			return false
		}
	}
	return true
}

// FlatJSON is FlatXML for JSON: it reads a flat object without
// encoding/json, which passes over a body twice and copies its strings
// through a buffer. For a body of the shape below the result is what Decode
// gives a struct with string fields tagged with names; other bodies get
// false, and the caller uses Decode.
//
// The shape: one object, with blank space around it and its tokens as JSON
// allows; member names of printable ASCII without escapes, none of names
// matched (as encoding/json matches them, ignoring ASCII case) twice;
// values that are strings without escapes or control characters in valid
// UTF-8, numbers, true, false or null, where a member of names must have a
// string.
func FlatJSON(body []byte, names []string, vals []string) bool {
	var found [8]bool
	if len(names) > len(found) || len(vals) < len(names) {
		return false
	}
	b := skipJSONSpace(body)
	if len(b) == 0 || b[0] != '{' {
		return false
	}
	b = skipJSONSpace(b[1:])
	if len(b) > 0 && b[0] == '}' {
		b = b[1:]
	} else {
		for {
			key, rest, ok := jsonString(b)
			if !ok || !printableASCII(key) {
				return false
			}
			b = skipJSONSpace(rest)
			if len(b) == 0 || b[0] != ':' {
				return false
			}
			b = skipJSONSpace(b[1:])
			match := -1
			for i, name := range names {
				if asciiEqualFold(key, name) {
					match = i
				}
			}
			if match >= 0 {
				val, rest, ok := jsonString(b)
				if !ok || found[match] {
					return false
				}
				found[match], vals[match], b = true, string(val), rest
			} else if b, ok = skipScalar(b); !ok {
				return false
			}
			b = skipJSONSpace(b)
			if len(b) == 0 {
				return false
			}
			if b[0] == '}' {
				b = b[1:]
				break
			}
			if b[0] != ',' {
				return false
			}
			b = skipJSONSpace(b[1:])
		}
	}
	if len(skipJSONSpace(b)) != 0 {
		return false
	}
	for i := range names {
		if !found[i] {
			vals[i] = ""
		}
	}
	return true
}

func skipJSONSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// jsonString splits a string without escapes or control characters, in
// valid UTF-8, from the start of b: its contents and what follows it.
func jsonString(b []byte) (s, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '"' {
		return nil, nil, false
	}
	ascii := true
	for i := 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			s = b[1:i]
			if !ascii && !utf8.Valid(s) {
				return nil, nil, false
			}
			return s, b[i+1:], true
		case c < 0x20 || c == '\\':
			return nil, nil, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, nil, false
}

// skipScalar skips a string as jsonString reads it, a number, true, false
// or null at the start of b.
func skipScalar(b []byte) ([]byte, bool) {
	switch {
	case len(b) == 0:
		return nil, false
	case b[0] == '"':
		_, rest, ok := jsonString(b)
		return rest, ok
	case bytes.HasPrefix(b, []byte("true")):
		return b[4:], true
	case bytes.HasPrefix(b, []byte("false")):
		return b[5:], true
	case bytes.HasPrefix(b, []byte("null")):
		return b[4:], true
	}
	// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
	i := 0
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		i = digits(b, i)
	default:
		return nil, false
	}
	if i < len(b) && b[i] == '.' {
		j := digits(b, i+1)
		if j == i+1 {
			return nil, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return nil, false
		}
		i = j
	}
	return b[i:], true
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

func printableASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// asciiEqualFold reports whether the ASCII a equals name, ignoring case.
func asciiEqualFold(a []byte, name string) bool {
	if len(a) != len(name) {
		return false
	}
	for i := range a {
		x, y := a[i], name[i]
		if 'a' <= x && x <= 'z' {
			x -= 'a' - 'A'
		}
		if 'a' <= y && y <= 'z' {
			y -= 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
