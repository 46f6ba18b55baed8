//! When the helper tells client-go to stop using a token.
//!
//! client-go reuses a credential until `status.expirationTimestamp` with no margin of its own
//! (`getCreds`: reused while `!now.After(exp)`, kubernetes/client-go @32ce75a7), and on a 401 it runs
//! the plugin again but returns the failed request as it is. So the margin has to be in the timestamp the
//! helper reports, and it has to cover two things:
//!
//! - **clock skew between hub and spoke**: the spoke's API server checks `exp` against its own clock, the
//!   helper computes the timestamp with the hub's; a spoke running ahead rejects the token early;
//! - **requests in flight**: a request that starts with the token just before the reported instant still
//!   has to reach the spoke and be authenticated.
//!
//! The rule: report `min(now + (exp − now)/2, exp − 60 s)`, rounded down to the second.
//!
//! - `exp − 60 s` is the floor on the margin: a minute covers ordinary NTP-disciplined skew many times
//!   over and is the skew `doctor` already tolerates for `iat`. It also keeps the timestamp strictly before
//!   `exp`, which the upstream plugin up to v0.0.6 got wrong (it reported `exp + (exp − now)/2`).
//! - Halfway to `exp` is what the fixed upstream plugin reports (`credentialExpiration`, upstream
//!   reference §1.2): with ZTWIM's default 5-minute JWT-SVID (`SpireServer.spec.defaultJWTValidity`) a
//!   fresh token is reported for 150 s, leaving 150 s of margin, and client-go runs the helper about
//!   twice per token lifetime. For a token with less than two minutes left, `exp − 60 s` is the earlier.
//! - No lower bound beyond that: with under a minute left the reported instant is at or before now, and
//!   client-go then uses the token for the request at hand and runs the helper again for the next one,
//!   which is right for a token about to die. A token already past `exp` is refused (see `fetch`), not
//!   reported.

/// The margin never goes below this.
pub const MIN_MARGIN_SECONDS: i64 = 60;

/// The `expirationTimestamp` (Unix seconds) to report for a token expiring at `exp`, at `now`.
pub fn reported_expiry(now: i64, exp: i64) -> i64 {
    let halfway = now + (exp - now) / 2;
    halfway.min(exp - MIN_MARGIN_SECONDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_five_minute_svid_is_reported_for_half_its_life() {
        assert_eq!(reported_expiry(1_000, 1_300), 1_150);
    }

    #[test]
    fn a_short_lived_svid_keeps_a_full_minute_of_margin() {
        // 100 s left: halfway would leave only 50 s.
        assert_eq!(reported_expiry(1_000, 1_100), 1_040);
        // 30 s left: already inside the margin, so client-go is told to ask again next time.
        assert!(reported_expiry(1_000, 1_030) <= 1_000);
    }

    #[test]
    fn always_strictly_before_exp() {
        for now in [0, 1, 59, 1_000] {
            for left in [1, 2, 60, 61, 119, 120, 121, 300, 3_600, 86_400] {
                let reported = reported_expiry(now, now + left);
                assert!(reported < now + left && reported <= now + left - MIN_MARGIN_SECONDS, "{now} {left}");
            }
        }
    }
}
