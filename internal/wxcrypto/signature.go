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
	sum := signature(parts)
	return string(sum[:])
}

// Verify reports whether got is the signature over parts. The comparison
// takes the same time wherever the first difference is, so it leaks nothing
// about the expected value. Upper-case hex is refused: WeChat sends lower
// case.
func Verify(got string, parts ...string) bool {
	want := signature(parts)
	if len(got) != len(want) {
		return false
	}
	var diff byte
	for i := range want {
		diff |= got[i] ^ want[i]
	}
	return subtle.ConstantTimeByteEq(diff, 0) == 1
}

// signature is Signature in hex, computed without allocating for the usual
// three or four parts of moderate size.
func signature(parts []string) [2 * sha1.Size]byte {
	var stack [4]string
	sorted := append(stack[:0], parts...)
	slices.Sort(sorted)
	n := 0
	for _, p := range sorted {
		n += len(p)
	}
	var buf [1024]byte
	msg := buf[:0]
	if n > len(buf) {
		msg = make([]byte, 0, n)
	}
	for _, p := range sorted {
		msg = append(msg, p...)
	}
	sum := sha1.Sum(msg)
	var out [2 * sha1.Size]byte
	hex.Encode(out[:], sum[:])
	return out
}
