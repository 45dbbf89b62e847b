//! Rate-limited logging: a [`Throttle`] lets the first occurrence of a kind of line through,
//! counts the repeats, and says how many there were once per [`SUMMARY_EVERY`]. The host uses
//! it for refusals (per client and refusal code); [`init`] installs it on the log lines of
//! renet and netcode (one ERROR line per garbage datagram otherwise), which
//! `NetServer::receive` summarises through [`summarise_transport`].

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tracing::Subscriber;
use tracing_subscriber::layer::{Context, Filter};

/// How often a repeated line is summarised.
pub const SUMMARY_EVERY: Duration = Duration::from_secs(10);

/// What to do with one occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Say {
    /// Log it: the first of its kind (in a while).
    First,
    /// Log it with this count: the occurrences since the last line, this one included.
    Summary(u64),
    /// Count it, say nothing.
    Quiet,
}

struct Entry {
    since: Instant,
    quiet: u64,
}

/// Counts occurrences per key; see [`Throttle::hit`].
pub struct Throttle<K> {
    every: Duration,
    entries: HashMap<K, Entry>,
    lines: u64,
}

impl<K: Hash + Eq + Clone> Throttle<K> {
    pub fn new(every: Duration) -> Throttle<K> {
        Throttle { every, entries: HashMap::new(), lines: 0 }
    }

    /// One occurrence of `key` at `now`: the first is logged, repeats are counted, and the first
    /// repeat after `every` is logged with the count since the last line.
    pub fn hit(&mut self, key: K, now: Instant) -> Say {
        let say = match self.entries.get_mut(&key) {
            None => {
                self.entries.insert(key, Entry { since: now, quiet: 0 });
                Say::First
            }
            Some(e) if now.saturating_duration_since(e.since) >= self.every => {
                let n = e.quiet + 1;
                *e = Entry { since: now, quiet: 0 };
                Say::Summary(n)
            }
            Some(e) => {
                e.quiet += 1;
                Say::Quiet
            }
        };
        if say != Say::Quiet {
            self.lines += 1;
        }
        say
    }

    /// The keys whose repeats have gone unsaid for `every`, with their counts (to be logged now);
    /// keys quiet for that long are forgotten, so the map stays small.
    pub fn due(&mut self, now: Instant) -> Vec<(K, u64)> {
        let every = self.every;
        let mut out = Vec::new();
        self.entries.retain(|k, e| {
            if now.saturating_duration_since(e.since) < every {
                return true;
            }
            if e.quiet > 0 {
                out.push((k.clone(), e.quiet));
            }
            false
        });
        self.lines += out.len() as u64;
        out
    }

    /// Lines this throttle let through (tests count them).
    pub fn lines(&self) -> u64 {
        self.lines
    }
}

/// Log lines of renet and netcode, keyed by where they come from (file and line).
type TransportKey = (String, u32);

static TRANSPORT: Mutex<Option<Throttle<TransportKey>>> = Mutex::new(None);

fn is_transport(target: &str) -> bool {
    target.starts_with("renet") || target.starts_with("server::net::transport")
}

/// A per-layer filter throttling renet's and netcode's warnings and errors (garbage datagrams,
/// bad payloads); everything else passes.
pub struct TransportThrottle;

impl<S: Subscriber> Filter<S> for TransportThrottle {
    fn enabled(&self, _meta: &tracing::Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        true
    }

    fn callsite_enabled(&self, _meta: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }

    fn event_enabled(&self, event: &tracing::Event<'_>, _cx: &Context<'_, S>) -> bool {
        let meta = event.metadata();
        if *meta.level() > tracing::Level::WARN {
            return true;
        }
        // renet and netcode log through the `log` crate: such events carry their real target,
        // file and line as `log.*` fields.
        let mut from = LogOrigin::default();
        if meta.target() == "log" {
            event.record(&mut from);
        }
        let target = from.target.as_deref().unwrap_or(meta.target());
        if !is_transport(target) {
            return true;
        }
        let file = from.file.as_deref().or(meta.file()).unwrap_or(target);
        let key = (file.to_string(), from.line.or(meta.line().map(u64::from)).unwrap_or(0) as u32);
        let Ok(mut t) = TRANSPORT.lock() else { return true };
        let t = t.get_or_insert_with(|| Throttle::new(SUMMARY_EVERY));
        t.hit(key, Instant::now()) != Say::Quiet
    }
}

/// Where a `log` record bridged into tracing came from.
#[derive(Default)]
struct LogOrigin {
    target: Option<String>,
    file: Option<String>,
    line: Option<u64>,
}

impl tracing::field::Visit for LogOrigin {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        match field.name() {
            "log.target" => self.target = Some(value.to_string()),
            "log.file" => self.file = Some(value.to_string()),
            _ => {}
        }
    }
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if field.name() == "log.line" {
            self.line = Some(value);
        }
    }
    fn record_debug(&mut self, _field: &tracing::field::Field, _value: &dyn std::fmt::Debug) {}
}

/// Logs how many transport lines were held back, once per [`SUMMARY_EVERY`] and kind; called
/// from the server's receive loop.
pub fn summarise_transport() {
    let due = match TRANSPORT.lock() {
        Ok(mut t) => t.as_mut().map(|t| t.due(Instant::now())).unwrap_or_default(),
        Err(_) => return,
    };
    for ((file, line), n) in due {
        tracing::warn!(
            "{n} more transport errors (garbage or replayed datagrams) like the one logged from {file}:{line}, in the last {} s",
            SUMMARY_EVERY.as_secs()
        );
    }
}

/// Logs to stderr with the throttle on renet and netcode; `RUST_LOG` overrides the default
/// level (info). A second call does nothing.
pub fn init() {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(TransportThrottle);
    let _ = tracing_subscriber::registry().with(filter).with(fmt).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_thousand_repeats_make_a_few_lines() {
        let t0 = Instant::now();
        let mut t = Throttle::new(SUMMARY_EVERY);
        let mut said = Vec::new();
        // 10,000 hits over 25 s from one client, 3 from another.
        for i in 0..10_000u64 {
            let now = t0 + Duration::from_micros(i * 2_500);
            let s = t.hit("a", now);
            if s != Say::Quiet {
                said.push(s);
            }
        }
        for _ in 0..3 {
            assert_ne!(t.hit("b", t0), Say::Summary(0));
        }
        assert_eq!(said[0], Say::First);
        assert_eq!(said.len(), 3, "{said:?}");
        assert_eq!(said[1], Say::Summary(4_000));
        let due = t.due(t0 + Duration::from_secs(40));
        let mut due: Vec<(&str, u64)> = due.into_iter().collect();
        due.sort();
        assert_eq!(due, vec![("a", 1_999), ("b", 2)]);
        assert_eq!(t.lines(), 1 + 2 + 1 + 2, "a: first + 2 summaries; b: first; then 2 due");
        assert!(t.due(t0 + Duration::from_secs(80)).is_empty(), "said once, then forgotten");
    }

    #[test]
    fn the_transport_filter_lets_one_garbage_line_through_and_other_lines_pass() {
        use std::io::Write;
        use std::sync::Arc;
        use tracing_subscriber::prelude::*;

        #[derive(Clone, Default)]
        struct Lines(Arc<Mutex<Vec<u8>>>);
        impl Write for Lines {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let out = Lines::default();
        let writer = out.clone();
        let layer = tracing_subscriber::fmt::layer().with_writer(move || writer.clone()).with_filter(TransportThrottle);
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..10_000 {
                tracing::error!(target: "renetcode::server", "Failed to process packet: garbage");
            }
            for _ in 0..3 {
                tracing::info!(target: "server::host", "a line of our own");
            }
        });
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        assert_eq!(text.matches("Failed to process packet").count(), 1, "{text}");
        assert_eq!(text.matches("a line of our own").count(), 3, "{text}");
    }
}
