package jsonx

import (
	"encoding/json"
	"testing"
)

func TestInt(t *testing.T) {
	t.Parallel()
	cases := []struct {
		raw    string
		n      int
		ok, is bool // ok: a value; is: no error
	}{
		{`0`, 0, true, true},
		{` 200 `, 200, true, true},
		{`"200"`, 200, true, true},
		{`" 406 "`, 406, true, true},
		{`400.0`, 400, true, true},
		{`-1`, -1, true, true},
		{``, 0, false, true},
		{`null`, 0, false, true},
		{`"x"`, 0, false, false},
		{`0.5`, 0, false, false},
		{`true`, 0, false, false},
		{`{}`, 0, false, false},
		{`99999999999`, 0, false, false}, // beyond int32
		{`"\u0031"`, 1, true, true},
	}
	for _, c := range cases {
		n, ok, err := Int([]byte(c.raw))
		if n != c.n || ok != c.ok || (err == nil) != c.is {
			t.Errorf("Int(%s) = %d, %v, %v; want %d, %v, error %v", c.raw, n, ok, err, c.n, c.ok, !c.is)
		}
	}
	if n, ok, err := Int64([]byte(`1700000000000`)); n != 1700000000000 || !ok || err != nil {
		t.Errorf("Int64 = %d, %v, %v", n, ok, err)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		`"ok"`:          "ok",
		`"取消成功"`:        "取消成功",
		`"a\nb"`:        "a\nb",
		`"\u4e0d"`:      "不",
		`null`:          "",
		``:              "",
		`5`:             "5",
		`{"a": [1, 2]}`: `{"a":[1,2]}`,
		"\"\xff\"":      "\uFFFD",
	}
	for raw, want := range cases {
		if got := Text([]byte(raw)); got != want {
			t.Errorf("Text(%s) = %q, want %q", raw, got, want)
		}
	}
}

// FuzzText checks the fast path of Text against encoding/json: a JSON
// string reads as encoding/json reads it.
func FuzzText(f *testing.F) {
	for _, s := range []string{`"ok"`, `"a\"b"`, `"\u0000"`, "\"\xff\"", `"取消成功"`, `"tab	in"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var want string
		if json.Unmarshal(raw, &want) != nil {
			return
		}
		if len(raw) > 0 && raw[0] == '"' {
			if got := Text(raw); got != want {
				t.Fatalf("Text(%q) = %q, encoding/json says %q", raw, got, want)
			}
		}
	})
}
