package logistics

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// How the handler uses its EventStore.
//
// Every POST that passes the signature and timestamp checks is remembered
// under a request key, made of its signed query (timestamp, nonce,
// signature): the same request again gets the same answer, and another
// body under that query is refused (401) without reaching a callback. A
// typed event with a callback is remembered as well under an event key,
// made of what identifies that event (see each route's identity), so that
// WeChat's retry, signed anew, is answered with the stored outcome.
//
// Both keys are first claimed (Claim) with a claim record naming the body's
// hash and a random holder, then replaced (Put) by the answer. Only final
// outcomes are put under an event key: after a -1, whether the callback
// failed, panicked or missed the deadline, the claim is released, so
// WeChat's next retry runs the callback again. A delivery that finds a key
// claimed by another delivery of the same push waits, asking the store
// every busyPoll, for its outcome until its own deadline (CallbackTimeout);
// if none comes it answers -1 (not remembered). A claim lasts the callback
// deadline and claimGrace, and its holder renews it while the callback
// runs (a callback may outlive the deadline), so a claim whose holder died
// expires within that time and a retry then runs the callback.
const (
	busyPoll   = 50 * time.Millisecond
	claimGrace = 2 * time.Second
	// retryWindow is how long WeChat goes on retrying an event: three
	// retries 5 seconds apart, with room to spare.
	retryWindow = time.Minute
	// storeTimeout bounds the store writes made after a callback
	// returns, which no longer depend on the request's context.
	storeTimeout = 2 * time.Second
)

// Record kinds, the first byte of every stored value.
const (
	recClaim   = 'C' // hash, holder: a delivery is being handled
	recAnswer  = 'A' // hash, outcome: what was answered
	recRefusal = 'R' // hash, status, reason: the request was refused
)

type bodyHash = [sha256.Size]byte

// outcome is what a push was answered with, without the fields the reply
// echoes from the event: those are taken from the event in hand when a
// stored outcome is used again, so no secret (such as add_waybill's Token)
// is ever written to the store.
type outcome struct {
	code        int    // ResultCode; for add_express_path, 0 or -1
	msg         string // ResultMsg
	waybillID   string // add_waybill
	waybillData string // add_waybill
	quota       int64  // check_biz, get_quota
}

// final reports whether an outcome is remembered under an event key.
func (o outcome) final() bool { return o.code != -1 }

func requestKey(ts, nonce, sig string) string {
	return hashedKey("push:req:", ts, nonce, sig)
}

func eventKey(identity []string) string { return hashedKey("push:event:", identity...) }

func hashedKey(prefix string, parts ...string) string {
	buf := make([]byte, 0, 512)
	for _, p := range parts {
		buf = append(buf, p...)
		buf = append(buf, 0)
	}
	sum := sha256.Sum256(buf)
	var key strings.Builder
	key.Grow(len(prefix) + hex.EncodedLen(len(sum)))
	key.WriteString(prefix)
	var digits [2 * sha256.Size]byte
	hex.Encode(digits[:], sum[:])
	key.Write(digits[:])
	return key.String()
}

// newClaim is a claim record: the body's hash and a random holder, so that
// a claim is released only by the delivery that took it.
func newClaim(hash bodyHash) []byte {
	b := make([]byte, 1+len(hash)+16)
	b[0] = recClaim
	copy(b[1:], hash[:])
	_, _ = rand.Read(b[1+len(hash):]) // crypto/rand.Read never fails
	return b
}

func encodeAnswer(hash bodyHash, o outcome) []byte {
	b := make([]byte, 0, 64+len(o.msg)+len(o.waybillID)+len(o.waybillData))
	b = append(b, recAnswer)
	b = append(b, hash[:]...)
	b = binary.AppendVarint(b, int64(o.code))
	b = binary.AppendVarint(b, o.quota)
	for _, s := range []string{o.msg, o.waybillID, o.waybillData} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func encodeRefusal(hash bodyHash, status int, reason string) []byte {
	b := make([]byte, 0, 1+len(hash)+4+len(reason))
	b = append(b, recRefusal)
	b = append(b, hash[:]...)
	b = binary.BigEndian.AppendUint16(b, uint16(status))
	return append(b, reason...)
}

// record is a stored value, decoded.
type record struct {
	kind   byte
	hash   bodyHash
	out    outcome // recAnswer
	status int     // recRefusal
	reason string  // recRefusal
}

var errRecord = errors.New("logistics: unreadable event store record")

func decodeRecord(b []byte) (record, error) {
	var r record
	if len(b) < 1+len(r.hash) {
		return r, errRecord
	}
	r.kind = b[0]
	copy(r.hash[:], b[1:])
	rest := b[1+len(r.hash):]
	switch r.kind {
	case recClaim:
		return r, nil
	case recRefusal:
		if len(rest) < 2 {
			return r, errRecord
		}
		r.status, r.reason = int(binary.BigEndian.Uint16(rest)), string(rest[2:])
		return r, nil
	case recAnswer:
		code, n := binary.Varint(rest)
		if n <= 0 || code < -1<<31 || code > 1<<31-1 {
			return r, errRecord
		}
		rest = rest[n:]
		quota, n := binary.Varint(rest)
		if n <= 0 {
			return r, errRecord
		}
		rest = rest[n:]
		r.out.code, r.out.quota = int(code), quota
		for _, dst := range []*string{&r.out.msg, &r.out.waybillID, &r.out.waybillData} {
			l, n := binary.Uvarint(rest)
			if n <= 0 || l > uint64(len(rest)-n) {
				return r, errRecord
			}
			*dst, rest = string(rest[n:n+int(l)]), rest[n+int(l):]
		}
		if len(rest) != 0 {
			return r, errRecord
		}
		return r, nil
	}
	return r, errRecord
}

// errBusy is acquire's answer when another delivery of the same push did
// not finish before this one's deadline.
var errBusy = errors.New("logistics: another delivery of this push is still being handled")

// errReplayed is acquire's answer when a signed query comes back with
// another body.
var errReplayed = errors.New("logistics: signed query already used with another body")

// acquire claims key for this delivery, or finds what another delivery
// stored. It returns (nil, nil) when the caller holds the claim and must
// replace it with an answer or release it; a record (an answer or a
// refusal) when one is stored; errReplayed when checkHash is set and the
// stored hash is not hash; errBusy when the key stayed claimed until ctx
// ended; and the store's errors as they are.
func (h *EventHandler) acquire(ctx context.Context, key string, claim []byte, hash bodyHash, checkHash bool) (*record, error) {
	var timer *time.Timer
	for {
		cur, claimed, err := h.store.Claim(ctx, key, claim, h.claimTTL)
		if err != nil {
			if ctx.Err() != nil {
				return nil, errBusy
			}
			return nil, err
		}
		if claimed {
			return nil, nil
		}
		rec, err := decodeRecord(cur)
		if err != nil {
			return nil, err
		}
		if checkHash && rec.hash != hash {
			return nil, errReplayed
		}
		if rec.kind != recClaim {
			return &rec, nil
		}
		if timer == nil {
			timer = time.NewTimer(busyPoll)
			defer timer.Stop()
		} else {
			timer.Reset(busyPoll)
		}
		select {
		case <-ctx.Done():
			return nil, errBusy
		case <-timer.C:
		}
	}
}

// background is a context for store writes that must happen whatever
// became of the request.
func background(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), storeTimeout)
}

// describeStoreError keeps a store's error to one line for the log.
func describeStoreError(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return strconv.Quote(s)
}

var zeroHash bodyHash

func hashBody(body []byte) bodyHash { return sha256.Sum256(body) }
