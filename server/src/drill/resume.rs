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
    restore_controls(&mut drill, &loaded);
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

/// The controller's last speed and adaptive time, and what observers and the projector were
/// shown, from the journal's controls (Start, Pause and Step steered the clock of the run that
/// crashed; the resumed clock starts paused). The refused orders come back with the record
/// (`refused.jsonl`, [`Record::resume`]).
fn restore_controls(drill: &mut Drill, loaded: &LoadedRecord) {
    for line in &loaded.journal {
        let Some(control) = &line.control else { continue };
        if drill.shown_mut().apply(control) {
            continue;
        }
        match control {
            Control::SetSpeed(s) => {
                let _ = drill.set_speed(*s);
            }
            Control::Adaptive(spec) => {
                let _ = drill.set_adaptive(spec.clone());
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::Path;

    use sim::scenario::Level;
    use sim::{HazardKind, Order, Role};

    use super::resume;
    use crate::drill::record::{EVENTS, HASHES, JOURNAL, REPORT};
    use crate::drill::{Drill, record};
    use crate::testkit;

    /// The orders of the test drill: (drill second, role, order).
    fn orders() -> Vec<(u32, Role, Order)> {
        let alpha: Role = "informant:Alpha".parse().unwrap();
        let beta: Role = "informant:Beta".parse().unwrap();
        let report = |v: &str| Order::Report(sim::world::ReportForm::initial(v, HazardKind::Flood, "水"));
        vec![
            (0, alpha.clone(), Order::Warn { village: "Alpha".into() }),
            (120, alpha, report("Alpha")),
            (120, beta, report("Beta")),
            (600, Role::Command(None), Order::ActivateLevel { level: Level::IV }),
            (3000, Role::Command(None), Order::Evacuate { village: "Beta".into(), shelter: None }),
            (4200, Role::Command(None), Order::Evacuate { village: "Gamma".into(), shelter: None }),
        ]
    }

    /// Plays `drill` from where it is until drill second `to_s` (or its end): the orders due
    /// at each second, then a step, the events written. Stops at `to_s` before its orders.
    fn play(drill: &mut Drill, to_s: u32) {
        while drill.world().time_s() < to_s {
            let now = drill.world().time_s();
            for (_, from, order) in orders().into_iter().filter(|(t, _, _)| *t == now) {
                let _ = drill.order(&from, "p", order);
            }
            drill.new_events();
            if !drill.step_once() {
                break;
            }
        }
        drill.new_events();
    }

    fn append(path: &Path, bytes: &[u8]) {
        std::fs::OpenOptions::new().append(true).open(path).unwrap().write_all(bytes).unwrap();
    }

    fn file(dir: &Path, name: &str) -> String {
        std::fs::read_to_string(dir.join(name)).unwrap()
    }

    #[test]
    fn a_drill_crashed_and_resumed_ends_with_the_record_of_one_that_never_stopped() {
        // The drill that never stopped.
        let clean = testkit::temp_dir("resume-clean");
        let setup = testkit::setup(&clean);
        let mut drill = Drill::new(setup.clone(), testkit::record(&clean, &setup)).unwrap();
        play(&mut drill, u32::MAX);
        let f_clean = drill.finish().unwrap();

        // The same orders, the server dying at drill second 3000 mid-write of a journal line,
        // an event line and a hash line.
        let dir = testkit::temp_dir("resume-crash");
        let setup = testkit::setup(&dir);
        let mut drill = Drill::new(setup.clone(), testkit::record(&dir, &setup)).unwrap();
        play(&mut drill, 3000);
        drop(drill);
        let rec = dir.join("record");
        append(&rec.join(JOURNAL), b"{\"seq\":6,\"t_s\":30");
        append(&rec.join(EVENTS), b"{\"t_s\":3000,\"kind\"");
        append(&rec.join(HASHES), b"{\"t_s\":");
        // A record that holds a drill is never created over.
        let err = record::Record::create(&rec, &setup, "test").err().expect("refused");
        assert!(err.to_string().contains("--resume"), "{err}");

        let (mut drill, note) = resume(&rec, &dir, 60.0).unwrap();
        assert_eq!(note.t_s, 3000);
        assert_eq!(note.journal_lines, 4);
        assert_eq!(note.hashes_checked, 50, "one state hash per drill minute here");
        assert!(note.torn_bytes > 0);
        assert!(!drill.running(), "the clock comes back paused");
        play(&mut drill, u32::MAX);
        let f = drill.finish().unwrap();

        let clean = clean.join("record");
        for name in [JOURNAL, EVENTS, HASHES] {
            assert_eq!(file(&rec, name), file(&clean, name), "{name} differs from the drill that never stopped");
        }
        assert_eq!(f.score, f_clean.score);
        assert_eq!(file(&rec, REPORT), file(&clean, REPORT));
        let meta: serde_json::Value = serde_json::from_str(&file(&rec, record::META)).unwrap();
        assert_eq!(meta["resumed"][0]["t_s"], 3000);
        assert_eq!(meta["finished"], true);
        // Finished: nothing more to resume.
        let err = resume(&rec, &dir, 60.0).err().expect("a finished drill is not resumed").to_string();
        assert!(err.contains("ran to its end"), "{err}");
    }

    /// What is not in the world comes back too: the orders the drill refused (for the report)
    /// and what the controller chose to show observers and the projector.
    #[test]
    fn a_resumed_drill_keeps_its_refusals_and_what_observers_and_the_projector_are_shown() {
        use crate::host::{Host, HostOptions};
        use protocol::Control;

        let dir = testkit::temp_dir("resume-shown");
        let setup = testkit::setup(&dir);
        let mut drill = Drill::new(setup.clone(), testkit::record(&dir, &setup)).unwrap();
        let alpha: Role = "informant:Alpha".parse().unwrap();
        let area = [100.0, 200.0, 900.0, 800.0];
        drill.control(&Role::Controller, "导调", Control::ShowObservers(Some(alpha.clone()))).unwrap();
        drill.control(&Role::Controller, "导调", Control::FocusArea(Some([0.0, 0.0, 1.0, 1.0]))).unwrap();
        drill.control(&Role::Controller, "导调", Control::FocusArea(Some(area))).unwrap();
        // Refused: an informant may not declare a level nor steer the clock.
        assert!(drill.order(&alpha, "p", Order::ActivateLevel { level: Level::I }).is_err());
        assert!(drill.control(&alpha, "p", Control::Pause).is_err());
        play(&mut drill, 1200);
        assert!(drill.order(&alpha, "p", Order::ActivateLevel { level: Level::II }).is_err());
        let shown = drill.shown().clone();
        assert_eq!(shown.observers.as_ref(), Some(&alpha));
        assert_eq!(shown.focus, Some(area));
        assert_eq!(drill.refused(), 3);
        drop(drill);
        let rec = dir.join("record");
        // A refusal torn mid-write is dropped, never counted.
        append(&rec.join(record::REFUSED), b"{\"t_s\":12");

        let (mut drill, _) = resume(&rec, &dir, 60.0).unwrap();
        assert_eq!(drill.refused(), 3);
        assert_eq!(drill.score_so_far().orders_refused, 3);
        assert_eq!(drill.shown(), &shown);
        assert!(drill.order(&alpha, "p", Order::ActivateLevel { level: Level::I }).is_err());
        assert_eq!(file(&rec, record::REFUSED).lines().count(), 4, "the torn line cut, the new one after");
        let host = Host::new(drill, HostOptions::default()).unwrap();
        assert_eq!(host.shown_to_observers(), Some(&alpha), "observers watch the role they watched");
        assert_eq!(host.drill().shown().focus, Some(area), "the projector shows the area it showed");
    }

    #[test]
    fn a_world_that_does_not_match_its_state_hashes_is_not_resumed_and_the_record_is_left_alone() {
        let dir = testkit::temp_dir("resume-mismatch");
        let setup = testkit::setup(&dir);
        let mut drill = Drill::new(setup.clone(), testkit::record(&dir, &setup)).unwrap();
        play(&mut drill, 1200);
        drop(drill);
        let rec = dir.join("record");
        // The hash of drill second 300 (the fifth line) altered.
        let hashes = file(&rec, HASHES);
        let mut lines: Vec<serde_json::Value> = hashes.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines[4]["t_s"], 300);
        lines[4]["hash"] = "0000000000000000".into();
        let altered: String = lines.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(rec.join(HASHES), &altered).unwrap();
        let events = file(&rec, EVENTS);
        let err = format!("{:#}", resume(&rec, &dir, 60.0).err().expect("a mismatch is an error"));
        assert!(err.contains("drill second 300") && err.contains("06:05"), "{err}");
        assert_eq!(file(&rec, EVENTS), events, "a refused resume writes nothing");
        assert_eq!(file(&rec, HASHES), altered);
        // A journal that gives another world: the hashes catch it too.
        std::fs::write(rec.join(HASHES), &hashes).unwrap();
        let journal =
            file(&rec, JOURNAL).replacen(r#"{"Warn":{"village":"Alpha"}}"#, r#"{"Warn":{"village":"Gamma"}}"#, 1);
        assert_ne!(journal, file(&rec, JOURNAL));
        std::fs::write(rec.join(JOURNAL), journal).unwrap();
        let err = format!("{:#}", resume(&rec, &dir, 60.0).err().expect("another journal is an error"));
        assert!(err.contains("differs from the record at drill second"), "{err}");
    }
}
