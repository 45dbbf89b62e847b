//! Scoring a drill against its plan: a pure function of the scenario, the events and the
//! outcome, so it can be recomputed from a record at any time.
//!
//! - **Adherence**: each required action that became due was done by the right role and, when
//!   anchored on another action, after it.
//! - **Timeliness**: done within its deadline; late actions earn credit falling linearly to zero
//!   at twice the deadline.
//! - **Outcome**: share of the people of threatened villages who were not killed or left trapped.

use crate::roles::{Role, fits};
use crate::scenario::{ActionKind, Anchor, Level, RequiredAction, Scenario};
pub mod discipline;
#[cfg(test)]
mod discipline_tests;
mod model;
use crate::world::{Event, EventKind, ReportStage};
pub use model::*;

/// What a score is computed from: the record up to a moment (`/work/i8-spec.md`; H1 owns it).
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

fn minutes(t_s: u32) -> f64 {
    t_s as f64 / 60.0
}

/// A threatened village and when (s) and by whom an action covered it, if it did.
type VillageDone = (String, Option<(u32, String)>);

/// For actions on "every threatened village" (`Warn(None)`, `Evacuate(None)`, `AllSafe(None)`):
/// each threatened village with the time and role of the first event that covers it.
fn per_village_times(
    what: &ActionKind,
    who: &str,
    events: &[Event],
    threatened: &[String],
) -> Option<Vec<VillageDone>> {
    let by_ok = |r: &Role| fits(who, r);
    let covers = |k: &EventKind, v: &str| -> Option<Option<String>> {
        match (what, k) {
            (
                ActionKind::Warn(None),
                EventKind::WarningIssued { village, by } | EventKind::EvacuationOrdered { village, by },
            )
            | (ActionKind::Evacuate(None), EventKind::EvacuationOrdered { village, by })
                if village == v && by_ok(by) =>
            {
                Some(Some(by.to_string()))
            }
            (ActionKind::AllSafe(None), EventKind::VillageEvacuated { village, .. }) if village == v => Some(None),
            _ => None,
        }
    };
    if !matches!(what, ActionKind::Warn(None) | ActionKind::Evacuate(None) | ActionKind::AllSafe(None)) {
        return None;
    }
    Some(
        threatened
            .iter()
            .map(|v| {
                let hit = events.iter().find_map(|e| covers(&e.kind, v).map(|by| (e.t_s, by.unwrap_or_default())));
                (v.clone(), hit)
            })
            .collect(),
    )
}

/// The time (s) and role of the event that does `what` by a role matching `who`; for actions on
/// every threatened village, the last of them (none until every one is covered).
fn done_when(what: &ActionKind, who: &str, events: &[Event], threatened: &[String]) -> Option<(u32, String)> {
    if let Some(per_village) = per_village_times(what, who, events, threatened) {
        if per_village.is_empty() || per_village.iter().any(|(_, hit)| hit.is_none()) {
            return None;
        }
        return per_village.into_iter().filter_map(|(_, hit)| hit).max_by_key(|(t, _)| *t);
    }
    let by_ok = |r: &Role| fits(who, r);
    let first = |pred: &dyn Fn(&EventKind) -> Option<&Role>| {
        events.iter().find_map(|e| pred(&e.kind).filter(|r| by_ok(r)).map(|r| (e.t_s, r.to_string())))
    };
    match what {
        ActionKind::Report => first(&|k| if let EventKind::ReportFiled { by, .. } = k { Some(by) } else { None }),
        ActionKind::Acknowledge => {
            first(&|k| if let EventKind::ReportAcknowledged { by, .. } = k { Some(by) } else { None })
        }
        ActionKind::ActivateLevel(level) => first(&|k| match k {
            EventKind::LevelActivated { level: l, by } if l >= level => Some(by),
            _ => None,
        }),
        ActionKind::Warn(Some(v)) => first(&|k| match k {
            EventKind::WarningIssued { village, by } | EventKind::EvacuationOrdered { village, by } if village == v => {
                Some(by)
            }
            _ => None,
        }),
        ActionKind::Evacuate(Some(v)) => first(&|k| match k {
            EventKind::EvacuationOrdered { village, by } if village == v => Some(by),
            _ => None,
        }),
        ActionKind::Dispatch(team) => first(&|k| match k {
            EventKind::TeamDispatched { team: t, by, .. } if team.as_ref().is_none_or(|x| x == t) => Some(by),
            _ => None,
        }),
        ActionKind::ReportUp => first(&|k| if let EventKind::ReportedUp { by, .. } = k { Some(by) } else { None }),
        ActionKind::FollowUpReport | ActionKind::FinalReport => {
            let want = if matches!(what, ActionKind::FinalReport) { ReportStage::Final } else { ReportStage::FollowUp };
            first(&|k| match k {
                EventKind::ReportFiled { by, stage, .. } if *stage == want => Some(by),
                _ => None,
            })
        }
        ActionKind::HeadCount => first(&|k| if let EventKind::HeadCounted { by, .. } = k { Some(by) } else { None }),
        ActionKind::SendMaterials => {
            first(&|k| if let EventKind::MaterialsSent { by, .. } = k { Some(by) } else { None })
        }
        ActionKind::RequestSupport => {
            first(&|k| if let EventKind::SupportRequested { by, .. } = k { Some(by) } else { None })
        }
        ActionKind::DecideRequest => {
            first(&|k| if let EventKind::RequestDecided { by, .. } = k { Some(by) } else { None })
        }
        ActionKind::HoldVillage => first(&|k| match k {
            EventKind::VillageHeld { by, held: true, .. } => Some(by),
            _ => None,
        }),
        ActionKind::EndResponse => first(&|k| if let EventKind::ResponseEnded { by } = k { Some(by) } else { None }),
        ActionKind::AllSafe(Some(v)) => events.iter().find_map(|e| match &e.kind {
            EventKind::VillageEvacuated { village, .. } if village == v => Some((e.t_s, String::new())),
            _ => None,
        }),
        ActionKind::Warn(None) | ActionKind::Evacuate(None) | ActionKind::AllSafe(None) => None,
    }
}

/// When a village was first threatened: its hazard seen, or else the hazard reaching it.
fn threatened_at(village: &str, events: &[Event]) -> Option<u32> {
    events
        .iter()
        .find(|e| matches!(&e.kind, EventKind::HazardSeen { village: v, .. } | EventKind::VillageHit { village: v, .. } if v == village))
        .map(|e| e.t_s)
}

fn anchor_time(anchor: &Anchor, events: &[Event], done: &[(String, Option<u32>)]) -> Option<u32> {
    match anchor {
        Anchor::Start => Some(0),
        Anchor::HazardSeen => events.iter().find(|e| matches!(e.kind, EventKind::HazardSeen { .. })).map(|e| e.t_s),
        Anchor::LevelTriggered(l) => {
            events.iter().find(|e| matches!(&e.kind, EventKind::LevelTriggered { level } if level == l)).map(|e| e.t_s)
        }
        Anchor::LevelActivated(l) => events
            .iter()
            .find(|e| matches!(&e.kind, EventKind::LevelActivated { level, .. } if level >= l))
            .map(|e| e.t_s),
        Anchor::Action(id) => done.iter().find(|(i, _)| i == id).and_then(|(_, t)| *t),
    }
}

/// Scores a drill. `outcome` is [`crate::World::outcome`] at the end.
pub fn score(scenario: &Scenario, seed: u64, events: &[Event], outcome: &[VillageOutcome]) -> Report {
    let threatened: Vec<String> = outcome.iter().filter(|v| v.threatened).map(|v| v.village.clone()).collect();
    let end_s = events.last().map_or(0, |e| e.t_s);
    // Actions in plan order; an action anchored on a later one is resolved in a second pass.
    let mut done: Vec<(String, Option<u32>)> = Vec::new();
    let mut results = Vec::new();
    let plan = &scenario.plan.actions;
    let mut pending: Vec<&RequiredAction> = plan.iter().collect();
    for _ in 0..=plan.len() {
        let mut left = Vec::new();
        for a in pending {
            if let Anchor::Action(id) = &a.after
                && !done.iter().any(|(d, _)| d == id)
            {
                left.push(a);
                continue;
            }
            let hit = done_when(&a.what, &a.who, events, &threatened);
            let due_from = anchor_time(&a.after, events, &done);
            done.push((a.id.clone(), hit.as_ref().map(|(t, _)| *t)));
            let per_village =
                per_village_times(&a.what, &a.who, events, &threatened).filter(|_| a.after == Anchor::HazardSeen);
            results.push(match per_village {
                // Each village's deadline runs from when that village saw the hazard.
                Some(villages) if !villages.is_empty() => judge_per_village(a, &villages, events, end_s),
                _ => judge(a, due_from, hit, end_s),
            });
        }
        pending = left;
        if pending.is_empty() {
            break;
        }
    }
    results.sort_by_key(|r| plan.iter().position(|a| a.id == r.id));

    let due: Vec<&ActionResult> = results.iter().filter(|r| r.status != ActionStatus::NotDue).collect();
    let adherence = if due.is_empty() {
        1.0
    } else {
        due.iter().filter(|r| matches!(r.status, ActionStatus::OnTime | ActionStatus::Late)).count() as f64
            / due.len() as f64
    };
    let timeliness = if due.is_empty() {
        1.0
    } else {
        due.iter()
            .map(|r| match (r.status, r.due_from_min, r.done_at_min) {
                (ActionStatus::OnTime, ..) => 1.0,
                (ActionStatus::Late, Some(from), Some(at)) => {
                    (1.0 - (at - from - r.deadline_min) / r.deadline_min.max(1.0)).clamp(0.0, 1.0)
                }
                _ => 0.0,
            })
            .sum::<f64>()
            / due.len() as f64
    };
    let threatened_people: u32 = outcome.iter().filter(|v| v.threatened).map(|v| v.population).sum();
    let casualties: u32 = outcome.iter().map(|v| v.casualties).sum();
    let trapped: u32 = outcome.iter().map(|v| v.trapped).sum();
    let outcome_score = if threatened_people == 0 {
        1.0
    } else {
        1.0 - ((casualties + trapped) as f64 / threatened_people as f64).min(1.0)
    };
    let w = &scenario.scoring;
    let total_w = (w.adherence + w.timeliness + w.outcome).max(f64::MIN_POSITIVE);
    let score = 100.0 * (w.adherence * adherence + w.timeliness * timeliness + w.outcome * outcome_score) / total_w;

    let score = (score * 10.0).round() / 10.0;
    Report {
        schema: REPORT_SCHEMA,
        scenario: scenario.name.clone(),
        seed,
        at_min: minutes(end_s),
        duration_min: minutes(end_s),
        score,
        grade: grade_of(score),
        findings: Vec::new(),
        indicators: Vec::new(),
        objectives: Vec::new(),
        townships: Vec::new(),
        adherence,
        timeliness,
        outcome: outcome_score,
        actions: results,
        response_times: response_times(events),
        villages: outcome.to_vec(),
        casualties,
        trapped,
        people_threatened: threatened_people,
        people_safe: outcome.iter().filter(|v| v.threatened).map(|v| v.in_shelter).sum(),
        // Refusals never reach the world: the server counts them (`Drill`) and fills this in.
        orders_refused: 0,
    }
}

fn judge(a: &RequiredAction, due_from: Option<u32>, hit: Option<(u32, String)>, end_s: u32) -> ActionResult {
    let deadline_s = (a.deadline_min * 60.0) as u32;
    let status = match (due_from, &hit) {
        (None, None) => ActionStatus::NotDue,
        // Done although never formally due (the township acted first): counts as on time.
        (None, Some(_)) => ActionStatus::OnTime,
        (Some(from), None) if from + deadline_s > end_s => ActionStatus::NotDue,
        (Some(_), None) => ActionStatus::Missing,
        (Some(from), Some((t, _))) => {
            if matches!(a.after, Anchor::Action(_)) && *t < from {
                ActionStatus::OutOfOrder
            } else if *t <= from + deadline_s {
                ActionStatus::OnTime
            } else {
                ActionStatus::Late
            }
        }
    };
    ActionResult {
        id: a.id.clone(),
        name: a.name.clone(),
        who: a.who.clone(),
        status,
        due_from_min: due_from.map(minutes),
        deadline_min: a.deadline_min,
        done_at_min: hit.as_ref().map(|(t, _)| minutes(*t)),
        done_by: hit.map(|(_, by)| by).filter(|b| !b.is_empty()),
        credit: 0.0,
        why: Text::default(),
        evidence: Vec::new(),
    }
}

fn grade_of(score: f64) -> Grade {
    match score {
        s if s >= 90.0 => Grade::Excellent,
        s if s >= 75.0 => Grade::Good,
        s if s >= 60.0 => Grade::Fair,
        _ => Grade::Poor,
    }
}

/// Judges an action on every threatened village, each against its own deadline; the result
/// carries the worst village.
fn judge_per_village(a: &RequiredAction, villages: &[VillageDone], events: &[Event], end_s: u32) -> ActionResult {
    let judged: Vec<ActionResult> =
        villages.iter().map(|(v, hit)| judge(a, threatened_at(v, events), hit.clone(), end_s)).collect();
    let rank = |s: ActionStatus| match s {
        ActionStatus::Missing => 4,
        ActionStatus::OutOfOrder => 3,
        ActionStatus::Late => 2,
        ActionStatus::OnTime => 1,
        ActionStatus::NotDue => 0,
        ActionStatus::Early => 1,
    };
    let lateness = |r: &ActionResult| match (r.done_at_min, r.due_from_min) {
        (Some(at), Some(from)) => at - from,
        _ => f64::INFINITY,
    };
    judged
        .iter()
        .max_by(|x, y| rank(x.status).cmp(&rank(y.status)).then(lateness(x).total_cmp(&lateness(y))))
        .expect("at least one village")
        .clone()
}

fn response_times(events: &[Event]) -> ResponseTimes {
    let first = |p: &dyn Fn(&EventKind) -> bool| events.iter().find(|e| p(&e.kind)).map(|e| e.t_s);
    let seen = first(&|k| matches!(k, EventKind::HazardSeen { .. }));
    let reported = first(&|k| matches!(k, EventKind::ReportFiled { .. }));
    let acked = first(&|k| matches!(k, EventKind::ReportAcknowledged { .. }));
    let decided = first(&|k| matches!(k, EventKind::LevelActivated { .. } | EventKind::EvacuationOrdered { .. }));
    // People safe: the last threatened village emptied (among those that were evacuated).
    let safe = events.iter().filter(|e| matches!(e.kind, EventKind::VillageEvacuated { .. })).map(|e| e.t_s).max();
    let since = |a: Option<u32>, b: Option<u32>| match (a, b) {
        (Some(a), Some(b)) => Some(minutes(b.saturating_sub(a))),
        _ => None,
    };
    ResponseTimes {
        hazard_seen_min: seen.map(minutes),
        seen_to_reported_min: since(seen, reported),
        reported_to_acknowledged_min: since(reported, acked),
        seen_to_decided_min: since(seen, decided),
        seen_to_people_safe_min: since(seen, safe),
    }
}

/// The level names in the order plans list them, for reports.
pub fn level_label(level: Level) -> &'static str {
    level.label_zh()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(what: ActionKind) -> RequiredAction {
        RequiredAction {
            id: "a".into(),
            name: "a".into(),
            who: "command".into(),
            what,
            deadline_min: 10.0,
            after: Anchor::HazardSeen,
            source: String::new(),
        }
    }

    fn ev(t_s: u32, kind: EventKind) -> Event {
        Event { t_s, kind }
    }

    #[test]
    fn every_threatened_village_is_judged_from_its_own_sighting() {
        let cmd = Role::Command(None);
        let seen = |t, v: &str| {
            ev(
                t,
                EventKind::HazardSeen {
                    hazard: crate::world::HazardKind::Fire,
                    by: Role::Informant(v.into()),
                    village: v.into(),
                },
            )
        };
        let warn = |t, v: &str| ev(t, EventKind::WarningIssued { village: v.into(), by: cmd.clone() });
        let threatened = vec!["A".to_string(), "B".to_string()];
        let villages =
            |events: &[Event]| per_village_times(&ActionKind::Warn(None), "command", events, &threatened).unwrap();
        // B is seen an hour after A and warned five minutes later: on time, though an hour after A.
        let events = vec![seen(0, "A"), warn(300, "A"), seen(3600, "B"), warn(3900, "B")];
        let r = judge_per_village(&action(ActionKind::Warn(None)), &villages(&events), &events, 7200);
        assert_eq!(r.status, ActionStatus::OnTime);
        // B warned 20 minutes after it saw the fire: late.
        let events = vec![seen(0, "A"), warn(300, "A"), seen(3600, "B"), warn(4800, "B")];
        let r = judge_per_village(&action(ActionKind::Warn(None)), &villages(&events), &events, 7200);
        assert_eq!(r.status, ActionStatus::Late);
        // B never warned: missing.
        let events = vec![seen(0, "A"), warn(300, "A"), seen(3600, "B")];
        let r = judge_per_village(&action(ActionKind::Warn(None)), &villages(&events), &events, 7200);
        assert_eq!(r.status, ActionStatus::Missing);
    }

    #[test]
    fn the_orders_of_issue_7_count_for_their_actions_by_the_right_role() {
        let cmd = Role::Command(None);
        let informant = Role::Informant("A".into());
        let filed = |stage| EventKind::ReportFiled {
            id: 1,
            by: informant.clone(),
            village: "A".into(),
            hazard: crate::world::HazardKind::Flood,
            stage,
        };
        let events = vec![
            ev(60, filed(ReportStage::Initial)),
            ev(120, filed(ReportStage::FollowUp)),
            ev(180, EventKind::SupportRequested { id: 1, kind: crate::world::SupportKind::Teams, by: cmd.clone() }),
            ev(240, EventKind::RequestDecided { id: 1, approved: true, by: Role::County }),
            ev(300, EventKind::VillageHeld { village: "A".into(), held: true, by: cmd.clone() }),
            ev(360, EventKind::ResponseEnded { by: cmd.clone() }),
        ];
        let when = |what: ActionKind, who: &str| done_when(&what, who, &events, &[]).map(|(t, _)| t);
        assert_eq!(when(ActionKind::Report, "informant:*"), Some(60));
        assert_eq!(when(ActionKind::FollowUpReport, "informant:*"), Some(120));
        assert_eq!(when(ActionKind::FinalReport, "informant:*"), None);
        assert_eq!(when(ActionKind::RequestSupport, "command"), Some(180));
        assert_eq!(when(ActionKind::RequestSupport, "county"), None, "the wrong role does not count");
        assert_eq!(when(ActionKind::DecideRequest, "county"), Some(240));
        assert_eq!(when(ActionKind::HoldVillage, "command"), Some(300));
        assert_eq!(when(ActionKind::EndResponse, "command"), Some(360));
        assert_eq!(when(ActionKind::SendMaterials, "command"), None);
        assert_eq!(when(ActionKind::HeadCount, "informant:*"), None);
    }
}
