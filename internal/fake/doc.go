// Package fake is the plumbing the SDK's fake servers, logisticstest and
// apiusbtest, have in common: a queue of injected faults, the misbehaviours
// that do not depend on the provider (a delay, a dropped connection, an HTML
// error page), a book of issued access tokens, and a JSON writer.
//
// What a provider answers, its order or task book and its reply format stay
// in the fake that speaks it. Queue and Tokens are plain data guarded by the
// fake's own lock, so that a fake can log a request and take its fault, or
// check a token and change its books, in one step.
package fake
