//! The stress table: per required action, how often each policy met it; the spread of the
//! outcomes per policy (score, people safe, response times); and the plan steps no policy met,
//! which stand out. Built from a [`StressFile`] alone, so a merge of shards prints the same table
//! a single machine would.

use std::fmt::Write;

use super::results::{RunResult, StepRun, StressFile};

/// How one policy did on one step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cell {
    /// Runs in which the step was due (not `NotDue`), and met.
    pub due: u32,
    pub met: u32,
    /// Median minutes past the deadline over the runs it was done but not met.
    pub median_late_min: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepRow {
    pub id: String,
    pub name: String,
    pub who: String,
    pub deadline_min: f64,
    /// One per policy, in the file's order.
    pub cells: Vec<Cell>,
}

impl StepRow {
    /// Due in some run, met in none, whatever the policy.
    pub fn no_policy_met(&self) -> bool {
        self.cells.iter().any(|c| c.due > 0) && self.cells.iter().all(|c| c.met == 0)
    }

    pub fn never_due(&self) -> bool {
        self.cells.iter().all(|c| c.due == 0)
    }
}

/// Minimum, median and maximum of the runs where a value exists, and how many those were.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Spread {
    pub n: usize,
    pub min: f64,
    pub median: f64,
    pub max: f64,
}

impl Spread {
    pub fn of(values: impl IntoIterator<Item = f64>) -> Spread {
        let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
        v.sort_by(f64::total_cmp);
        match v.len() {
            0 => Spread::default(),
            n => Spread { n, min: v[0], median: median_sorted(&v), max: v[n - 1] },
        }
    }
}

fn median_sorted(v: &[f64]) -> f64 {
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

#[derive(Clone, Debug, PartialEq)]
pub struct OutcomeRow {
    pub policy: String,
    pub runs: usize,
    pub score: Spread,
    /// Percent of the threatened people safe (100 when nobody was threatened).
    pub safe_percent: Spread,
    pub casualties: Spread,
    pub seen_to_reported_min: Spread,
    pub seen_to_decided_min: Spread,
    pub seen_to_safe_min: Spread,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    pub scenario: String,
    pub runs: u32,
    pub policies: Vec<String>,
    pub steps: Vec<StepRow>,
    pub outcomes: Vec<OutcomeRow>,
}

impl Table {
    pub fn of(file: &StressFile) -> Table {
        fn runs_of<'a>(file: &'a StressFile, p: &'a str) -> impl Iterator<Item = &'a RunResult> {
            file.results.iter().filter(move |r| r.policy == p)
        }
        let steps = file
            .steps
            .iter()
            .map(|s| StepRow {
                id: s.id.clone(),
                name: s.name.clone(),
                who: s.who.clone(),
                deadline_min: s.deadline_min,
                cells: file
                    .policies
                    .iter()
                    .map(|p| cell(runs_of(file, p).filter_map(|r| r.steps.iter().find(|x| x.id == s.id))))
                    .collect(),
            })
            .collect();
        let outcomes = file
            .policies
            .iter()
            .map(|p| {
                let rs: Vec<&RunResult> = runs_of(file, p).collect();
                let spread = |f: &dyn Fn(&RunResult) -> Option<f64>| Spread::of(rs.iter().filter_map(|r| f(r)));
                OutcomeRow {
                    policy: p.clone(),
                    runs: rs.len(),
                    score: spread(&|r| Some(r.score)),
                    safe_percent: spread(&|r| {
                        Some(match r.people_threatened {
                            0 => 100.0,
                            t => 100.0 * f64::from(r.people_safe) / f64::from(t),
                        })
                    }),
                    casualties: spread(&|r| Some(f64::from(r.casualties))),
                    seen_to_reported_min: spread(&|r| r.times.seen_to_reported_min),
                    seen_to_decided_min: spread(&|r| r.times.seen_to_decided_min),
                    seen_to_safe_min: spread(&|r| r.times.seen_to_people_safe_min),
                }
            })
            .collect();
        Table { scenario: file.scenario.clone(), runs: file.runs, policies: file.policies.clone(), steps, outcomes }
    }

    /// The steps no policy met, in the plan's order.
    pub fn unmet(&self) -> Vec<&StepRow> {
        self.steps.iter().filter(|s| s.no_policy_met()).collect()
    }

    /// The table as the terminal shows it: ASCII columns first, the (Chinese) names last, so
    /// the columns line up whatever the names' width.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let played: usize = self.outcomes.iter().map(|o| o.runs).sum();
        let _ = writeln!(
            out,
            "压力测试 Stress test: {} — {} 种子 seeds × {} 策略 policies = {played} 次 runs",
            self.scenario,
            self.runs,
            self.policies.len()
        );
        let _ = writeln!(out, "\n计划步骤达标次数 Plan steps met (达标/到期 met/due):");
        let mut head = format!("  {:<22}", "step");
        for p in &self.policies {
            let _ = write!(head, " {p:>16}");
        }
        let _ = writeln!(out, "{head}  名称 name (who)");
        for s in &self.steps {
            let mark = if s.no_policy_met() { "!" } else { " " };
            let mut line = format!("{mark} {:<22}", s.id);
            for c in &s.cells {
                let text = if c.due == 0 {
                    "未到期 not due".to_string()
                } else {
                    format!("{}/{} {:>3.0}%", c.met, c.due, 100.0 * f64::from(c.met) / f64::from(c.due))
                };
                // "未到期" is three wide characters: pad as if they were six columns.
                let pad = if c.due == 0 { 16 - 3 } else { 16 };
                let _ = write!(line, " {text:>pad$}");
            }
            let _ = writeln!(out, "{line}  {} ({})", s.name, s.who);
        }
        let unmet = self.unmet();
        if unmet.is_empty() {
            let _ = writeln!(out, "\n每个到期步骤都有策略达标 Every step that came due was met by some policy.");
        } else {
            let _ = writeln!(out, "\n! 任何策略都未达标的步骤 Steps no policy met ({}):", unmet.len());
            for s in unmet {
                let _ = write!(out, "  ! {} {} — 时限 deadline {} min;", s.id, s.name, fmt_num(s.deadline_min));
                for (p, c) in self.policies.iter().zip(&s.cells) {
                    let late = c.median_late_min.map(|m| format!(", 中位迟 median {} min late", fmt_num(m)));
                    let _ = write!(out, " {p}: 0/{}{};", c.due, late.unwrap_or_default());
                }
                let _ = writeln!(out);
            }
            let _ = writeln!(
                out,
                "  计划的时限可能无法满足, 演练前请核对 / the plan's deadline may be impossible: check it before the drill day"
            );
        }
        let never: Vec<&str> = self.steps.iter().filter(|s| s.never_due()).map(|s| s.id.as_str()).collect();
        if !never.is_empty() {
            let _ = writeln!(
                out,
                "  从未到期(其起算事实从未发生) never due in any run (the fact it counts from never happened): {}",
                never.join(", ")
            );
        }
        let _ = writeln!(out, "\n结果分布 Outcomes (最小 min / 中位 median / 最大 max):");
        let _ = writeln!(
            out,
            "  {:<10} {:>5} {:>17} {:>17} {:>12} {:>17} {:>17} {:>17}",
            "policy", "runs", "score", "safe %", "casualties", "seen→report min", "seen→decide min", "seen→safe min"
        );
        for o in &self.outcomes {
            let _ = writeln!(
                out,
                "  {:<10} {:>5} {:>17} {:>17} {:>12} {:>17} {:>17} {:>17}",
                o.policy,
                o.runs,
                spread_text(o.score, o.runs),
                spread_text(o.safe_percent, o.runs),
                spread_text(o.casualties, o.runs),
                spread_text(o.seen_to_reported_min, o.runs),
                spread_text(o.seen_to_decided_min, o.runs),
                spread_text(o.seen_to_safe_min, o.runs),
            );
        }
        let _ = writeln!(out, "  (n/m: 仅 n 次运行有此值 the value exists in only n of m runs)");
        out
    }
}

fn cell<'a>(runs: impl Iterator<Item = &'a StepRun>) -> Cell {
    let mut c = Cell::default();
    let mut late = Vec::new();
    for s in runs.filter(|s| s.due()) {
        c.due += 1;
        if s.met() {
            c.met += 1;
        } else if let Some(m) = s.late_by_min() {
            late.push(m);
        }
    }
    late.sort_by(f64::total_cmp);
    c.median_late_min = (!late.is_empty()).then(|| median_sorted(&late));
    c
}

/// `min/median/max`, or `-` when no run has the value, with `(n/m)` when only some do.
fn spread_text(s: Spread, runs: usize) -> String {
    if s.n == 0 {
        return "-".into();
    }
    let body = if s.min == s.max {
        fmt_num(s.min)
    } else {
        format!("{}/{}/{}", fmt_num(s.min), fmt_num(s.median), fmt_num(s.max))
    };
    if s.n < runs { format!("{body} ({}/{runs})", s.n) } else { body }
}

/// Whole numbers without decimals, others to one decimal.
fn fmt_num(x: f64) -> String {
    if (x - x.round()).abs() < 0.05 { format!("{:.0}", x.round()) } else { format!("{x:.1}") }
}
