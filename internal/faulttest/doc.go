// Package faulttest holds the fault matrix: the SDK's clients against real
// loopback servers that reset connections, hang, truncate, flood or fail,
// each case checked for the right typed error or success, the number of
// requests or connections the server saw, and leaked goroutines. No case
// bounds how long it takes, so that a busy machine cannot fail it: a call
// that must end on a deadline is watched by internal/safetynet, and the
// waits between retries are checked on testing/synctest's fake clock, over
// an in-process transport. It has no non-test code.
package faulttest
