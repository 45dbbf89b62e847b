//! Each bot policy on every shipped scenario, whole drills in process through `run`'s own loop
//! (`headless::run_drill_with`): diligent beats late beats absent and loses no more people,
//! absent roles give no order, reaction times are real and inside the windows drawn from, the
//! same seed gives the same drill, and one planted false report lowers the score and is named
//! 谎报. Each (scenario, policy) is played once for all the tests (`runs`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use sim::score::{ActionStatus, DisciplineKind, Report};
use sim::world::{ReportForm, ReportStage, Trend};
use sim::{Event, EventKind, HazardKind, Order, Role};

use super::Bot;
use super::policy::{BotPolicies, Policy};
use super::reaction::{COMMAND_ACKNOWLEDGE, CONTROLLER, INFORMANT, LATE, Window};
use crate::drill::journal::{JournalLine, read_journal};
use crate::drill::{DrillSetup, record};
use crate::headless::{HeadlessOptions, HeadlessRun, PlantedOrder, run_drill_with};
use crate::testkit;

struct Played {
    report: Report,
    journal: Vec<JournalLine>,
    events: Vec<Event>,
    bots: Vec<Bot>,
    tick_min: f64,
    out: std::path::PathBuf,
}

fn play(path: &Path, policies: &str, seed: Option<u64>) -> Played {
    play_with(path, policies, seed, Vec::new())
}

/// As [`play`], with orders planted at their times.
fn play_with(path: &Path, policies: &str, seed: Option<u64>, planted: Vec<PlantedOrder>) -> Played {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let setup = DrillSetup::load(path, seed).unwrap_or_else(|e| panic!("{name}: {e}"));
    let tick_min = f64::from(setup.scenario.tick_s) / 60.0;
    let out = testkit::temp_dir(&format!("policy-{name}"));
    let policies: BotPolicies = policies.parse().unwrap();
    let opts = HeadlessOptions { policies: policies.clone(), planted, ..HeadlessOptions::default() };
    let HeadlessRun { finished, host, bots, .. } = run_drill_with(setup, &out, &opts, |_, _| {}, |_, _, _| {})
        .unwrap_or_else(|e| panic!("{name} {policies}: {e}"));
    let report: Report = serde_json::from_value(finished.report).unwrap();
    let journal = read_journal(&out.join(record::JOURNAL)).unwrap();
    let events = host.drill().world().events().to_vec();
    let bots = bots.bots.into_iter().map(|b| b.bot).collect();
    Played { report, journal, events, bots, tick_min, out }
}

/// Every shipped scenario played once by each policy (default seed), for all the tests here:
/// scenario name → policy → the drill. The record directories are removed once played.
fn runs() -> &'static BTreeMap<String, BTreeMap<Policy, Played>> {
    static RUNS: OnceLock<BTreeMap<String, BTreeMap<Policy, Played>>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let scenarios = testkit::shipped_scenarios();
        assert!(scenarios.len() >= 4, "{scenarios:?}");
        // One thread per scenario: the drills are independent.
        std::thread::scope(|scope| {
            let handles: Vec<_> = scenarios
                .iter()
                .map(|path| {
                    scope.spawn(move || {
                        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                        let by_policy: BTreeMap<Policy, Played> = Policy::ALL
                            .into_iter()
                            .map(|policy| {
                                let p = play(path, policy.name(), None);
                                let _ = std::fs::remove_dir_all(&p.out);
                                (policy, p)
                            })
                            .collect();
                        (name, by_policy)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("a drill panicked")).collect()
        })
    })
}

/// People lost: casualties and people left trapped.
fn lost(p: &Played) -> u32 {
    p.report.casualties + p.report.trapped
}

/// Minutes from each informant's first sight of a flood or fire to its report of it (a landslide
/// report follows the monitor's word of cracks, not the sight), and from each report to its
/// acknowledgement by a command post.
fn delays(p: &Played) -> (Vec<f64>, Vec<f64>) {
    let min = |a: u32, b: u32| f64::from(b - a) / 60.0;
    let mut seen = Vec::new();
    let mut filed: BTreeMap<u32, u32> = BTreeMap::new();
    let mut reported = Vec::new();
    let mut acked = Vec::new();
    for e in &p.events {
        match &e.kind {
            EventKind::HazardSeen { hazard, village, .. } => seen.push((hazard, village, e.t_s)),
            EventKind::ReportFiled { id, by: Role::Informant(v), village, hazard, stage } if v == village => {
                filed.insert(*id, e.t_s);
                if *hazard != HazardKind::Landslide
                    && *stage == ReportStage::Initial
                    && let Some((_, _, t0)) = seen.iter().find(|(h, sv, _)| *h == hazard && *sv == village)
                {
                    reported.push(min(*t0, e.t_s));
                }
            }
            EventKind::ReportAcknowledged { id, by: Role::Command(_) } => {
                if let Some(t0) = filed.get(id) {
                    acked.push(min(*t0, e.t_s));
                }
            }
            _ => {}
        }
    }
    (reported, acked)
}

/// Every order each bot gave came between the start and the end of its window after the bot
/// decided on it (plus one tick: a bot acts on the first view at or after its time).
fn bots_kept_their_windows(name: &str, p: &Played) -> usize {
    let mut n = 0;
    for bot in &p.bots {
        for g in &bot.given {
            let w = bot
                .window(g.duty)
                .unwrap_or_else(|| panic!("{name}: {} gave {:?} without a window", bot.role(), g.order));
            let took = f64::from(g.due_s - g.decided_s) / 60.0;
            assert!(
                w.holds(took, p.tick_min),
                "{name}: {} took {took} min for {:?}, window {w:?}",
                bot.role(),
                g.order
            );
            n += 1;
        }
    }
    n
}

/// For each scripted inject that came due: when (drill minutes), and the minutes until the
/// controller fired it (`None`: never fired).
fn inject_delays(p: &Played) -> Vec<(f64, Option<f64>)> {
    let due: Vec<(u32, u32)> = p
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::InjectDue { index } => Some((index, e.t_s)),
            _ => None,
        })
        .collect();
    due.iter()
        .map(|(index, t0)| {
            let fired = p
                .journal
                .iter()
                .find(|l| l.role == "controller" && l.order == Some(sim::Order::FireInject { index: *index }))
                .map(|l| f64::from(l.t_s - t0) / 60.0);
            (f64::from(*t0) / 60.0, fired)
        })
        .collect()
}

fn all_within(name: &str, what: &str, got: &[f64], w: Window, slack_min: f64) {
    let bad: Vec<&f64> = got.iter().filter(|m| !w.holds(**m, slack_min)).collect();
    assert!(bad.is_empty(), "{name}: {what} outside {w:?} (+{slack_min} min): {bad:?} of {got:?}");
}

#[test]
fn each_policy_on_every_shipped_scenario() {
    for (name, by_policy) in runs() {
        let name = name.clone();
        for (&policy, p) in by_policy {
            let rt = &p.report.response_times;
            match policy {
                Policy::Diligent | Policy::Late => {
                    let w = if policy == Policy::Late { LATE } else { INFORMANT };
                    assert!(bots_kept_their_windows(&name, p) > 0, "{name}: no bot gave an order");
                    let (reported, acked) = delays(p);
                    all_within(&name, "seen → reported", &reported, w, p.tick_min);
                    let ack = if policy == Policy::Late { LATE } else { COMMAND_ACKNOWLEDGE };
                    all_within(&name, "reported → acknowledged", &acked, ack, p.tick_min);
                    let s2r = rt.seen_to_reported_min.unwrap_or_else(|| panic!("{name}: nothing reported"));
                    let r2a = rt.reported_to_acknowledged_min.unwrap_or_else(|| panic!("{name}: nothing acknowledged"));
                    assert!(s2r > 0.0 && r2a > 0.0, "{name} {policy}: response times {rt:?}");
                    // The controller bot fires every scripted inject that came due, in its window
                    // (or the drill ended first).
                    let w = if policy == Policy::Late { LATE } else { CONTROLLER };
                    let injects = inject_delays(p);
                    assert!(!injects.is_empty(), "{name}: no inject came due");
                    for (due, fired) in &injects {
                        match fired {
                            Some(m) => assert!(w.holds(*m, p.tick_min), "{name} {policy}: fired {m} min after due"),
                            None => {
                                assert!(p.report.duration_min - due < w.max_min + p.tick_min, "{name}: {injects:?}")
                            }
                        }
                    }
                    // The orders of issue 7 the plans ask for, each given.
                    for kind in
                        [OrderKindSeen::FollowUp, OrderKindSeen::Final, OrderKindSeen::HeadCount, OrderKindSeen::Hold]
                    {
                        assert!(kind.given(p), "{name} {policy}: no {kind:?} given");
                    }
                    // Team bots accept the tasks they are given.
                    let dispatched =
                        p.events.iter().filter(|e| matches!(e.kind, EventKind::TeamDispatched { .. })).count();
                    let accepted = p.events.iter().filter(|e| matches!(e.kind, EventKind::TaskAccepted { .. })).count();
                    assert!(
                        dispatched > 0 && accepted > 0,
                        "{name} {policy}: {dispatched} dispatched, {accepted} accepted"
                    );
                }
                Policy::Absent => {
                    let orders: Vec<&JournalLine> = p.journal.iter().filter(|l| l.order.is_some()).collect();
                    assert!(orders.is_empty(), "{name}: absent bots gave orders: {orders:?}");
                    assert_eq!(rt.seen_to_reported_min, None, "{name}");
                    assert!(inject_delays(p).iter().all(|(_, f)| f.is_none()), "{name}: an absent controller fired");
                    assert!(
                        !p.events.iter().any(|e| matches!(e.kind, EventKind::InjectDelivered { .. })),
                        "{name}: an inject reached a role with nobody to fire it"
                    );
                }
            }
            println!("{name} {policy}: {:.1} {rt:?}", p.report.score);
        }
    }
}

/// Issue 8, "the score follows behaviour": on every shipped scenario diligent bots score higher
/// than late ones, late ones higher than absent ones, and diligent ones lose no more people
/// (casualties + trapped) than either.
#[test]
fn the_score_follows_behaviour_on_every_shipped_scenario() {
    let table: Vec<String> = runs()
        .iter()
        .map(|(name, by)| {
            let cells: Vec<String> =
                by.iter().map(|(policy, p)| format!("{policy} {:.1} (lost {})", p.report.score, lost(p))).collect();
            format!("{name}: {}", cells.join(", "))
        })
        .collect();
    let table = table.join("\n");
    println!("{table}");
    for (name, by) in runs() {
        let (d, l, a) = (&by[&Policy::Diligent], &by[&Policy::Late], &by[&Policy::Absent]);
        let (sd, sl, sa) = (d.report.score, l.report.score, a.report.score);
        assert!(sd > sl && sl > sa, "{name}: diligent {sd} > late {sl} > absent {sa} expected; all scores:\n{table}");
        assert!(
            lost(d) <= lost(l) && lost(d) <= lost(a),
            "{name}: diligent bots lost {} people, late {}, absent {}; all:\n{table}",
            lost(d),
            lost(l),
            lost(a)
        );
    }
}

/// A plan is only worth shipping if a prepared post can hold it: on every shipped scenario, on
/// its own seed, the diligent bots do every step that falls due on time. (Issue 10's stress
/// found Xixerella's informant steps in the landslide drill and the fire drill's report up and
/// dispatch missed by every policy; this keeps them met.)
#[test]
fn diligent_bots_meet_every_step_of_every_shipped_plan() {
    let mut misses = Vec::new();
    for (name, by) in runs() {
        for a in &by[&Policy::Diligent].report.actions {
            if matches!(a.status, ActionStatus::Late | ActionStatus::Missing | ActionStatus::OutOfOrder) {
                let done = a.done_at_min.map_or("never".into(), |m| format!("at min {m:.0}"));
                let due = a.due_from_min.map_or(String::new(), |m| format!(", due from min {m:.0}"));
                misses.push(format!(
                    "{name} {} {} ({:?}{due}, deadline {} min, done {done})",
                    a.id, a.who, a.status, a.deadline_min
                ));
            }
        }
    }
    assert!(misses.is_empty(), "steps the diligent bots missed:\n{}", misses.join("\n"));
}

/// The orders of issue 7 the shipped plans require, as the journal shows them.
#[derive(Clone, Copy, Debug)]
enum OrderKindSeen {
    FollowUp,
    Final,
    HeadCount,
    Hold,
}

impl OrderKindSeen {
    fn given(self, p: &Played) -> bool {
        p.journal.iter().filter_map(|l| l.order.as_ref()).any(|o| match (self, o) {
            (OrderKindSeen::FollowUp, Order::Report(f)) => f.stage == ReportStage::FollowUp,
            (OrderKindSeen::Final, Order::Report(f)) => f.stage == ReportStage::Final,
            (OrderKindSeen::HeadCount, Order::HeadCount { .. }) => true,
            (OrderKindSeen::Hold, Order::HoldVillage { held: true, .. }) => true,
            _ => false,
        })
    }
}

/// Issue 8: one false report planted at minute 0 (a "Fire" at a flood village that has none,
/// in its informant's name) lowers the diligent bots' score and is named 谎报, with the
/// informant. The diligent command post asks for it to be checked (核实) and does not act on it.
///
/// The score and the finding come from the scoring of issue 8 (`sim::score`, its discipline
/// findings): they hold once that is merged. The bots' part holds now.
#[test]
fn a_planted_false_report_lowers_the_score_and_is_named_a_false_report() {
    let (village, role) = ("La Margineda", Role::Informant("La Margineda".into()));
    let flood = testkit::shipped_scenarios().into_iter().find(|p| p.ends_with("flood_valira.ron")).expect("flood");
    let form = ReportForm {
        stage: ReportStage::Initial,
        at: None,
        severity: 3,
        people_at_risk: 180,
        trend: Trend::Rising,
        actions_taken: "已组织扑救 / fighting it".into(),
        ..ReportForm::initial(village, HazardKind::Fire, "拉马尔希内达后山起火 / fire on the hill above La Margineda")
    };
    let planted = vec![PlantedOrder { at_s: 0, from: role.clone(), order: Order::Report(form) }];
    let p = play_with(&flood, "diligent", None, planted);
    let _ = std::fs::remove_dir_all(&p.out);
    let clean = &runs()["flood_valira"][&Policy::Diligent];

    // The bots: the planted report is report 1; the post asks for it to be checked and orders no
    // evacuation of the village before its informant reports the flood there.
    assert!(p.journal.iter().any(|l| l.player == "planted" && l.role == role.to_string()), "not planted");
    let asked = p.events.iter().any(|e| matches!(e.kind, EventKind::VerifyAsked { id: 1, by: Role::Command(_) }));
    assert!(asked, "the command post never asked for the false report to be checked");
    let true_report = p.events.iter().find_map(|e| match &e.kind {
        EventKind::ReportFiled { village: v, hazard: HazardKind::Flood, .. } if v == village => Some(e.t_s),
        _ => None,
    });
    let evacuated = p.events.iter().find_map(|e| match &e.kind {
        EventKind::EvacuationOrdered { village: v, by: Role::Command(_) } if v == village => Some(e.t_s),
        _ => None,
    });
    if let Some(t) = evacuated {
        assert!(
            true_report.is_some_and(|r| r <= t),
            "evacuated at {t} s on the false report (flood reported {true_report:?})"
        );
    }

    // The score (after issue 8's scoring is merged).
    let (before, after) = (clean.report.score, p.report.score);
    let named = p.report.findings.iter().any(|f| f.kind == DisciplineKind::False && f.who == role.to_string());
    let findings: Vec<String> =
        p.report.findings.iter().map(|f| format!("{:?} {} {:?}", f.kind, f.who, f.village)).collect();
    println!("flood_valira diligent: {before} without the planted report, {after} with it; findings {findings:?}");
    assert!(named, "no 谎报 finding naming {role}; findings: {findings:?} (score {before} without, {after} with)");
    assert!(after < before, "a planted false report did not lower the score: {before} without, {after} with");
}

#[test]
fn per_role_policies_and_the_same_seed_gives_the_same_drill() {
    let scenarios = testkit::shipped_scenarios();
    let county = scenarios.iter().find(|p| p.ends_with("county_valira_orient.ron")).expect("the county scenario");
    let mix = "command=absent,informant:*=late";
    let a = play(county, mix, Some(11));
    let by_role =
        |p: &Played, head: &str| p.journal.iter().filter(|l| l.order.is_some() && l.role.starts_with(head)).count();
    assert_eq!(by_role(&a, "command"), 0, "absent command posts gave orders");
    assert!(by_role(&a, "informant:") > 0, "late informants never reported");
    let (reported, _) = delays(&a);
    all_within("county mix", "seen → reported", &reported, LATE, a.tick_min);

    let b = play(county, mix, Some(11));
    for file in [record::JOURNAL, record::EVENTS, record::REPORT] {
        assert_eq!(
            std::fs::read(a.out.join(file)).unwrap(),
            std::fs::read(b.out.join(file)).unwrap(),
            "{file} differs between two runs with the same seed"
        );
    }
    // Another seed draws other delays.
    let c = play(county, mix, Some(12));
    assert_ne!(delays(&a).0, delays(&c).0, "the seed does not reach the bots' delays");
    for p in [a, b, c] {
        let _ = std::fs::remove_dir_all(&p.out);
    }
}

#[test]
fn serve_refuses_a_policy_for_a_role_the_drill_does_not_offer() {
    let dir = testkit::temp_dir("serve-policy");
    let mut opts = crate::hosting::ServeOptions::new(dir.join("unused.ron"));
    opts.bind = "127.0.0.1:0".parse().unwrap();
    opts.record_dir = Some(dir.join("record"));
    opts.bot_policy = "county=late".parse().unwrap();
    let Err(e) = crate::hosting::Serving::from_setup(testkit::setup(&dir), opts.clone()) else {
        panic!("a drill without a county took `county=late`")
    };
    assert!(e.to_string().contains("--bot-policy") && e.to_string().contains("county"), "{e:#}");
    opts.bot_policy = "informant:*=absent,command=late".parse().unwrap();
    assert!(crate::hosting::Serving::from_setup(testkit::setup(&dir), opts).is_ok());
    let _ = std::fs::remove_dir_all(&dir);
}
