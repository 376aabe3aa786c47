package wxmsg

import (
	"bytes"
	"errors"
)

// Limits on the shape of a document, checked by Decode before the decoders
// see it. A push is a small flat record (add_waybill, the deepest, nests
// four levels: xml, Cargo, DetailList, Name), so the limits are generous
// for WeChat and tight for an attacker: encoding/xml allocates for every
// element, attribute and namespace it reads, and would spend tens of
// megabytes on a megabyte of nested or attribute-heavy XML.
const (
	// MaxDepth is the deepest nesting of elements (XML) or of objects and
	// arrays (JSON) a document may have.
	MaxDepth = 16
	// MaxElements is how many elements (XML) or values in objects and
	// arrays (JSON) a document may hold.
	MaxElements = 4096
	// MaxAttributes is how many attributes one XML element may carry.
	// WeChat's documents carry none; the prolog's pseudo-attributes are
	// not counted.
	MaxAttributes = 8
)

// ErrShape is returned by Decode (wrapped, with the reason) for a document
// outside the limits above, or XML with a document type declaration, which
// no push carries.
var ErrShape = errors.New("document exceeds the push limits")

func shapeError(reason string) error { return &shapeErr{reason} }

type shapeErr struct{ reason string }

func (e *shapeErr) Error() string { return ErrShape.Error() + ": " + e.reason }
func (e *shapeErr) Unwrap() error { return ErrShape }

// CheckShape scans body, in format f, for what the decoders would spend
// memory on, without allocating: nesting depth, number of elements or
// values, and attributes per XML element. It does not check that the
// document is well-formed; the decoders do. A body it cannot follow (an
// unterminated comment, say) is left to the decoders, which refuse it.
func CheckShape(f Format, body []byte) error {
	switch f {
	case XML:
		return checkXML(body)
	case JSON:
		return checkJSON(body)
	}
	return nil
}

func checkXML(b []byte) error {
	depth, elements := 0, 0
	for i := 0; i < len(b); {
		lt := bytes.IndexByte(b[i:], '<')
		if lt < 0 {
			return nil
		}
		i += lt
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			end := bytes.Index(rest, []byte("]]>"))
			if end < 0 {
				return nil
			}
			i += end + len("]]>")
		case bytes.HasPrefix(rest, []byte("<!--")):
			end := bytes.Index(rest, []byte("-->"))
			if end < 0 {
				return nil
			}
			i += end + len("-->")
		case bytes.HasPrefix(rest, []byte("<?")):
			end := bytes.Index(rest, []byte("?>"))
			if end < 0 {
				return nil
			}
			i += end + len("?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			return shapeError("XML declares a document type")
		case bytes.HasPrefix(rest, []byte("</")):
			end := bytes.IndexByte(rest, '>')
			if end < 0 {
				return nil
			}
			depth--
			i += end + 1
		default:
			n, attrs, selfClosing := scanTag(rest)
			if n < 0 {
				return nil
			}
			if elements++; elements > MaxElements {
				return shapeError("too many XML elements")
			}
			if attrs > MaxAttributes {
				return shapeError("too many attributes on an XML element")
			}
			if !selfClosing {
				if depth++; depth > MaxDepth {
					return shapeError("XML nested too deeply")
				}
			}
			i += n
		}
	}
	return nil
}

// scanTag reads a start tag at the beginning of b and returns its length,
// how many attributes it has (an '=' outside quotes starts one) and whether
// it closes itself. n is -1 if the tag does not end.
func scanTag(b []byte) (n, attrs int, selfClosing bool) {
	var quote byte
	for i := 1; i < len(b); i++ {
		c := b[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '=':
			attrs++
		case c == '>':
			return i + 1, attrs, b[i-1] == '/'
		}
	}
	return -1, attrs, false
}

func checkJSON(b []byte) error {
	depth, values := 0, 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth++; depth > MaxDepth {
				return shapeError("JSON nested too deeply")
			}
			values++
		case '}', ']':
			depth--
		case ',':
			values++
		}
		if values > MaxElements {
			return shapeError("too many JSON values")
		}
	}
	return nil
}
