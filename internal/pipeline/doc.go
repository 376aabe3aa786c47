// Package pipeline is the one request pipeline under every call the SDK
// makes, business calls and token fetches alike, for every provider:
//
//	token → encode → send → read (capped) → judge → refresh the token once
//	→ retry (policy, full jitter, deadline-aware) → typed error
//
// A provider contributes only what differs (a Call): how to build the
// request for a token, and how to judge a reply — success, a final refusal
// with its sentinel, a transient failure, a rejected token, and whether the
// reply leaves open if the provider acted.
//
// What is the same for every provider is decided here, once:
//
//   - No reply (a refused or reset connection, a timeout) is an
//     *errors.TransportError, retried unless the caller's context ended.
//   - A reply larger than the cap, a redirect (never followed), or a body
//     that is not a JSON object is an *errors.APIError matching
//     errors.ErrSystem; after an HTTP 5xx it is retried.
//   - A byte order mark before the JSON is ignored.
//   - A rejected token is invalidated and replaced once per call, and the
//     same call sent again; a second rejection is final.
//   - Lost answers: when an attempt may have reached the provider without
//     its answer reaching the SDK, and a later attempt is refused with the
//     call's "already done" sentinel (errors.ErrDuplicateCancel for a
//     cancel), the call succeeded: an earlier attempt did it. When the
//     outcome is still unknown after the retries, Call.Settle asks the
//     provider.
//   - Every access token sent and every secret of the call is removed from
//     the provider's texts before they reach an error, a log or the
//     decoded reply.
package pipeline
