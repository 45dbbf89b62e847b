//! `serve --resume RECORD_DIR`: a drill rebuilt from its record after a crash (or a stop). The
//! world is replayed from `scenario.ron`, `seed.txt` and `journal.jsonl` ([`load_record`],
//! [`Replay::rebuild`]) to the last moment the record shows, checked against every state hash in
//! `hashes.jsonl` on the way (a mismatch names the drill second), and only then is the record
//! reopened ([`Record::resume`]): torn tails cut, `events.jsonl` rewritten to the rebuilt events,
//! the journal's `seq` continued, the resume noted in `meta.json`.

use std::path::Path;

use anyhow::{Context, bail};
use protocol::Control;
use sim::replay::Replay;

use super::record::{HASHES, HashLine, Record, Resumed};
use super::recorded::{LoadedRecord, load_record_with_maps};
use super::{Drill, jsonl};

/// What a resume did, for the terminal.
#[derive(Clone, Debug)]
pub struct ResumeNote {
    /// The drill second the world was rebuilt to.
    pub t_s: u32,
    pub journal_lines: usize,
    pub hashes_checked: usize,
    /// Bytes of torn last lines dropped.
    pub torn_bytes: u64,
}

/// Rebuilds the drill recorded in `dir` (maps under `maps`) and reopens its record. The clock
/// runs at `speed` unless the journal shows the controller chose a speed or adaptive time.
pub fn resume(dir: &Path, maps: &Path, speed: f32) -> anyhow::Result<(Drill, ResumeNote)> {
    let loaded = load_record_with_maps(dir, maps)?;
    if loaded.finished {
        bail!(
            "{}: the drill ran to its end already; nothing to resume (演练已结束) — its review: `sandtable-server report {}`",
            dir.display(),
            dir.display()
        );
    }
    let hashes: Vec<HashLine> = jsonl::read(&dir.join(HASHES))?.items;
    let end_s = loaded.end_s.max(hashes.last().map_or(0, |h| h.t_s));
    let world = rebuild_checked(&loaded, &hashes, end_s)?;
    let seq = loaded.journal.last().map_or(0, |l| l.seq);
    let note = Resumed {
        t_s: world.time_s(),
        journal_lines: loaded.journal.len(),
        hashes_checked: hashes.iter().filter(|h| h.t_s <= world.time_s()).count(),
        ..Resumed::default()
    };
    let record = Record::resume(dir, world.events(), note.clone())
        .with_context(|| format!("{}: cannot reopen the record", dir.display()))?;
    let torn_bytes = record.meta().resumed.last().map_or(0, |r| r.torn_bytes);
    let mut drill = Drill::resumed(loaded.setup.clone(), world, record, seq);
    drill.set_speed(speed).map_err(|e| anyhow::anyhow!("--speed: {e}"))?;
    restore_clock(&mut drill, &loaded);
    let note = ResumeNote {
        t_s: note.t_s,
        journal_lines: note.journal_lines,
        hashes_checked: note.hashes_checked,
        torn_bytes,
    };
    tracing::info!(
        "续演 resumed {} at drill second {} ({} journal lines replayed, {} state hashes checked, {} torn bytes dropped)",
        dir.display(),
        note.t_s,
        note.journal_lines,
        note.hashes_checked,
        note.torn_bytes
    );
    Ok((drill, note))
}

/// The world replayed to `end_s`; each state hash of the record is compared with the rebuilt
/// world at its second (after the step into it, before that second's commands).
fn rebuild_checked(loaded: &LoadedRecord, hashes: &[HashLine], end_s: u32) -> anyhow::Result<sim::World> {
    let commands = loaded.commands()?;
    let mut next = 0;
    let mut check = |w: &sim::World| -> Result<(), String> {
        while let Some(h) = hashes.get(next).filter(|h| h.t_s <= w.time_s()) {
            next += 1;
            if h.t_s < w.time_s() {
                return Err(format!("{HASHES}: a state hash at drill second {} that no step reached", h.t_s));
            }
            let rebuilt = HashLine::of(w);
            if rebuilt != *h {
                return Err(format!(
                    "the rebuilt world differs from the record at drill second {} ({}): recorded {} events, hash {}; rebuilt {} events, hash {} (重建的演练与记录不符)",
                    h.t_s,
                    sim::scenario::clock_text(&w.scenario().start, h.t_s),
                    h.events,
                    h.hash,
                    rebuilt.events,
                    rebuilt.hash
                ));
            }
        }
        Ok(())
    };
    let setup = &loaded.setup;
    let world =
        Replay::rebuild(setup.scenario.clone(), setup.map.clone(), setup.seed, commands, Some(end_s), &mut check)
            .map_err(|e| anyhow::anyhow!("{}: cannot resume: {}", loaded.dir.display(), e.0))?;
    if let Some(h) = hashes.get(next) {
        bail!("{}: {HASHES}: a state hash at drill second {} past where the drill got to", loaded.dir.display(), h.t_s);
    }
    Ok(world)
}

/// The controller's last speed and adaptive time, from the journal's controls (Start, Pause
/// and Step steered the clock of the run that crashed; the resumed clock starts paused).
fn restore_clock(drill: &mut Drill, loaded: &LoadedRecord) {
    for line in &loaded.journal {
        match &line.control {
            Some(Control::SetSpeed(s)) => {
                let _ = drill.set_speed(*s);
            }
            Some(Control::Adaptive(spec)) => {
                let _ = drill.set_adaptive(spec.clone());
            }
            _ => {}
        }
    }
}
