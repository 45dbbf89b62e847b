//! The drill's record directory: `scenario.ron`, `seed.txt`, `meta.json`, `journal.jsonl`,
//! `events.jsonl` (written as they happen), `hashes.jsonl` (state hashes along the way),
//! `refused.jsonl` (what the drill refused) and, at the end, `report.json`. Everything needed to replay, resume and review a drill. A directory
//! that holds a drill is never created over; [`Record::resume`] reopens it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sim::Event;

use super::journal::Journal;
use super::load::DrillSetup;
use super::sink::{Sink, with_path};

pub const JOURNAL: &str = "journal.jsonl";
pub const EVENTS: &str = "events.jsonl";
pub const REPORT: &str = "report.json";
pub const META: &str = "meta.json";
pub const SCENARIO: &str = "scenario.ron";
pub const SEED: &str = "seed.txt";
pub const HASHES: &str = "hashes.jsonl";
/// Orders and controls the drill refused, one line each (they never reach the journal): a
/// resume counts them back for the report.
pub const REFUSED: &str = "refused.jsonl";

/// `events.jsonl` is written batch by batch as events happen, and synced to the disk at most
/// once per this much wall time (and at the end); the journal, not the events, is what a
/// resume rebuilds from, so events lost since the last sync cost nothing.
pub const EVENTS_SYNC_EVERY: Duration = Duration::from_secs(1);

/// State hashes per drill, about: one every `1 / HASHES_PER_DRILL` of the drill (a whole number
/// of ticks), and one at the end.
pub const HASHES_PER_DRILL: u32 = 120;

/// Whether a state hash is written at drill second `t_s` (after the step into it, before that
/// second's orders): the one home of the cadence.
pub fn hash_due(t_s: u32, tick_s: u32, duration_s: u32) -> bool {
    let tick_s = tick_s.max(1);
    let every = (duration_s / HASHES_PER_DRILL).max(tick_s).div_ceil(tick_s) * tick_s;
    t_s > 0 && (t_s.is_multiple_of(every) || t_s >= duration_s)
}

/// One line of `hashes.jsonl`: the world's [`sim::World::state_hash`] at drill second `t_s`,
/// with the events so far, for a resume to check its rebuilt world against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashLine {
    pub t_s: u32,
    pub events: usize,
    /// 16 hex digits (a JSON number would lose bits in most readers).
    pub hash: String,
}

impl HashLine {
    pub fn of(world: &sim::World) -> HashLine {
        HashLine { t_s: world.time_s(), events: world.events().len(), hash: format!("{:016x}", world.state_hash()) }
    }
}

/// One line of `refused.jsonl`: who was refused what kind of thing, why, at drill second `t_s`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusalLine {
    pub t_s: u32,
    pub role: String,
    pub player: String,
    /// The refusal's stable code ([`sim::access::Refusal::code`]).
    pub code: String,
}

/// A resume, noted in `meta.json`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Resumed {
    pub utc: String,
    /// The drill second the world was rebuilt to.
    pub t_s: u32,
    /// Journal lines replayed, state hashes checked, bytes of torn last lines dropped.
    pub journal_lines: usize,
    pub hashes_checked: usize,
    pub torn_bytes: u64,
}

/// Facts about the drill kept beside the journal. Every field has a default, so the review
/// reads the meta of an older or crashed record too.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Meta {
    pub scenario_file: String,
    pub scenario_name: String,
    pub map: String,
    pub seed: u64,
    /// `protocol::PROTOCOL_VERSION` as people read it (`protocol::version_text`).
    pub protocol: String,
    pub server_version: String,
    /// `serve` or `run`.
    pub mode: String,
    pub started_utc: String,
    pub ended_utc: Option<String>,
    /// Simulated seconds reached, and whether the drill ran to its end.
    pub end_t_s: Option<u32>,
    pub finished: bool,
    /// Who played which role: `bot` or the player's name.
    pub players: Vec<(String, String)>,
    /// Each `serve --resume` of this record.
    pub resumed: Vec<Resumed>,
}

pub struct Record {
    dir: PathBuf,
    pub(crate) journal: Journal,
    events: Sink,
    hashes: Sink,
    refusals: Sink,
    /// Refusals on record when the drill was resumed (0 for a new one).
    refused_before: u32,
    last_events_sync: Instant,
    meta: Meta,
}

impl Record {
    /// Creates `dir` and writes what is known at the start; refuses a directory that holds a
    /// drill already ([`refuse_used`]).
    pub fn create(dir: &Path, setup: &DrillSetup, mode: &str) -> io::Result<Record> {
        refuse_used(dir)?;
        fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
        let journal = Journal::open(&dir.join(JOURNAL))?;
        Record::start(dir, setup, mode, journal)
    }

    /// As [`Record::create`] but with the journal going to `journal` (tests use a failing writer).
    pub fn with_journal(dir: &Path, setup: &DrillSetup, mode: &str, journal: Journal) -> io::Result<Record> {
        refuse_used(dir)?;
        fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
        Record::start(dir, setup, mode, journal)
    }

    /// A record that keeps only `meta.json` and `report.json` in `dir`: the journal, events and
    /// state hashes go nowhere, and nothing is synced. For throwaway runs that need the score and
    /// not the record (`stress` plays hundreds).
    pub fn scratch(dir: &Path, setup: &DrillSetup, mode: &str) -> io::Result<Record> {
        let mut record = Record::with_journal(dir, setup, mode, Journal::from_writer(Box::new(io::sink())))?;
        record.events = Sink::writer(EVENTS, Box::new(io::sink()));
        record.hashes = Sink::writer(HASHES, Box::new(io::sink()));
        record.refusals = Sink::writer(REFUSED, Box::new(io::sink()));
        Ok(record)
    }

    fn start(dir: &Path, setup: &DrillSetup, mode: &str, journal: Journal) -> io::Result<Record> {
        write(&dir.join(SCENARIO), setup.scenario_text.as_bytes())?;
        write(&dir.join(SEED), format!("{}\n", setup.seed).as_bytes())?;
        let events = Sink::create(&dir.join(EVENTS))?;
        let hashes = Sink::create(&dir.join(HASHES))?;
        let refusals = Sink::create(&dir.join(REFUSED))?;
        let meta = Meta {
            scenario_file: setup.scenario_path.display().to_string(),
            scenario_name: setup.scenario.name.clone(),
            map: setup.scenario.map.clone(),
            seed: setup.seed,
            protocol: protocol::version_text(protocol::PROTOCOL_VERSION),
            server_version: env!("CARGO_PKG_VERSION").into(),
            mode: mode.into(),
            started_utc: utc_now(),
            ended_utc: None,
            end_t_s: None,
            finished: false,
            players: Vec::new(),
            resumed: Vec::new(),
        };
        let record = Record {
            dir: dir.to_path_buf(),
            journal,
            events,
            hashes,
            refusals,
            refused_before: 0,
            last_events_sync: Instant::now(),
            meta,
        };
        record.write_meta()?;
        Ok(record)
    }

    /// Reopens the record of a drill being resumed, once its world was rebuilt and checked:
    /// cuts torn tails off the journal and the hashes (appends continue after their last whole
    /// line), rewrites `events.jsonl` to the rebuilt `events`, and notes the resume in the meta
    /// (the drill is no longer ended).
    pub fn resume(dir: &Path, events: &[Event], mut note: Resumed) -> io::Result<Record> {
        let journal_path = dir.join(JOURNAL);
        let lines = super::jsonl::read::<super::JournalLine>(&journal_path)?;
        super::jsonl::cut_torn_tail(&journal_path, &lines)?;
        let hashes_path = dir.join(HASHES);
        let hash_lines = super::jsonl::read::<HashLine>(&hashes_path)?;
        super::jsonl::cut_torn_tail(&hashes_path, &hash_lines)?;
        let refused_path = dir.join(REFUSED);
        let refused_lines = super::jsonl::read::<RefusalLine>(&refused_path)?;
        super::jsonl::cut_torn_tail(&refused_path, &refused_lines)?;
        note.torn_bytes = lines.torn + hash_lines.torn + refused_lines.torn;
        // The events as rebuilt, written aside and renamed over: never half old, half new.
        let tmp = dir.join(format!("{EVENTS}.tmp"));
        let mut sink = Sink::create(&tmp)?;
        sink.append(&event_lines(events)?, true)?;
        fs::rename(&tmp, dir.join(EVENTS)).map_err(|e| with_path(e, &dir.join(EVENTS)))?;
        let events = Sink::append_to(&dir.join(EVENTS))?;
        let mut meta: Meta =
            fs::read(dir.join(META)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        meta.ended_utc = None;
        meta.end_t_s = None;
        meta.finished = false;
        note.utc = utc_now();
        meta.resumed.push(note);
        let record = Record {
            dir: dir.to_path_buf(),
            journal: Journal::open(&journal_path)?,
            events,
            hashes: Sink::append_to(&hashes_path)?,
            refusals: Sink::append_to(&refused_path)?,
            refused_before: u32::try_from(refused_lines.items.len()).unwrap_or(u32::MAX),
            last_events_sync: Instant::now(),
            meta,
        };
        record.write_meta()?;
        Ok(record)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    pub fn meta(&self) -> &Meta {
        &self.meta
    }

    /// Appends events as JSON lines, the batch in one write as it happens; synced to the disk
    /// at most every [`EVENTS_SYNC_EVERY`]. Errors name the file.
    pub fn append_events(&mut self, events: &[Event]) -> io::Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let sync = self.last_events_sync.elapsed() >= EVENTS_SYNC_EVERY;
        self.events.append(&event_lines(events)?, sync)?;
        if sync {
            self.refusals.sync()?;
            self.last_events_sync = Instant::now();
        }
        Ok(())
    }

    /// Appends a state hash line, synced.
    pub fn append_hash(&mut self, line: &HashLine) -> io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
        text.push('\n');
        self.hashes.append(text.as_bytes(), true)
    }

    /// Appends a refusal line; synced with the events (at most once a wall second, and at
    /// the end), so a flood of refused orders costs no syncs of its own.
    pub fn append_refusal(&mut self, line: &RefusalLine) -> io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
        text.push('\n');
        self.refusals.append(text.as_bytes(), false)
    }

    /// Refusals on record when the drill was resumed ([`Record::resume`]); 0 for a new drill.
    pub fn refused_before(&self) -> u32 {
        self.refused_before
    }

    /// Puts the events and refusals on the disk.
    pub fn flush(&mut self) -> io::Result<()> {
        self.events.sync()?;
        self.refusals.sync()
    }

    /// Tests: the events go to `out` (a failing writer is a full disk).
    #[cfg(test)]
    pub(crate) fn set_events_writer(&mut self, out: Box<dyn std::io::Write + Send>) {
        self.events = Sink::writer(EVENTS, out);
    }

    /// Writes the report and the final meta.
    pub fn finish(&mut self, end_t_s: u32, finished: bool, report: &impl Serialize) -> io::Result<()> {
        self.flush()?;
        let json = serde_json::to_vec_pretty(report).map_err(io::Error::other)?;
        write(&self.dir.join(REPORT), &json)?;
        self.meta.ended_utc = Some(utc_now());
        self.meta.end_t_s = Some(end_t_s);
        self.meta.finished = finished;
        self.write_meta()
    }

    /// `meta.json`, written aside and renamed over, so a crash leaves the old one or the new.
    fn write_meta(&self) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(&self.meta).map_err(io::Error::other)?;
        let tmp = self.dir.join(format!("{META}.tmp"));
        write(&tmp, &json)?;
        fs::rename(&tmp, self.dir.join(META)).map_err(|e| with_path(e, &self.dir.join(META)))
    }
}

/// Events as JSON lines.
fn event_lines(events: &[Event]) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    for e in events {
        serde_json::to_writer(&mut bytes, e).map_err(io::Error::other)?;
        bytes.push(b'\n');
    }
    Ok(bytes)
}

fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    fs::write(path, bytes).map_err(|e| with_path(e, path))
}

/// Whether `dir` holds a drill (its journal or its meta).
pub fn holds_drill(dir: &Path) -> bool {
    dir.join(JOURNAL).exists() || dir.join(META).exists()
}

/// Refuses a directory that holds a drill: a record is never overwritten.
pub fn refuse_used(dir: &Path) -> io::Result<()> {
    if holds_drill(dir) {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{0} holds a drill already (journal.jsonl / meta.json) and is never overwritten; \
                 continue it with `sandtable-server serve --resume {0}` or choose another directory \
                 (该目录已有演练记录，不会覆盖；续演请用 --resume)",
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// `records/<scenario-stem>-<UTC timestamp>`: the default record directory (`-2`, `-3`... when
/// a drill started in the same second holds that name).
pub fn default_record_dir(setup: &DrillSetup) -> PathBuf {
    let base = format!("{}-{}", setup.stem(), utc_stamp(SystemTime::now()));
    let mut dir = PathBuf::from("records").join(&base);
    let mut n = 1;
    while dir.exists() {
        n += 1;
        dir = PathBuf::from("records").join(format!("{base}-{n}"));
    }
    dir
}

/// Now as `2025-06-01T08:30:00Z`. The server may read the wall clock; `sim` never does.
pub fn utc_now() -> String {
    let (y, mo, d, h, mi, s) = civil(SystemTime::now());
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `20250601T083000Z`: a timestamp safe in file names.
pub fn utc_stamp(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s) = civil(t);
    format!("{y:04}{mo:02}{d:02}T{h:02}{mi:02}{s:02}Z")
}

/// UTC calendar fields of a time (the civil calendar of `sim::scenario::civil_from_days`; no date crate needed).
fn civil(t: SystemTime) -> (i64, u32, u32, u32, u32, u32) {
    let secs = t.duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = sim::scenario::civil_from_days(days);
    let (m, d) = (m as u32, d as u32);
    (y, m, d, (rem / 3600) as u32, (rem % 3600 / 60) as u32, (rem % 60) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn civil_dates_are_right() {
        assert_eq!(utc_stamp(UNIX_EPOCH), "19700101T000000Z");
        // 2024-02-29 12:34:56 UTC (a leap day).
        assert_eq!(utc_stamp(UNIX_EPOCH + Duration::from_secs(1_709_210_096)), "20240229T123456Z");
    }
}
