//! Per-client rate limit: a token bucket on the wall clock, so one client cannot flood the
//! journal. Time is passed in, so tests need no sleeping.

use std::time::Duration;

#[derive(Clone, Debug)]
pub struct RateLimit {
    per_s: f64,
    burst: f64,
    tokens: f64,
    last: Duration,
}

impl RateLimit {
    /// `per_s` commands per second on average, up to `burst` at once.
    pub fn new(per_s: f64, burst: f64) -> RateLimit {
        RateLimit { per_s, burst, tokens: burst, last: Duration::ZERO }
    }

    /// Takes one token at time `now` (monotonic since the host started); false when none is left.
    pub fn allow(&mut self, now: Duration) -> bool {
        let dt = now.saturating_sub(self.last).as_secs_f64();
        self.last = self.last.max(now);
        self.tokens = (self.tokens + dt * self.per_s).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_burst_then_the_rate() {
        let mut r = RateLimit::new(20.0, 20.0);
        let t0 = Duration::from_secs(10);
        let allowed = (0..30).filter(|_| r.allow(t0)).count();
        assert_eq!(allowed, 20, "the burst, no more, at one instant");
        // Half a second later: 10 more tokens.
        let t1 = t0 + Duration::from_millis(500);
        let allowed = (0..30).filter(|_| r.allow(t1)).count();
        assert_eq!(allowed, 10);
        // Time going backwards (it cannot, but) gives nothing.
        assert!(!r.allow(t0));
    }
}
