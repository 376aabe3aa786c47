package wxcrypto

import (
	"crypto/sha1"
	"crypto/subtle"
	"encoding/hex"
	"slices"
)

// Signature returns WeChat's signature over parts: the lower-case hex SHA-1
// of the parts sorted byte-wise and concatenated. With token, timestamp and
// nonce it is the query's signature; adding the Encrypt field gives
// msg_signature. parts is not modified.
func Signature(parts ...string) string {
	sorted := slices.Clone(parts)
	slices.Sort(sorted)
	h := sha1.New()
	for _, p := range sorted {
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Verify reports whether got is the signature over parts. The comparison
// takes the same time wherever the first difference is, so it leaks nothing
// about the expected value. Upper-case hex is refused: WeChat sends lower
// case.
func Verify(got string, parts ...string) bool {
	want := Signature(parts...)
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
