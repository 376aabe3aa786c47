package wxcrypto

import (
	"crypto/sha1"
	"encoding/hex"
	"testing"
)

func TestSignature(t *testing.T) {
	t.Parallel()
	sum := func(s string) string {
		h := sha1.Sum([]byte(s))
		return hex.EncodeToString(h[:])
	}
	tests := []struct {
		name  string
		parts []string
		want  string
	}{
		{"sorted byte-wise", []string{"token", "1409659813", "1372623149"}, sum("13726231491409659813token")},
		{"upper case sorts first", []string{"b", "B", "a"}, sum("Bab")},
		{"empty parts", []string{"", "x"}, sum("x")},
		{"none", nil, sum("")},
		{"order of arguments is irrelevant", []string{"nonce", "token", "ts", "Encrypt"}, sum("Encryptnoncetokents")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := append([]string(nil), tt.parts...)
			if got := Signature(tt.parts...); got != tt.want {
				t.Errorf("Signature(%q) = %s, want %s", tt.parts, got, tt.want)
			}
			for i := range in {
				if in[i] != tt.parts[i] {
					t.Fatalf("Signature reordered its argument: %q", tt.parts)
				}
			}
			if !Verify(tt.want, tt.parts...) {
				t.Errorf("Verify(%s) = false", tt.want)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	t.Parallel()
	parts := []string{"pamtest", "1409304348", "xxxxxx"}
	good := Signature(parts...)
	upper := []byte(good)
	for i, c := range upper {
		if c >= 'a' && c <= 'f' {
			upper[i] = c - 'a' + 'A'
		}
	}
	flipped := []byte(good)
	flipped[len(flipped)-1] ^= 1
	for _, got := range []string{"", good[:39], good + "0", string(flipped), string(upper), " " + good} {
		if Verify(got, parts...) {
			t.Errorf("Verify(%q) = true", got)
		}
	}
	if Verify(good, "pamtest", "1409304348", "xxxxxy") {
		t.Error("Verify accepted a signature over other parts")
	}
}
