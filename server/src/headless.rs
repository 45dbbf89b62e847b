//! `run`: a whole drill as fast as the machine allows, with in-process bots in every role. Bots
//! get each tick's views and answer before the world steps again, each order at its reaction
//! time in drill minutes (`bots::agenda`), so the drill is reproducible: the same scenario, seed
//! and bot policies give the same journal, events and score.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::bots::local::LocalBots;
use crate::bots::policy::BotPolicies;
use crate::drill::{Drill, DrillSetup, Finished, Record};
use crate::host::{ConnId, Host, HostOptions, Outgoing};
use sim::Role;

/// Plays the drill to its end; `progress(t_s, duration_s)` is called after every step.
pub fn run_drill(
    setup: DrillSetup,
    record_dir: &Path,
    progress: impl FnMut(u32, u32),
) -> anyhow::Result<(Finished, Host)> {
    run_drill_watched(setup, record_dir, progress, |_, _, _| {})
}

/// As [`run_drill`], showing `watch` every message the host sends, with the role of the bot it
/// goes to: what each seat really receives (tests check no seat learns what its role may not).
pub fn run_drill_watched(
    setup: DrillSetup,
    record_dir: &Path,
    progress: impl FnMut(u32, u32),
    watch: impl FnMut(&Host, &Role, &Outgoing),
) -> anyhow::Result<(Finished, Host)> {
    run_drill_with(setup, record_dir, &HeadlessOptions::default(), progress, watch).map(|r| (r.finished, r.host))
}

/// How a headless drill is played: the bots' policies, and whether the clock runs in adaptive
/// time (then the wall time a hall would spend is counted step by step, without sleeping).
#[derive(Clone, Debug, Default)]
pub struct HeadlessOptions {
    pub policies: BotPolicies,
    pub adaptive: Option<protocol::AdaptiveSpec>,
    /// Orders given by no bot, at a drill time, through the drill's own checks and journal (a
    /// planted false report, in the tests of what the score makes of it).
    pub planted: Vec<PlantedOrder>,
    /// Set by Ctrl+C, SIGTERM or SIGHUP (`run`): the drill ends at the next step, with its
    /// record and report, as `serve` does.
    pub stop: Option<Arc<AtomicBool>>,
}

/// An order planted in a headless drill: given as `from` (player `planted`) at the first step at
/// or after `at_s` drill seconds.
#[derive(Clone, Debug)]
pub struct PlantedOrder {
    pub at_s: u32,
    pub from: Role,
    pub order: sim::Order,
}

/// What a headless drill leaves: the result, the host, the bots (with what each gave and when),
/// and the wall seconds it would take in adaptive time (`None` without `adaptive`).
pub struct HeadlessRun {
    pub finished: Finished,
    pub host: Host,
    pub bots: LocalBots,
    pub wall_s: Option<f64>,
}

/// As [`run_drill_watched`], played as `opts` say.
pub fn run_drill_with(
    setup: DrillSetup,
    record_dir: &Path,
    opts: &HeadlessOptions,
    progress: impl FnMut(u32, u32),
    watch: impl FnMut(&Host, &Role, &Outgoing),
) -> anyhow::Result<HeadlessRun> {
    let record = Record::create(record_dir, &setup, "run")?;
    run_drill_recorded(setup, record, opts, progress, watch)
}

/// As [`run_drill_with`], into a record made by the caller (`stress` keeps only the score:
/// [`Record::scratch`]).
pub fn run_drill_recorded(
    setup: DrillSetup,
    record: Record,
    opts: &HeadlessOptions,
    mut progress: impl FnMut(u32, u32),
    mut watch: impl FnMut(&Host, &Role, &Outgoing),
) -> anyhow::Result<HeadlessRun> {
    let adaptive = opts.adaptive.clone();
    let mut drill = Drill::new(setup, record)?;
    let timed = adaptive.is_some();
    drill.set_adaptive(adaptive).map_err(|e| anyhow::anyhow!("--adaptive: {e}"))?;
    let mut wall_s = 0.0;
    let mut host = Host::new(drill, HostOptions::default())?;
    let roles = host.drill().roles().to_vec();
    let mut bots = LocalBots::spawn_with(&mut host, &roles, None, &opts.policies)?;
    host.drill_mut().set_running(true);
    let duration = host.drill().world().duration_s();
    // Bots are trusted and not rate-limited; the host's clock only matters for people.
    let now = Duration::ZERO;
    let mut watch = |host: &Host, out: &Outgoing| {
        if let ConnId::Local(i) = out.to
            && let Some(role) = roles.get(i as usize)
        {
            watch(host, role, out);
        }
    };
    let mut planted: Vec<PlantedOrder> = opts.planted.clone();
    planted.sort_by_key(|p| p.at_s);
    let mut planted = planted.into_iter().peekable();
    loop {
        while let Some(p) = planted.next_if(|p| p.at_s <= host.drill().world().time_s()) {
            if let Err(e) = host.drill_mut().order(&p.from, "planted", p.order.clone()) {
                anyhow::bail!("planted order {:?} from {} refused: {e}", p.order, p.from);
            }
        }
        settle(&mut host, &mut bots, now, &mut watch);
        if host.drill().is_over() || opts.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed)) {
            break;
        }
        if timed {
            wall_s += host.step_counted().unwrap_or(0.0);
        } else {
            host.step_fast();
        }
        progress(host.drill().world().time_s(), duration);
    }
    let finished = host.end()?;
    let st = host.stats();
    tracing::info!(
        "{} views built for bots (largest {} bytes), {} refused",
        st.views_sent,
        st.largest_view_bytes,
        st.refused
    );
    settle(&mut host, &mut bots, now, &mut watch);
    Ok(HeadlessRun { finished, host, bots, wall_s: timed.then_some(wall_s) })
}

/// Delivers messages both ways, views included, until nobody has anything more to say. Bounded:
/// brains give each order once, so a few rounds always suffice.
fn settle(host: &mut Host, bots: &mut LocalBots, now: Duration, watch: &mut impl FnMut(&Host, &Outgoing)) {
    for _ in 0..16 {
        bots.exchange(host, now);
        host.push_views(|_| true);
        let out = host.take_outgoing();
        if out.is_empty() {
            return;
        }
        for o in out {
            watch(host, &o);
            if let Some(lost) = bots.deliver(o) {
                tracing::debug!("message for unknown {} dropped", lost.to);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drill::record;
    use crate::testkit;

    fn play(tag: &str) -> (crate::drill::Finished, std::path::PathBuf) {
        let dir = testkit::temp_dir(tag);
        let setup = testkit::setup(&dir);
        let out = dir.join("out");
        let mut last = 0;
        let (f, host) = run_drill(setup, &out, |t, _| last = t).unwrap();
        assert!(host.drill().world().is_finished());
        assert_eq!(last, host.drill().world().duration_s());
        assert_eq!(host.stats().undecodable, 0);
        (f, out)
    }

    #[test]
    fn bots_play_the_drill_to_its_end_and_the_record_is_complete() {
        let (f, out) = play("run-once");
        for name in [record::SCENARIO, record::SEED, record::META, record::JOURNAL, record::EVENTS, record::REPORT] {
            assert!(out.join(name).is_file(), "{name} missing");
        }
        let report: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(record::REPORT)).unwrap()).unwrap();
        assert_eq!(report["score"].as_f64(), Some(f.score));
        assert!(report["actions"].as_array().is_some_and(|a| !a.is_empty()));
        let journal = crate::drill::journal::read_journal(&out.join(record::JOURNAL)).unwrap();
        assert!(!journal.is_empty(), "the bots gave no order");
        assert!(journal.windows(2).all(|w| w[0].seq < w[1].seq && w[0].t_s <= w[1].t_s));
        // The informants saw the flood in their valley and reported it.
        assert!(journal.iter().any(|l| matches!(l.order, Some(sim::Order::Report { .. }))), "no report in {journal:?}");
        assert!(std::fs::read_to_string(out.join(record::EVENTS)).unwrap().contains("DrillStarted"));
    }

    #[test]
    fn adaptive_time_counts_the_wall_time_without_changing_the_drill() {
        let (_, plain) = play("run-plain");
        let dir = testkit::temp_dir("run-adaptive");
        let setup = testkit::setup(&dir);
        let duration_s = setup.scenario.duration_h * 3600.0;
        let spec = protocol::AdaptiveSpec { decision_speed: 1.0, fast_speed: 600.0, hold_min: 10.0 };
        let out = dir.join("out");
        let opts = HeadlessOptions { adaptive: Some(spec), ..HeadlessOptions::default() };
        let wall = run_drill_with(setup, &out, &opts, |_, _| {}, |_, _, _| {}).unwrap().wall_s;
        let wall = wall.expect("counted");
        // Faster than real time, slower than all fast: something needed a person.
        assert!(wall > duration_s / 600.0 && wall < duration_s, "{wall} s for {duration_s} drill s");
        for name in [record::JOURNAL, record::EVENTS] {
            assert_eq!(std::fs::read(plain.join(name)).unwrap(), std::fs::read(out.join(name)).unwrap(), "{name}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_drill() {
        let (a, out_a) = play("run-a");
        let (b, out_b) = play("run-b");
        assert_eq!(a.score, b.score);
        for name in [record::JOURNAL, record::EVENTS, record::REPORT] {
            assert_eq!(
                std::fs::read(out_a.join(name)).unwrap(),
                std::fs::read(out_b.join(name)).unwrap(),
                "{name} differs"
            );
        }
    }

    /// The record alone rebuilds the drill bit for bit: the replay's events are the ones on
    /// disk, and the world at any moment holds exactly the events up to it, with the journal
    /// lines behind the orders marked.
    #[test]
    fn a_record_replays_to_the_same_drill_and_any_moment_can_be_rebuilt() {
        let (_, out) = play("run-replay");
        let maps = testkit::temp_dir("run-replay-maps");
        let map_dir = testkit::setup(&maps).map_dir;
        let loaded = crate::drill::recorded::load_record_with_maps(&out, map_dir.parent().unwrap()).unwrap();
        assert!(loaded.finished);
        let mut fractions = Vec::new();
        let replay = loaded.replay(&mut |f| fractions.push(f)).unwrap();
        assert_eq!(fractions.last(), Some(&1.0));
        assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "progress goes forward: {fractions:?}");
        let on_disk: Vec<sim::Event> = std::fs::read_to_string(out.join(record::EVENTS))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(replay.final_world().events(), &on_disk[..], "the replay diverged from the record");
        let marks = replay.final_world().journal_marks();
        assert!(!marks.is_empty() && marks.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1), "{marks:?}");
        for t in [0, 59, 60, 61, 1800, 3599, replay.end_s() / 2, replay.end_s()] {
            let world = replay.world_at(t);
            let upto = on_disk.iter().take_while(|e| e.t_s <= world.time_s()).count();
            assert_eq!(world.time_s(), (t.div_ceil(60) * 60).min(replay.end_s()), "moment {t}");
            assert_eq!(world.events(), &on_disk[..upto], "events at {t}");
        }
    }
}
