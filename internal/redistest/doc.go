// Package redistest starts throwaway redis-server processes for tests.
//
// Each server listens on a free loopback port, keeps its data in memory
// only (no RDB snapshots, no append-only file), runs from a temporary
// directory and is stopped when the test that started it ends.
//
// Tests that need Redis call Start. When the redis-server binary is not
// installed, Start skips the test with a message saying how to install it,
// except in CI (the environment variable CI set to a true value), where a
// missing server fails the test instead, so CI never passes by skipping.
// Set REDIS_SERVER to the path of a redis-server binary that is not on PATH.
package redistest
