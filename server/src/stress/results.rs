//! The results of a stress run as JSON (`--out`): the scenario they belong to, which runs were
//! asked for (seeds × policies, and the shard), each run's outcome; and [`merge`], which joins
//! the shards of one stress run back into the whole, refusing files of another scenario or
//! another set of runs, and saying which runs are missing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sim::score::{ActionStatus, Grade, ResponseTimes};

use crate::bots::policy::Policy;

/// `format` of a results file; bump when a field changes meaning or shape.
pub const FORMAT: &str = "sandtable-stress/1";

/// A stress run's results, whole or one shard of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StressFile {
    pub format: String,
    /// The scenario's name, its file as given and an FNV-1a hash of its text (16 hex digits):
    /// shards of different files are never merged.
    pub scenario: String,
    pub scenario_file: String,
    pub scenario_hash: String,
    /// Run `k` plays seed `base_seed + k` (wrapping), `k` in `0..runs`, under each policy.
    pub base_seed: u64,
    pub runs: u32,
    pub policies: Vec<String>,
    /// Which seeds this file holds: `k % count == index`. A whole (or merged) run is `0/1`.
    pub shard: Shard,
    /// The plan's required actions, in the plan's order.
    pub steps: Vec<PlanStep>,
    /// Sorted by policy (in `policies` order), then seed index.
    pub results: Vec<RunResult>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 0, count: 1 };

    /// Whether seed index `k` belongs to this shard.
    pub fn holds(self, k: u32) -> bool {
        k % self.count.max(1) == self.index
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// `i/n`, `0 <= i < n` (a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` is `i`).
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}`: 应为 i/n, 0 ≤ i < n / expected i/n with 0 <= i < n, e.g. 0/4 … 3/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// A required action of the plan, as the table names it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanStep {
    pub id: String,
    pub name: String,
    pub who: String,
    pub deadline_min: f64,
}

/// One run's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub index: u32,
    pub seed: u64,
    pub policy: String,
    pub score: f64,
    pub grade: Grade,
    pub people_threatened: u32,
    pub people_safe: u32,
    pub casualties: u32,
    pub trapped: u32,
    pub times: ResponseTimes,
    pub steps: Vec<StepRun>,
    /// Wall seconds the run took on its thread (not part of the outcome).
    pub wall_s: f64,
}

/// A required action's verdict in one run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRun {
    pub id: String,
    pub status: ActionStatus,
    pub credit: f64,
    pub due_from_min: Option<f64>,
    pub deadline_min: f64,
    pub done_at_min: Option<f64>,
}

impl StepRun {
    /// Met: on time, or early where early counts (full credit). Late, out of order and missing
    /// are not; a step not due is neither met nor counted.
    pub fn met(&self) -> bool {
        matches!(self.status, ActionStatus::OnTime | ActionStatus::Early) && self.credit >= 1.0 - 1e-9
    }

    pub fn due(&self) -> bool {
        self.status != ActionStatus::NotDue
    }

    /// Minutes past the deadline when done late (negative: to spare).
    pub fn late_by_min(&self) -> Option<f64> {
        Some(self.done_at_min? - self.due_from_min? - self.deadline_min)
    }
}

impl StressFile {
    /// The policies in the file's order; an unknown name is an error naming it.
    pub fn policies(&self) -> Result<Vec<Policy>, String> {
        self.policies.iter().map(|p| p.parse::<Policy>().map_err(|e| e.to_string())).collect()
    }

    /// `(policy, seed index)` pairs this file should hold and does not.
    pub fn missing(&self) -> Vec<(String, u32)> {
        let have: std::collections::BTreeSet<(&str, u32)> =
            self.results.iter().map(|r| (r.policy.as_str(), r.index)).collect();
        let mut out = Vec::new();
        for p in &self.policies {
            for k in (0..self.runs).filter(|&k| self.shard.holds(k)) {
                if !have.contains(&(p.as_str(), k)) {
                    out.push((p.clone(), k));
                }
            }
        }
        out
    }

    /// Results in the one order every file uses: policy (as listed), then seed index.
    pub fn sort(&mut self) {
        let rank: BTreeMap<String, usize> = self.policies.iter().enumerate().map(|(i, p)| (p.clone(), i)).collect();
        self.results.sort_by_key(|r| (rank.get(&r.policy).copied().unwrap_or(usize::MAX), r.index));
    }

    pub fn read(path: &Path) -> Result<StressFile, String> {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: StressFile = serde_json::from_slice(&bytes).map_err(|e| {
            format!("{}:{}:{}: 不是压力测试结果 / not stress results: {e}", path.display(), e.line(), e.column())
        })?;
        if file.format != FORMAT {
            return Err(format!(
                "{}: 格式 format `{}`, 本程序读 this build reads `{FORMAT}`",
                path.display(),
                file.format
            ));
        }
        file.policies().map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(file)
    }
}

/// Joins shard files of one stress run into one whole (`shard` 0/1). Files must agree on the
/// scenario (its hash), the base seed, the number of runs and the policies; a run held twice
/// must be the same run (its wall time aside). Returns the merged file and the runs still
/// missing (a shard not run, or cut short).
pub fn merge(files: Vec<(String, StressFile)>) -> Result<(StressFile, Vec<(String, u32)>), String> {
    let mut files = files.into_iter();
    let (first_name, mut whole) = files.next().ok_or("没有要合并的文件 / no files to merge")?;
    whole.shard = Shard::WHOLE;
    let mut seen: BTreeMap<(String, u32), String> =
        whole.results.iter().map(|r| ((r.policy.clone(), r.index), first_name.clone())).collect();
    for (name, file) in files {
        let differs = |what: &str, a: String, b: String| {
            format!(
                "{name}: {what} `{b}` ≠ `{a}` in {first_name}: 不是同一次压力测试的分片 / not a shard of the same stress run"
            )
        };
        if file.scenario_hash != whole.scenario_hash {
            return Err(differs(
                "场景 scenario",
                format!("{} ({})", whole.scenario_file, whole.scenario_hash),
                format!("{} ({})", file.scenario_file, file.scenario_hash),
            ));
        }
        if (file.base_seed, file.runs) != (whole.base_seed, whole.runs) {
            return Err(differs(
                "种子 seeds",
                format!("{} + 0..{}", whole.base_seed, whole.runs),
                format!("{} + 0..{}", file.base_seed, file.runs),
            ));
        }
        if file.policies != whole.policies {
            return Err(differs("策略 policies", whole.policies.join(","), file.policies.join(",")));
        }
        for r in file.results {
            let key = (r.policy.clone(), r.index);
            if let Some(other) = seen.get(&key) {
                let held = whole.results.iter().find(|h| (h.policy.as_str(), h.index) == (key.0.as_str(), key.1));
                if held.is_some_and(|h| RunResult { wall_s: r.wall_s, ..h.clone() } != r) {
                    return Err(format!(
                        "{name} 与 and {other}: 同一运行 (策略 {}, 种子 {}) 结果不同 / the same run (policy {}, seed {}) \
                         differs: the builds or scenarios differ",
                        key.0, r.seed, key.0, r.seed
                    ));
                }
                continue;
            }
            seen.insert(key, name.clone());
            whole.results.push(r);
        }
    }
    whole.sort();
    let missing = whole.missing();
    Ok((whole, missing))
}
