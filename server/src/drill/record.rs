//! The drill's record directory: `scenario.ron`, `seed.txt`, `meta.json`, `journal.jsonl`,
//! `events.jsonl` and, at the end, `report.json`. Everything needed to replay and review a drill.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sim::Event;

use super::journal::Journal;
use super::load::DrillSetup;

pub const JOURNAL: &str = "journal.jsonl";
pub const EVENTS: &str = "events.jsonl";
pub const REPORT: &str = "report.json";
pub const META: &str = "meta.json";
pub const SCENARIO: &str = "scenario.ron";
pub const SEED: &str = "seed.txt";

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
}

pub struct Record {
    dir: PathBuf,
    pub(crate) journal: Journal,
    events: BufWriter<File>,
    meta: Meta,
}

impl Record {
    /// Creates `dir` and writes what is known at the start.
    pub fn create(dir: &Path, setup: &DrillSetup, mode: &str) -> io::Result<Record> {
        fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
        let journal = Journal::open(&dir.join(JOURNAL)).map_err(|e| with_path(e, &dir.join(JOURNAL)))?;
        Record::with_journal(dir, setup, mode, journal)
    }

    /// As [`Record::create`] but with the journal going to `journal` (tests use a failing writer).
    pub fn with_journal(dir: &Path, setup: &DrillSetup, mode: &str, journal: Journal) -> io::Result<Record> {
        fs::create_dir_all(dir).map_err(|e| with_path(e, dir))?;
        write(&dir.join(SCENARIO), setup.scenario_text.as_bytes())?;
        write(&dir.join(SEED), format!("{}\n", setup.seed).as_bytes())?;
        let events_path = dir.join(EVENTS);
        let events = BufWriter::new(File::create(&events_path).map_err(|e| with_path(e, &events_path))?);
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
        };
        let record = Record { dir: dir.to_path_buf(), journal, events, meta };
        record.write_meta()?;
        Ok(record)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    /// Appends events as JSON lines (buffered; flushed at the end and by [`Record::flush`]).
    pub fn append_events(&mut self, events: &[Event]) -> io::Result<()> {
        for e in events {
            serde_json::to_writer(&mut self.events, e).map_err(io::Error::other)?;
            self.events.write_all(b"\n")?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.events.flush()
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

    fn write_meta(&self) -> io::Result<()> {
        let json = serde_json::to_vec_pretty(&self.meta).map_err(io::Error::other)?;
        write(&self.dir.join(META), &json)
    }
}

fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    fs::write(path, bytes).map_err(|e| with_path(e, path))
}

fn with_path(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// `records/<scenario-stem>-<UTC timestamp>`: the default record directory.
pub fn default_record_dir(setup: &DrillSetup) -> PathBuf {
    PathBuf::from("records").join(format!("{}-{}", setup.stem(), utc_stamp(SystemTime::now())))
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
