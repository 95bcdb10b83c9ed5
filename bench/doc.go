// Package bench holds Podium's benchmarks of its foundation, the typed layer over the Docker
// Engine (backend/docker), of `podium up` of a pod on top of it (backend/pods), and of the
// deploy supervisor (backend/supervisor). The benchmarks are in the _test.go files and need a
// reachable engine; without one they skip. See README.md for what each one measures and how to
// run them.
package bench
