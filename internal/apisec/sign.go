package apisec

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
)

// requestSaltLength is the PSS salt length the guide requires for request
// signatures (the length of a SHA-256 digest).
const requestSaltLength = 32

// digest hashes the signed string urlpath\nappid\ntimestamp\nbody.
func digest(urlpath, appID, ts string, body []byte) []byte {
	h := sha256.New()
	_, _ = io.WriteString(h, urlpath+"\n"+appID+"\n"+ts+"\n")
	_, _ = h.Write(body)
	return h.Sum(nil)
}

// sign returns the base64 RSASSA-PSS (SHA-256, 32-byte salt) signature of d.
func sign(priv *rsa.PrivateKey, d []byte) (string, error) {
	sig, err := rsa.SignPSS(rand.Reader, priv, crypto.SHA256, d, &rsa.PSSOptions{SaltLength: requestSaltLength})
	if err != nil {
		return "", fmt.Errorf("apisec: signing failed: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// verify checks the base64 signature sig of d. saltLength is a byte count
// or rsa.PSSSaltLengthAuto.
func verify(pub *rsa.PublicKey, d []byte, header, sig string, saltLength int) error {
	if sig == "" {
		return fmt.Errorf("%w: %s is missing", ErrBadSignature, header)
	}
	raw, err := base64.StdEncoding.DecodeString(sig)
	if err != nil {
		return fmt.Errorf("%w: %s is not standard base64", ErrBadSignature, header)
	}
	if err := rsa.VerifyPSS(pub, crypto.SHA256, d, raw, &rsa.PSSOptions{SaltLength: saltLength}); err != nil {
		return fmt.Errorf("%w: %s does not match the message", ErrBadSignature, header)
	}
	return nil
}
