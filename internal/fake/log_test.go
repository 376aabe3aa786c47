package fake

import (
	"fmt"
	"testing"
)

type req struct {
	key    string
	params map[string]string
}

func TestLog(t *testing.T) {
	t.Parallel()
	var l Log[req]
	if got := l.Copy(nil); len(got) != 0 {
		t.Fatalf("empty log: %v", got)
	}
	l.Add(req{"a", map[string]string{"n": "1"}})
	l.Add(req{"b", map[string]string{"n": "2"}})
	l.Add(req{"a", map[string]string{"n": "3"}})

	clone := func(r req) req {
		p := make(map[string]string, len(r.params))
		for k, v := range r.params {
			p[k] = v
		}
		r.params = p
		return r
	}
	got := l.Copy(clone)
	got[0].params["n"] = "changed"
	got[1].key = "changed"
	if again := l.Copy(nil); again[0].params["n"] != "1" || again[1].key != "b" {
		t.Fatalf("a copy changed the log: %v", again)
	}

	as := Select(l.Copy(nil), func(r req) bool { return r.key == "a" })
	if fmt.Sprint(as) != "[{a map[n:1]} {a map[n:3]}]" {
		t.Fatalf("Select: %v", as)
	}
	if none := Select(l.Copy(nil), func(req) bool { return false }); none != nil {
		t.Fatalf("Select of nothing: %v", none)
	}
}
