package faulttest

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test closes its servers and idle connections; anything still
// running afterwards is a leak.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
