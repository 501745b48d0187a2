//go:build !race

package vendors_test

// raceDetector reports whether the tests run under the race detector, where
// the CPU-bound schema corpus is sampled (it checks logic, not concurrency,
// and runs whole in the plain test run).
const raceDetector = false
