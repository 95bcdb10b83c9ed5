package supervisor

import (
	"math/rand/v2"
	"time"
)

// retryDelay is how long to wait before attempt n+1 after n failures in a row: min doubling up
// to max, with ±20% jitter so services that failed together do not retry in step.
func retryDelay(failures int, minD, maxD time.Duration) time.Duration {
	d := minD
	for i := 1; i < failures && d < maxD; i++ {
		d *= 2
	}
	d = min(d, maxD)
	spread := int64(d) * 2 / 5
	if spread <= 0 {
		return d
	}
	return d - time.Duration(spread/2) + time.Duration(rand.Int64N(spread+1))
}
