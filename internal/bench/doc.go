// Package bench holds the SDK's benchmarks against hand-written
// standard-library baselines. It has no non-test code; see BENCHMARKS.md at
// the repository root for how to run them and what the numbers mean.
package bench
