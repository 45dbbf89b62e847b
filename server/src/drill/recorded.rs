//! Reading a drill back from its record directory: the scenario as it was played, the seed,
//! the journal and the meta, and from them a [`Replay`] of the whole drill. The review, the
//! `report` command and the replay client start here; a record whose server died (no
//! `report.json`, a partial last journal line) reads back up to its last whole line.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use sim::replay::{Replay, TimedCommand};
use sim::{Command, Role};

use super::journal::{JournalLine, read_journal};
use super::load::DrillSetup;
use super::record::{EVENTS, JOURNAL, META, SCENARIO, SEED};

/// Largest journal accepted (a hostile or damaged record must not exhaust memory).
const MAX_JOURNAL_BYTES: u64 = 256 * 1024 * 1024;

/// A record directory read back.
pub struct LoadedRecord {
    pub dir: PathBuf,
    /// `scenario.ron` of the record, loaded with its map.
    pub setup: DrillSetup,
    pub journal: Vec<JournalLine>,
    /// `meta.json` as written (absent or unreadable in a damaged record).
    pub meta: Option<serde_json::Value>,
    /// Where the drill got to: the meta's `end_t_s`, else the last journaled or recorded moment.
    pub end_s: u32,
    /// Whether the drill ran to its end (false for a drill stopped early or whose server died).
    pub finished: bool,
}

/// Reads the record in `dir`, with maps from `assets/maps/`.
pub fn load_record(dir: &Path) -> anyhow::Result<LoadedRecord> {
    load_record_with_maps(dir, &crate::paths::maps_root())
}

/// As [`load_record`] with the maps under `maps`.
pub fn load_record_with_maps(dir: &Path, maps: &Path) -> anyhow::Result<LoadedRecord> {
    if !dir.is_dir() {
        bail!("{}: not a record directory (记录目录不存在)", dir.display());
    }
    let seed_path = dir.join(SEED);
    let seed_text = std::fs::read_to_string(&seed_path).with_context(|| format!("{}", seed_path.display()))?;
    let seed: u64 = seed_text
        .trim()
        .parse()
        .with_context(|| format!("{}: expected a number, found {:?}", seed_path.display(), seed_text.trim()))?;
    let setup = DrillSetup::load_with_maps(&dir.join(SCENARIO), maps, Some(seed))?;
    let journal_path = dir.join(JOURNAL);
    let size = std::fs::metadata(&journal_path).map(|m| m.len()).unwrap_or(0);
    if size > MAX_JOURNAL_BYTES {
        bail!("{}: {size} bytes, more than the {MAX_JOURNAL_BYTES} a record may hold", journal_path.display());
    }
    let journal = if journal_path.exists() { read_journal(&journal_path)? } else { Vec::new() };
    let meta: Option<serde_json::Value> =
        std::fs::read(dir.join(META)).ok().and_then(|b| serde_json::from_slice(&b).ok());
    let finished = meta.as_ref().and_then(|m| m["finished"].as_bool()).unwrap_or(false);
    let duration_s = (setup.scenario.duration_h * 3600.0) as u32;
    let end_s = match meta.as_ref().and_then(|m| m["end_t_s"].as_u64()) {
        Some(t) => t as u32,
        None => last_moment(dir, &journal).min(duration_s),
    };
    Ok(LoadedRecord { dir: dir.to_path_buf(), setup, journal, meta, end_s, finished })
}

impl LoadedRecord {
    /// The accepted orders of the journal, as the world applied them (controls are skipped:
    /// they steer the clock, not the world). A line naming an unknown role is an error.
    pub fn commands(&self) -> anyhow::Result<Vec<TimedCommand>> {
        let mut out = Vec::new();
        for line in &self.journal {
            let Some(order) = &line.order else { continue };
            let from: Role = line.role.parse().map_err(|e| {
                anyhow::anyhow!("{}: journal line {}: role {:?}: {e}", self.dir.display(), line.seq, line.role)
            })?;
            out.push(TimedCommand {
                seq: line.seq,
                t_s: line.t_s,
                command: Command { from, by: line.player.clone(), order: order.clone() },
            });
        }
        Ok(out)
    }

    /// Plays the drill again to where it got ([`LoadedRecord::end_s`]).
    pub fn replay(&self, progress: &mut dyn FnMut(f32)) -> anyhow::Result<Replay> {
        let commands = self.commands()?;
        Replay::build(
            self.setup.scenario.clone(),
            self.setup.map.clone(),
            self.setup.seed,
            commands,
            Some(self.end_s),
            progress,
        )
        .map_err(|e| anyhow::anyhow!("{}: {}", self.dir.display(), e.0))
    }
}

/// The last moment a damaged record shows: its last journal line or its last whole event line
/// (a torn last event line is dropped, [`super::jsonl`]).
fn last_moment(dir: &Path, journal: &[JournalLine]) -> u32 {
    let journaled = journal.last().map_or(0, |l| l.t_s);
    let evented = match super::jsonl::read::<sim::Event>(&dir.join(EVENTS)) {
        Ok(lines) => lines.items.last().map_or(0, |e| e.t_s),
        Err(e) => {
            tracing::warn!("events not read back: {e}");
            0
        }
    };
    journaled.max(evented)
}
