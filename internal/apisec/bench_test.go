package apisec

import (
	"testing"
	"time"
)

const benchRequest = `{"wx_store_id":"4000000000000574014","store_order_id":"ZD20231130162114604","cancel_reason_id":1,"cancel_reason":"不需要了"}`
const benchReply = `{"errcode":0,"errmsg":"ok","wx_store_id":"4000000000000574014","wx_order_id":"4000000000000001","store_order_id":"ZD20231130162114604","order_status":30000,"deductfee":200}`

// BenchmarkSealRequest is the client's cost per sealed request: AES-GCM,
// JSON walking and one RSA-2048 PSS signature (which dominates).
func BenchmarkSealRequest(b *testing.B) {
	f := newFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := f.keys.SealRequest(testURLPath, []byte(benchRequest), t0); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenReply is the client's cost per reply: one RSA-2048 PSS
// verification, AES-GCM and JSON walking.
func BenchmarkOpenReply(b *testing.B) {
	f := newFixture(b)
	body, hdr, err := f.platform.SealReply(testURLPath, []byte(benchReply), t0)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.keys.OpenReply(testURLPath, hdr, body, t0, t0.Add(time.Second)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealWithoutSigning and BenchmarkOpenWithoutVerifying isolate the
// part of the two above that is not RSA.
func BenchmarkSealWithoutSigning(b *testing.B) {
	f := newFixture(b)
	iv := make([]byte, ivSize)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := sealMessage(f.keys.aead, testAppID, f.tk.SymmetricSN, testURLPath, []byte(benchRequest), t0.Unix(), iv, "abcdefghabcdefghabcdef"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenWithoutVerifying(b *testing.B) {
	f := newFixture(b)
	body, hdr, err := f.platform.SealReply(testURLPath, []byte(benchReply), t0)
	if err != nil {
		b.Fatal(err)
	}
	tsText, ts, err := headerTimestamp(hdr)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		env, ok := parseEnvelope(body)
		if !ok {
			b.Fatal("not sealed")
		}
		if _, err := openMessage(f.keys.aead, testAppID, f.tk.SymmetricSN, testURLPath, tsText, ts, env); err != nil {
			b.Fatal(err)
		}
	}
}
