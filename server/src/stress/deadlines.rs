//! The checker's sixth warning: a plan deadline that no play can meet. The drill is played once
//! with the quickest play the bots have: every role diligent with no reaction time (each order
//! given the moment the bot's view calls for it). A required action that this play still does
//! late or never is a deadline no hall of people will meet either, and is reported at the
//! action's `deadline_min` with the play's own verdict (`why`).

use std::path::Path;

use sim::scenario::{Problem, ReactionSpec, SourceMap};
use sim::score::ActionStatus;

use super::play::{Job, play};
use crate::bots::policy::Policy;
use crate::drill::DrillSetup;

/// Reaction rules that make every role answer at once, put before the scenario's own so they
/// win (the first rule that fits a role applies).
fn instant_reactions() -> Vec<ReactionSpec> {
    ["controller", "command", "county", "informant:*", "team:*"]
        .into_iter()
        .map(|who| ReactionSpec { who: who.into(), min_min: 0.0, max_min: 0.0 })
        .collect()
}

/// Plays `setup` once (its seed) with the quickest bots and returns, for each required action
/// they did late or not at all, a problem at that action's `deadline_min` in the scenario file
/// (`file` as it is to be named). Takes a whole drill's play: `check --play` asks for it.
pub fn unmeetable_deadlines(setup: &DrillSetup, file: &str) -> anyhow::Result<Vec<Problem>> {
    let mut quick = setup.clone();
    let mut scenario = (*setup.scenario).clone();
    scenario.reaction.splice(0..0, instant_reactions());
    quick.scenario = std::sync::Arc::new(scenario);
    let scratch = scratch_dir("check");
    let job = Job { index: 0, seed: setup.seed, policy: Policy::Diligent };
    let result = super::quietly(|| play(&quick, job, &scratch, |_, _| {}));
    let _ = std::fs::remove_dir_all(&scratch);
    let result = result?;
    let src = SourceMap::new(&setup.scenario_text);
    let mut out = Vec::new();
    for step in &result.steps {
        if !matches!(step.status, ActionStatus::Late | ActionStatus::Missing) {
            continue;
        }
        let Some(i) = setup.scenario.plan.actions.iter().position(|a| a.id == step.id) else { continue };
        let deadline = step.deadline_min;
        let from_zh = step.due_from_min.map(|m| format!(", 自第 {m:.0} 分钟起算")).unwrap_or_default();
        let from_en = step.due_from_min.map(|m| format!(" from min {m:.0}")).unwrap_or_default();
        let (zh, en) = match step.late_by_min() {
            Some(m) if step.status == ActionStatus::Late => {
                (format!("晚 {m:.0} 分钟完成"), format!("did it {m:.0} min late"))
            }
            _ => ("未能完成".to_string(), "never did it".to_string()),
        };
        out.push(Problem::at(
            file,
            &src,
            &format!("plan.actions[{i}].deadline_min"),
            format!(
                "警告: 无法满足的时限: 最快的机器人演练(无反应时间)也{zh}(时限 {deadline} 分钟{from_zh}) / warning: a \
                 deadline no play can meet: even bots with no reaction time {en} (deadline {deadline} min{from_en})"
            ),
        ));
    }
    Ok(out)
}

/// A directory of this process's own for scratch records.
pub fn scratch_dir(what: &str) -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::env::temp_dir().join(format!("sandtable-{what}-{}-{n}", std::process::id()))
}

/// [`unmeetable_deadlines`] of a scenario file, loaded as `run` loads it; a file that does not
/// load gives no warnings here (`check` reports why it does not).
pub fn unmeetable_deadlines_of_file(path: &Path) -> Vec<Problem> {
    let Ok(setup) = DrillSetup::load(path, None) else { return Vec::new() };
    let file = path.display().to_string();
    unmeetable_deadlines(&setup, &file).unwrap_or_else(|e| {
        vec![Problem {
            file,
            line: None,
            col: None,
            path: "plan".into(),
            message: format!("机器人试演失败 / the quick bot run failed: {e:#}"),
        }]
    })
}
