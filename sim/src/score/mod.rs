//! Scoring a drill against its plan: a pure function of the record up to a moment
//! ([`ScoreInput`]), so it runs live, at any moment of a replay and at the end, and gives the
//! same report each time. ARCHITECTURE.md "Scoring" says how it judges.
//!
//! - [`plan`]: each required action from its fact (trigger, sighting, report), early, late on a
//!   smooth curve, missing; false reports satisfy nothing;
//! - [`times`]: response times;
//! - [`discipline`]: report discipline findings and the reports judged false;
//! - [`indicators`]: the evaluation form (the scenario's or the default built from the plan);
//! - [`rating`]: the grade and the P/S/M/U rating of each objective;
//! - [`townships`]: one result per township in a county exercise.

use std::collections::BTreeMap;

use crate::roles::Role;
use crate::scenario::{GradeThresholds, Level, Scenario};
use crate::world::{Event, EventKind, World};

pub mod discipline;
#[cfg(test)]
mod discipline_tests;
pub mod indicators;
mod model;
pub mod plan;
pub mod rating;
pub mod times;
pub mod townships;

pub use model::*;

/// The record up to the moment scored.
pub struct ScoreInput<'a> {
    pub scenario: &'a Scenario,
    pub seed: u64,
    /// Events up to the moment scored (a prefix of the drill's events).
    pub events: &'a [Event],
    /// World::outcome() at that moment.
    pub outcome: &'a [VillageOutcome],
    /// The moment scored, simulated seconds (>= last event's t_s).
    pub at_s: u32,
    /// (index of the first event an accepted command produced, that command's journal seq),
    /// ascending; from `World::journal_marks()`. Empty is allowed (then evidence has no journal).
    pub journal_marks: &'a [(u32, u64)],
}

/// Convenience: the world as it stands now (used by the server and the replay).
pub fn score_world(world: &World) -> Report {
    let outcome = world.outcome();
    let input = ScoreInput {
        scenario: world.scenario(),
        seed: world.seed(),
        events: world.events(),
        outcome: &outcome,
        at_s: world.time_s().max(world.events().last().map_or(0, |e| e.t_s)),
        journal_marks: world.journal_marks(),
    };
    score(&input)
}

/// Scores the record up to `input.at_s`.
pub fn score(input: &ScoreInput) -> Report {
    let false_reports = discipline::false_reports(input);
    let findings = discipline::findings(input);
    let part = score_scope(input, &false_reports, &findings, &Scope::whole());
    let townships = townships::compare(input, &false_reports, &findings);
    let at_min = minutes(input.at_s);
    Report {
        schema: REPORT_SCHEMA,
        scenario: input.scenario.name.clone(),
        seed: input.seed,
        at_min,
        duration_min: at_min,
        score: part.score,
        grade: part.grade,
        adherence: part.adherence,
        timeliness: part.timeliness,
        outcome: part.outcome,
        actions: part.actions,
        findings,
        indicators: part.indicators,
        objectives: part.objectives,
        response_times: part.response_times,
        townships,
        villages: input.outcome.to_vec(),
        casualties: part.people.casualties,
        trapped: part.people.trapped,
        people_threatened: part.people.threatened,
        people_safe: part.people.safe,
        // Refusals never reach the world: the server counts them (`Drill`) and fills this in.
        orders_refused: 0,
    }
}

/// What a part of the drill (the whole, or one township) scored.
pub(crate) struct Part {
    pub actions: Vec<ActionResult>,
    pub indicators: Vec<CategoryResult>,
    pub objectives: Vec<ObjectiveRating>,
    pub score: f64,
    pub grade: Grade,
    pub adherence: f64,
    pub timeliness: f64,
    pub outcome: f64,
    pub response_times: ResponseTimes,
    pub people: People,
    pub findings: u32,
}

/// The people of a part's villages.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct People {
    pub threatened: u32,
    pub safe: u32,
    pub casualties: u32,
    pub trapped: u32,
}

impl People {
    /// Share of the threatened people neither killed nor left trapped (1 when none threatened).
    pub fn share_unharmed(&self) -> f64 {
        if self.threatened == 0 {
            1.0
        } else {
            1.0 - ((self.casualties + self.trapped) as f64 / self.threatened as f64).min(1.0)
        }
    }
}

/// Scores the part of the drill `scope` covers.
pub(crate) fn score_scope(
    input: &ScoreInput,
    false_reports: &FalseReports,
    findings: &[Finding],
    scope: &Scope,
) -> Part {
    let facts = Facts::new(input, false_reports);
    let actions = plan::judge_all(input, &facts, scope);
    let findings: Vec<&Finding> = findings.iter().filter(|f| scope.finding(&facts, f)).collect();
    let people = people_of(input, scope, &facts);
    let tree = indicators::score_tree(input, &facts, scope, &actions, &findings, &people);
    let score = tree.score();
    let thresholds = thresholds(input.scenario);
    let counted: Vec<&ActionResult> = actions.iter().filter(|a| plan::counted(a)).collect();
    let (adherence, timeliness) = if counted.is_empty() {
        (1.0, 1.0)
    } else {
        let n = counted.len() as f64;
        let done = counted.iter().filter(|a| a.credit > 0.0 && a.status != ActionStatus::Missing).count() as f64;
        (done / n, counted.iter().map(|a| a.credit).sum::<f64>() / n)
    };
    Part {
        objectives: rating::objectives(&tree),
        indicators: tree.categories,
        grade: rating::grade(score, &thresholds),
        score,
        adherence,
        timeliness,
        outcome: people.share_unharmed(),
        response_times: times::response_times(input, &facts, scope),
        findings: findings.len() as u32,
        actions,
        people,
    }
}

fn people_of(input: &ScoreInput, scope: &Scope, facts: &Facts) -> People {
    let mut p = People::default();
    for v in input.outcome.iter().filter(|v| scope.village(facts, &v.village)) {
        if v.threatened {
            p.threatened += v.population;
            p.safe += v.in_shelter;
        }
        p.casualties += v.casualties;
        p.trapped += v.trapped;
    }
    p
}

/// Simulated seconds as minutes.
pub(crate) fn minutes(t_s: u32) -> f64 {
    t_s as f64 / 60.0
}

/// Whether an event was produced by a role's command (so a journal line stands behind it),
/// rather than by the world.
pub(crate) fn by_command(kind: &EventKind) -> bool {
    use EventKind::*;
    matches!(
        kind,
        ReportFiled { .. }
            | VerifyAsked { .. }
            | CalledForHelp { .. }
            | HeadCounted { .. }
            | ReportAcknowledged { .. }
            | LevelActivated { .. }
            | LevelLowered { .. }
            | ResponseEnded { .. }
            | WarningIssued { .. }
            | EvacuationOrdered { .. }
            | ShelterAssigned { .. }
            | VillageHeld { .. }
            | TeamDispatched { .. }
            | MaterialsSent { .. }
            | ReportedUp { .. }
            | SupportRequested { .. }
            | RequestDecided { .. }
            | DirectiveSent { .. }
            | InjectDelivered { .. }
    )
}

/// The journal seq of the command that produced event `index`: the latest mark at or before it,
/// for command-produced events only.
pub(crate) fn journal_of(input: &ScoreInput, index: usize) -> Option<u64> {
    let e = input.events.get(index)?;
    if !by_command(&e.kind) {
        return None;
    }
    let i = u32::try_from(index).ok()?;
    let n = input.journal_marks.partition_point(|(first, _)| *first <= i);
    n.checked_sub(1).map(|k| input.journal_marks[k].1)
}

/// Evidence for event `index` of the input, with its journal line where there is one.
pub(crate) fn evidence(input: &ScoreInput, index: usize, note: Text) -> Evidence {
    Evidence {
        t_s: input.events.get(index).map_or(0, |e| e.t_s),
        event: u32::try_from(index).ok(),
        journal: journal_of(input, index),
        note,
    }
}

/// The part of a drill a score is about: the whole, or one township of a county exercise
/// (its villages, its command post, its informants).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    pub township: Option<String>,
}

impl Scope {
    pub fn whole() -> Scope {
        Scope { township: None }
    }
    pub fn township(t: &str) -> Scope {
        Scope { township: Some(t.to_string()) }
    }
    pub fn village(&self, facts: &Facts, village: &str) -> bool {
        match &self.township {
            None => true,
            Some(t) => facts.township_of(village) == Some(t.as_str()),
        }
    }
    /// Whether a role acts within the scope.
    pub fn role(&self, facts: &Facts, role: &Role) -> bool {
        match (&self.township, role) {
            (None, _) => true,
            (Some(t), Role::Command(Some(x))) => x == t,
            (Some(_), Role::Command(None)) => true,
            (Some(_), Role::Informant(v)) => self.village(facts, v),
            (Some(_), Role::Team(_)) => true,
            (Some(_), Role::County | Role::Controller) => false,
        }
    }
    fn finding(&self, facts: &Facts, f: &Finding) -> bool {
        if self.township.is_none() {
            return true;
        }
        if let Some(v) = &f.village {
            return self.village(facts, v);
        }
        f.who.parse::<Role>().is_ok_and(|r| !matches!(r, Role::Command(None)) && self.role(facts, &r))
    }
}

/// Facts read once from the events: sightings, hits, triggers, reports and the false ones.
pub(crate) struct Facts {
    /// Village → its township (from the outcome).
    townships: BTreeMap<String, Option<String>>,
    /// First `HazardSeen` per village: (t_s, event index), in event order.
    pub seen: Vec<(String, u32, usize)>,
    /// First `VillageHit` per village.
    pub hit: Vec<(String, u32, usize)>,
    /// First `LevelTriggered` per level.
    pub triggered: BTreeMap<Level, (u32, usize)>,
    /// Every `ReportFiled`: (event index, id, village, t_s), false ones marked.
    pub reports: Vec<FiledReport>,
    /// Villages named by a false claim, with when it came in.
    pub false_villages: BTreeMap<String, u32>,
    /// When the first false claim of all came in.
    pub first_false_s: Option<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct FiledReport {
    pub index: usize,
    pub id: u32,
    pub village: String,
    pub t_s: u32,
    pub initial: bool,
    pub false_report: bool,
}

impl Facts {
    pub fn new(input: &ScoreInput, false_reports: &FalseReports) -> Facts {
        let mut f = Facts {
            townships: input.outcome.iter().map(|v| (v.village.clone(), v.township.clone())).collect(),
            seen: Vec::new(),
            hit: Vec::new(),
            triggered: BTreeMap::new(),
            reports: Vec::new(),
            false_villages: false_reports.villages.clone(),
            first_false_s: None,
        };
        for (i, e) in input.events.iter().enumerate() {
            match &e.kind {
                EventKind::HazardSeen { village, .. } if !f.seen.iter().any(|(v, ..)| v == village) => {
                    f.seen.push((village.clone(), e.t_s, i))
                }
                EventKind::VillageHit { village, .. } if !f.hit.iter().any(|(v, ..)| v == village) => {
                    f.hit.push((village.clone(), e.t_s, i))
                }
                EventKind::LevelTriggered { level } => {
                    f.triggered.entry(*level).or_insert((e.t_s, i));
                }
                EventKind::ReportFiled { id, village, stage, .. } => {
                    let false_report = false_reports.is_false(*id);
                    if false_report {
                        let at = f.false_villages.entry(village.clone()).or_insert(e.t_s);
                        *at = (*at).min(e.t_s);
                    }
                    f.reports.push(FiledReport {
                        index: i,
                        id: *id,
                        village: village.clone(),
                        t_s: e.t_s,
                        initial: *stage == crate::world::ReportStage::Initial,
                        false_report,
                    });
                }
                _ => {}
            }
        }
        f.first_false_s = f.false_villages.values().copied().min();
        f
    }

    pub fn township_of(&self, village: &str) -> Option<&str> {
        self.townships.get(village).and_then(|t| t.as_deref())
    }

    pub fn seen_of(&self, village: &str) -> Option<(u32, usize)> {
        self.seen.iter().find(|(v, ..)| v == village).map(|(_, t, i)| (*t, *i))
    }

    /// When a village was first threatened: its hazard seen, or else the hazard reaching it.
    pub fn threatened_at(&self, village: &str) -> Option<(u32, usize)> {
        let hit = self.hit.iter().find(|(v, ..)| v == village).map(|(_, t, i)| (*t, *i));
        match (self.seen_of(village), hit) {
            (Some(s), Some(h)) => Some(if h.0 < s.0 { h } else { s }),
            (s, h) => s.or(h),
        }
    }

    /// Villages threatened so far (seen or hit), in the order they were first threatened.
    pub fn threatened(&self) -> Vec<String> {
        let mut all: Vec<(u32, usize, &String)> =
            self.seen.iter().chain(self.hit.iter()).map(|(v, t, i)| (*t, *i, v)).collect();
        all.sort();
        let mut out: Vec<String> = Vec::new();
        for (_, _, v) in all {
            if !out.contains(v) {
                out.push(v.clone());
            }
        }
        out
    }

    /// When a false claim about `village` (or, for `None`, any false claim) first came in.
    pub fn false_claim_s(&self, village: Option<&str>) -> Option<u32> {
        match village {
            Some(v) => self.false_villages.get(v).copied(),
            None => self.first_false_s,
        }
    }
}

/// The grade thresholds in force.
pub fn thresholds(scenario: &Scenario) -> GradeThresholds {
    scenario.plan.grades.clone().unwrap_or_default()
}

/// The level names in the order plans list them, for reports.
pub fn level_label(level: Level) -> &'static str {
    level.label_zh()
}

#[cfg(test)]
mod tests;
