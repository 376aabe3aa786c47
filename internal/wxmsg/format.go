package wxmsg

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"mime"
	"strings"
)

// Format is the data format of a push document. Its values are the names
// logisticstest.Format uses, so the two convert directly.
type Format string

// The formats a push can be in.
const (
	Unknown Format = ""
	XML     Format = "xml"
	JSON    Format = "json"
)

// Reasons Decode refuses a body besides the decoders' own errors.
var (
	ErrNotObject = errors.New("body is not a JSON object")
	ErrFormat    = errors.New("body is neither XML nor JSON")
)

// Detect decides a body's format by its Content-Type (application/json,
// text/json, *+json; application/xml, text/xml, *+xml) and, when that names
// neither, by Sniff.
func Detect(contentType string, body []byte) Format {
	// The usual values, spelt as mime.ParseMediaType would return them,
	// need no parsing.
	switch contentType {
	case "application/json", "text/json":
		return JSON
	case "application/xml", "text/xml":
		return XML
	}
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch {
		case mt == "application/json", mt == "text/json", strings.HasSuffix(mt, "+json"):
			return JSON
		case mt == "application/xml", mt == "text/xml", strings.HasSuffix(mt, "+xml"):
			return XML
		}
	}
	return Sniff(body)
}

// Sniff decides a body's format by its first byte after spaces, tabs and
// line breaks: '{' is JSON, '<' is XML, anything else (or nothing) Unknown.
func Sniff(body []byte) Format {
	body = trimBlank(body)
	switch {
	case len(body) == 0:
		return Unknown
	case body[0] == '{':
		return JSON
	case body[0] == '<':
		return XML
	}
	return Unknown
}

func trimBlank(b []byte) []byte { return bytes.TrimLeft(b, " \t\r\n") }

// Decode decodes body, in format f, into v. An XML body must have the root
// element <xml>; a JSON body must be an object. Before either decoder sees
// it, the body must pass CheckShape (an error matching ErrShape otherwise),
// so that no body costs more than a small multiple of its size to decode.
// Errors from encoding/xml and encoding/json are returned as they are.
func Decode(f Format, body []byte, v any) error {
	if err := CheckShape(f, body); err != nil {
		return err
	}
	switch f {
	case JSON:
		if b := trimBlank(body); len(b) == 0 || b[0] != '{' {
			return ErrNotObject
		}
		return json.Unmarshal(body, v)
	case XML:
		// One pass: find the root as xml.Unmarshal does, check its name
		// with the error xml.Unmarshal gives a struct whose XMLName wants
		// <xml>, and decode the root into v.
		d := xml.NewDecoder(bytes.NewReader(body))
		for {
			tok, err := d.Token()
			if err != nil {
				return err
			}
			if start, ok := tok.(xml.StartElement); ok {
				if start.Name.Local != "xml" {
					return xml.UnmarshalError("expected element type <xml> but have <" + start.Name.Local + ">")
				}
				return d.DecodeElement(v, &start)
			}
		}
	}
	return ErrFormat
}
