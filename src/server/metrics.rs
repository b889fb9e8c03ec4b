//! What the server has done, in Prometheus's text format (`/v1/metrics`):
//! requests by route and status, and their latency as a histogram.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Duration;

/// Latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Latency {
    /// Requests at or under each bucket's bound.
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Counters kept since the server started.
#[derive(Default)]
pub(crate) struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Latency>>,
}

impl Metrics {
    /// Counts one request to `route` answered with `status` after `took`.
    pub(crate) fn record(&self, route: &str, status: u16, took: Duration) {
        *self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry((route.to_string(), status))
            .or_default() += 1;
        let secs = took.as_secs_f64();
        let mut latency = self.latency.lock().unwrap_or_else(|p| p.into_inner());
        let l = latency.entry(route.to_string()).or_default();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                l.buckets[i] += 1;
            }
        }
        l.count += 1;
        l.sum += secs;
    }

    /// The counters in Prometheus's text format.
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP claimdb_requests_total Requests answered, by route and status.\n");
        out.push_str("# TYPE claimdb_requests_total counter\n");
        for ((route, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "claimdb_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str(
            "# HELP claimdb_request_duration_seconds Time to answer a request, by route.\n",
        );
        out.push_str("# TYPE claimdb_request_duration_seconds histogram\n");
        for (route, l) in self
            .latency
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            for (bound, n) in BUCKETS.iter().zip(l.buckets) {
                let _ = writeln!(
                    out,
                    "claimdb_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "claimdb_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                l.count
            );
            let _ = writeln!(
                out,
                "claimdb_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                l.sum
            );
            let _ = writeln!(
                out,
                "claimdb_request_duration_seconds_count{{route=\"{route}\"}} {}",
                l.count
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_route_status_and_bucket() {
        let m = Metrics::default();
        m.record("/v1/query", 200, Duration::from_millis(3));
        m.record("/v1/query", 200, Duration::from_millis(30));
        m.record("/v1/query", 400, Duration::from_micros(500));
        let text = m.render();
        assert!(
            text.contains("claimdb_requests_total{route=\"/v1/query\",status=\"200\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("claimdb_requests_total{route=\"/v1/query\",status=\"400\"} 1\n"),
            "{text}"
        );
        assert!(text.contains("le=\"0.005\"} 2\n"), "{text}");
        assert!(text.contains("le=\"0.05\"} 3\n"), "{text}");
        assert!(
            text.contains("claimdb_request_duration_seconds_count{route=\"/v1/query\"} 3\n"),
            "{text}"
        );
    }
}
