//! Response times (响应时间), minutes from the hazard first being seen: to the first true report,
//! from that report to its acknowledgement, to the first decision of a command post or the
//! county (never an informant's or a team's own action), and to every threatened village being
//! empty.

use crate::roles::Role;
use crate::world::EventKind;

use super::{Facts, ResponseTimes, Scope, ScoreInput, minutes};

/// Whether a role decides for the response: a command post or the county.
fn decides(role: &Role) -> bool {
    matches!(role, Role::Command(_) | Role::County)
}

/// The response times of the part of the drill `scope` covers.
pub(crate) fn response_times(input: &ScoreInput, facts: &Facts, scope: &Scope) -> ResponseTimes {
    let seen = facts.seen.iter().find(|(v, ..)| scope.village(facts, v)).map(|(_, t, _)| *t);
    let report = facts.reports.iter().find(|r| !r.false_report && scope.village(facts, &r.village));
    let reported = report.map(|r| r.t_s);
    let true_ids: Vec<u32> =
        facts.reports.iter().filter(|r| !r.false_report && scope.village(facts, &r.village)).map(|r| r.id).collect();
    let acked = input.events.iter().find_map(|e| match &e.kind {
        EventKind::ReportAcknowledged { id, .. } if true_ids.contains(id) && reported.is_some_and(|r| e.t_s >= r) => {
            Some(e.t_s)
        }
        _ => None,
    });
    let decided = input.events.iter().find_map(|e| {
        let (by, village) = match &e.kind {
            EventKind::LevelActivated { by, .. } => (by, None),
            EventKind::WarningIssued { by, village }
            | EventKind::EvacuationOrdered { by, village }
            | EventKind::TeamDispatched { by, village, .. } => (by, Some(village)),
            _ => return None,
        };
        let in_scope = match by {
            Role::County => village.is_none_or(|v| scope.village(facts, v)),
            _ => scope.role(facts, by),
        };
        (decides(by) && in_scope).then_some(e.t_s)
    });
    // People safe: every threatened village of the scope emptied (its first `VillageEvacuated`).
    let threatened: Vec<String> = facts.threatened().into_iter().filter(|v| scope.village(facts, v)).collect();
    let emptied = |v: &str| {
        input.events.iter().find_map(|e| match &e.kind {
            EventKind::VillageEvacuated { village, .. } if village == v => Some(e.t_s),
            _ => None,
        })
    };
    let safe = if threatened.is_empty() {
        None
    } else {
        threatened.iter().map(|v| emptied(v)).collect::<Option<Vec<u32>>>().and_then(|t| t.into_iter().max())
    };
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
