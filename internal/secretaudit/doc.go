// Package secretaudit holds the secret audit: one test that drives the error
// paths of every client, token source, store and the event handler with
// debug logging on, and checks that no configured secret appears in any
// error (the whole Unwrap chain), any log line or any printed value. It has
// no non-test code.
package secretaudit
