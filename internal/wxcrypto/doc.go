// Package wxcrypto implements the two primitives of WeChat's message push:
// the sorted-SHA-1 signatures that authenticate a push (signature and
// msg_signature) and the AES-256-CBC envelope of safe mode.
//
// A safe-mode message is laid out, before encryption, as
//
//	16 random bytes | 4-byte big-endian length n | n bytes of message | app ID
//
// padded PKCS#7-style to a multiple of 32 bytes (not AES's 16), encrypted with
// AES-256-CBC under the 32-byte key that the 43-character EncodingAESKey
// encodes in base64 (without its final "="), with the first 16 key bytes as
// IV, and sent in standard base64.
//
// Decrypt treats its input as hostile: every length and offset it reads from
// the decrypted buffer is checked before use, and each way the input can be
// wrong has its own error value. Nothing here logs, and no error text
// contains key material.
package wxcrypto
