package logisticstest

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
)

// NewEncodingAESKey returns a new random EncodingAESKey: the 43 characters
// of base64 that WeChat's console generates for message push, encoding 32
// bytes. Use it for EventConfig.EncodingAESKey and Pusher.EncodingAESKey in
// tests instead of typing one by hand.
func NewEncodingAESKey() string {
	var key [32]byte
	_, _ = rand.Read(key[:]) // crypto/rand.Read never fails
	// 32 bytes are 44 base64 characters, the last of them the padding
	// WeChat leaves off.
	return strings.TrimSuffix(base64.StdEncoding.EncodeToString(key[:]), "=")
}
