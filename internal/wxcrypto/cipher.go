package wxcrypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// KeyLength is the length of an EncodingAESKey.
const KeyLength = 43

const (
	blockSize  = 32 // WeChat pads to 32 bytes, not to aes.BlockSize
	prefixSize = 16 // random bytes in front of the length field
	headerSize = prefixSize + 4
)

// Reasons Decrypt refuses a message. Each error Decrypt returns matches one
// of them (errors.Is).
var (
	// ErrBase64 is a message that is not standard base64.
	ErrBase64 = errors.New("wxcrypto: ciphertext is not valid base64")
	// ErrCiphertextSize is a ciphertext that is empty or not a whole number
	// of AES blocks.
	ErrCiphertextSize = errors.New("wxcrypto: ciphertext size is not a positive multiple of the AES block size")
	// ErrPadding is a decrypted buffer whose padding is malformed: a pad
	// byte outside 1..32 or longer than the buffer, or pad bytes that
	// differ.
	ErrPadding = errors.New("wxcrypto: invalid padding")
	// ErrLength is a decrypted buffer whose length field does not fit it.
	ErrLength = errors.New("wxcrypto: message length field does not match the buffer")
	// ErrAppID is a message addressed to another app: the app ID after the
	// message is not ours.
	ErrAppID = errors.New("wxcrypto: message is for another app ID")
	// ErrKey is an EncodingAESKey that is not 43 characters of base64
	// encoding 32 bytes.
	ErrKey = errors.New("wxcrypto: EncodingAESKey must be 43 base64 characters encoding 32 bytes")
)

// DecodeKey returns the 32-byte AES key an EncodingAESKey stands for. Its
// error never repeats the key.
func DecodeKey(encodingAESKey string) ([]byte, error) {
	if len(encodingAESKey) != KeyLength {
		return nil, fmt.Errorf("%w (got %d characters)", ErrKey, len(encodingAESKey))
	}
	key, err := base64.StdEncoding.DecodeString(encodingAESKey + "=")
	if err != nil || len(key) != 32 {
		return nil, ErrKey
	}
	return key, nil
}

// Cipher encrypts and decrypts safe-mode messages for one app. It is safe
// for concurrent use as long as its random source is.
type Cipher struct {
	block cipher.Block
	iv    []byte
	appID string
	rand  io.Reader
}

// String names the app only: the IV is half the key.
func (c *Cipher) String() string { return "wxcrypto.Cipher{AppID:" + c.appID + " Key:REDACTED}" }

// Format prints String for every verb.
func (c *Cipher) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// New returns a Cipher for the app appID whose EncodingAESKey is
// encodingAESKey. Random prefixes come from crypto/rand.
func New(encodingAESKey, appID string) (*Cipher, error) {
	key, err := DecodeKey(encodingAESKey)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, ErrKey
	}
	return &Cipher{block: block, iv: key[:aes.BlockSize], appID: appID, rand: rand.Reader}, nil
}

// WithRand returns a copy of c that takes the 16-byte random prefix of each
// message from r. It exists so tests can reproduce published vectors; real
// use keeps crypto/rand.
func (c *Cipher) WithRand(r io.Reader) *Cipher {
	cp := *c
	cp.rand = r
	return &cp
}

// Encrypt seals msg for c's app and returns it in base64.
func (c *Cipher) Encrypt(msg []byte) (string, error) {
	if uint64(len(msg)) > math.MaxUint32 {
		return "", errors.New("wxcrypto: message too long")
	}
	n := headerSize + len(msg) + len(c.appID)
	pad := blockSize - n%blockSize // 1..32; a full block when n is aligned
	buf := make([]byte, n+pad)
	if _, err := io.ReadFull(c.rand, buf[:prefixSize]); err != nil {
		return "", fmt.Errorf("wxcrypto: reading random prefix: %w", err)
	}
	binary.BigEndian.PutUint32(buf[prefixSize:headerSize], uint32(len(msg)))
	copy(buf[headerSize:], msg)
	copy(buf[headerSize+len(msg):], c.appID)
	for i := n; i < len(buf); i++ {
		buf[i] = byte(pad)
	}
	cipher.NewCBCEncrypter(c.block, c.iv).CryptBlocks(buf, buf)
	return base64.StdEncoding.EncodeToString(buf), nil
}

// Decrypt opens a base64 message sealed for c's app and returns the message
// without prefix, length field, app ID or padding. It checks, in order: the
// base64, the ciphertext size, the padding, the length field, and the app
// ID.
func (c *Cipher) Decrypt(encrypted string) ([]byte, error) {
	msg, appID, err := c.open(encrypted)
	if err != nil {
		return nil, err
	}
	if string(appID) != c.appID {
		return nil, ErrAppID
	}
	return msg, nil
}

// DecryptAny is Decrypt without the app ID check: it returns the message and
// the app ID it was sealed for. It is meant for tools and tests that inspect
// messages; a receiver must use Decrypt.
func (c *Cipher) DecryptAny(encrypted string) (msg []byte, appID string, err error) {
	msg, id, err := c.open(encrypted)
	if err != nil {
		return nil, "", err
	}
	return msg, string(id), nil
}

func (c *Cipher) open(encrypted string) ([]byte, []byte, error) {
	buf, err := base64.StdEncoding.DecodeString(encrypted)
	if err != nil {
		return nil, nil, ErrBase64
	}
	if len(buf) == 0 || len(buf)%aes.BlockSize != 0 {
		return nil, nil, ErrCiphertextSize
	}
	cipher.NewCBCDecrypter(c.block, c.iv).CryptBlocks(buf, buf)
	return parse(buf)
}

// parse splits a decrypted buffer into message and app ID, both parts of
// buf. The message's capacity ends where it does, so appending to it cannot
// overwrite the app ID.
func parse(buf []byte) ([]byte, []byte, error) {
	buf, err := unpad(buf)
	if err != nil {
		return nil, nil, err
	}
	if len(buf) < headerSize {
		return nil, nil, ErrLength
	}
	n := uint64(binary.BigEndian.Uint32(buf[prefixSize:headerSize]))
	rest := buf[headerSize:]
	if n > uint64(len(rest)) {
		return nil, nil, ErrLength
	}
	return rest[:n:n], rest[n:], nil
}

// unpad strips the 32-byte-block padding.
func unpad(buf []byte) ([]byte, error) {
	if len(buf) == 0 {
		return nil, ErrPadding
	}
	pad := int(buf[len(buf)-1])
	if pad < 1 || pad > blockSize || pad > len(buf) {
		return nil, ErrPadding
	}
	for _, b := range buf[len(buf)-pad:] {
		if int(b) != pad {
			return nil, ErrPadding
		}
	}
	return buf[:len(buf)-pad], nil
}
