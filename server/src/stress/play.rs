//! One stress run: the drill played to its end by bots of one policy in every role, on one seed,
//! into a scratch record (only the score is kept), boiled down to a [`RunResult`].

use std::path::Path;
use std::time::Instant;

use sim::score::Report;

use super::results::{RunResult, StepRun};
use crate::bots::policy::{BotPolicies, Policy};
use crate::drill::{DrillSetup, Record};
use crate::headless::{HeadlessOptions, run_drill_recorded};

/// A run to play: the seed's index among the runs, the seed, the policy of every bot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub index: u32,
    pub seed: u64,
    pub policy: Policy,
}

/// Plays `job` on `setup` (its seed replaced by the job's); `scratch` is a directory of this
/// stress run's own, where the run's record lives while it plays. `progress(t_s)` after every step.
pub fn play(setup: &DrillSetup, job: Job, scratch: &Path, progress: impl FnMut(u32, u32)) -> anyhow::Result<RunResult> {
    let mut setup = setup.clone();
    setup.seed = job.seed;
    let dir = scratch.join(format!("{}-{}", job.policy, job.index));
    let started = Instant::now();
    let record = Record::scratch(&dir, &setup, "stress")?;
    let opts = HeadlessOptions { policies: BotPolicies::all(job.policy), ..HeadlessOptions::default() };
    let run = run_drill_recorded(setup, record, &opts, progress, |_, _, _| {});
    let _ = std::fs::remove_dir_all(&dir);
    let report: Report = serde_json::from_value(run?.finished.report)?;
    Ok(result_of(job, &report, started.elapsed().as_secs_f64()))
}

/// What a stress table needs of a run's report.
pub fn result_of(job: Job, report: &Report, wall_s: f64) -> RunResult {
    RunResult {
        index: job.index,
        seed: job.seed,
        policy: job.policy.name().into(),
        score: report.score,
        grade: report.grade,
        people_threatened: report.people_threatened,
        people_safe: report.people_safe,
        casualties: report.casualties,
        trapped: report.trapped,
        times: report.response_times.clone(),
        steps: report
            .actions
            .iter()
            .map(|a| StepRun {
                id: a.id.clone(),
                status: a.status,
                credit: a.credit,
                due_from_min: a.due_from_min,
                deadline_min: a.deadline_min,
                done_at_min: a.done_at_min,
            })
            .collect(),
        wall_s,
    }
}
