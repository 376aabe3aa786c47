// Package httpx is the HTTP layer under the SDK's request pipeline: one
// resty client per SDK client that never follows redirects, capped reply
// bodies, transport errors whose URLs are redacted, the User-Agent, and
// debug logging without secrets.
package httpx
