//! The county comparison: in a scenario with more than one township post (`command:<township>`),
//! each township scored on its own part of the drill: its own actions (its post's, and its
//! informants' for its villages), its findings, its response times, its villages' people.

use std::collections::BTreeSet;

use crate::roles::{RoleKind, RolePattern};

use super::{ActionStatus, FalseReports, Finding, Scope, ScoreInput, TownshipResult, score_scope};

/// The townships of a county exercise, in the order `roles` names their posts; empty unless
/// there are at least two.
pub fn townships_of(input: &ScoreInput) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let list: Vec<String> = input
        .scenario
        .roles
        .iter()
        .filter_map(|r| RolePattern::parse(r).ok())
        .filter(|p| p.kind == RoleKind::Command)
        .filter_map(|p| p.target)
        .filter(|t| seen.insert(t.clone()))
        .collect();
    if list.len() > 1 { list } else { Vec::new() }
}

/// One result per township (empty when the drill has one).
pub(crate) fn compare(input: &ScoreInput, false_reports: &FalseReports, findings: &[Finding]) -> Vec<TownshipResult> {
    townships_of(input)
        .into_iter()
        .map(|t| {
            let part = score_scope(input, false_reports, findings, &Scope::township(&t));
            let n = |s: ActionStatus| part.actions.iter().filter(|a| a.status == s).count() as u32;
            TownshipResult {
                township: t,
                score: part.score,
                grade: part.grade,
                on_time: n(ActionStatus::OnTime),
                late: n(ActionStatus::Late),
                missing: n(ActionStatus::Missing),
                findings: part.findings,
                response_times: part.response_times,
                casualties: part.people.casualties,
                people_threatened: part.people.threatened,
                people_safe: part.people.safe,
            }
        })
        .collect()
}
