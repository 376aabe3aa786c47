// Package faulttest holds the fault matrix: the SDK's clients against real
// loopback servers that reset connections, hang, truncate, flood or fail,
// each case checked for the right typed error or success, a time bound and
// leaked goroutines. It has no non-test code.
package faulttest
