// Package wxmsg reads and writes the flat documents of WeChat's message push,
// for both ends of it: the carrier's handler in package logistics and the
// fake WeChat in package logisticstest.
//
// A push document is one flat record, either XML under the root <xml> with
// text in CDATA and numbers bare, or a JSON object. Detect decides which a
// body is (by Content-Type, else by its first non-blank byte), Decode reads
// one into a struct, and Message writes one with its fields in a fixed order.
//
// In safe mode the record travels sealed: a request carries ToUserName and
// Encrypt (RequestEnvelope), a reply carries Encrypt, MsgSignature, TimeStamp
// and Nonce (ReplyEnvelope). This package only lays these documents out;
// encryption and signatures are package wxcrypto's.
//
// Everything here takes input from the network: nothing panics on any
// input, and the XML it writes is well-formed whatever the field values.
package wxmsg
