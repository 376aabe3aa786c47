package apiusb

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// The reply and request paths replace encoding/json and url.Values.Encode
// with quicker code on the happy path. These tests hold that code to the
// library functions it stands in for.

var scanSeeds = []string{
	okReply,
	`{"ret":"200","data":{"code":200,"code":"201","message":"a\"b","data":"\u53d6"},"msg":null,"ret":404}`,
	` {"ret" : 200 , "data" : [ 1, {"a":"]"} ] , "msg" : {"x":-0.5e+3} } `,
	`{"r\u0065t":200,"RET":500}`,
	"{\"ret\":200,\"msg\":\"\xff\"}",
	`{"ret":200,"data":{"code":200,},}`,
	`[1,2,{"a":[]}]`, `"\u00e9\n"`, `-0.5e+10`, `{}`, `[]`, ` true `, `nul`, `{"a" 1}`, "\"\x01\"", `"\x"`, `01`, `1.`, `1e`,
}

func TestValidJSONDepth(t *testing.T) {
	t.Parallel()
	for _, n := range []int{maxJSONDepth, maxJSONDepth + 1} {
		for _, b := range [][]byte{
			[]byte(strings.Repeat("[", n) + strings.Repeat("]", n)),
			[]byte(strings.Repeat(`{"a":`, n) + "1" + strings.Repeat("}", n)),
		} {
			if got, want := validJSON(b), json.Valid(b); got != want {
				t.Errorf("depth %d: validJSON = %t, json.Valid = %t", n, got, want)
			}
		}
	}
}

// FuzzValidJSON: validJSON is json.Valid.
func FuzzValidJSON(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := validJSON(b), json.Valid(b); got != want {
			t.Fatalf("%q: validJSON = %t, json.Valid = %t", b, got, want)
		}
	})
}

// FuzzMembers: on a valid object, members finds what decoding into a
// map[string]json.RawMessage finds, and plainString, where it applies,
// what decoding into a string gives.
func FuzzMembers(f *testing.F) {
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var want map[string]json.RawMessage
		if !isObject(b) || json.Unmarshal(b, &want) != nil {
			return
		}
		names := []string{"ret", "msg", "data", "code"}
		vals := make([]json.RawMessage, len(names))
		members(b, names, vals)
		for i, name := range names {
			w, ok := want[name]
			if (vals[i] != nil) != ok || !bytes.Equal(vals[i], w) {
				t.Fatalf("%q: member %s = %q, map has %q (%t)", b, name, vals[i], w, ok)
			}
			if s, ok := plainString(vals[i]); ok {
				var ws string
				if err := json.Unmarshal(vals[i], &ws); err != nil || ws != s {
					t.Fatalf("%q: plainString = %q, json says %q, %v", vals[i], s, ws, err)
				}
			}
		}
	})
}

// FuzzAppendForm: appendForm writes what url.Values.Encode writes for the
// same parameters.
func FuzzAppendForm(f *testing.F) {
	f.Add("App.Logistics.CCancelOrder", "tok", "orderId", "a b&c=d/é~", "s", "x", "access_token", "y", "taskId", true)
	f.Add("S", "", "access_token", "kept", "k", "", "", "", "", false)
	f.Fuzz(func(t *testing.T, service, token, k1, v1, k2, v2, k3, v3, k4 string, empty bool) {
		params := url.Values{k1: {v1, v2}, k2: {v2}, k3: {v3}}
		if empty {
			params[k4] = nil
		} else {
			params[k4] = []string{v1}
		}
		v := make(url.Values, len(params)+2)
		for k, vs := range params {
			v[k] = vs
		}
		v.Set("s", service)
		if token != "" {
			v.Set("access_token", token)
		}
		want := "https://api.example/?" + v.Encode()
		if got := string(appendForm([]byte("https://api.example/?"), params, service, token)); got != want {
			t.Fatalf("appendForm = %q, want %q", got, want)
		}
	})
}
