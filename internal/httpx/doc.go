// Package httpx is the HTTP plumbing the waybill clients share: one resty
// client per SDK client, capped reply bodies, transport errors whose URLs are
// redacted, debug logging without secrets, and the retry loop.
package httpx
