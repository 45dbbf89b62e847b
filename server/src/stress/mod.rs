//! `sandtable-server stress SCENARIO --runs N`: the drill played by bots over N seeds under each
//! bot policy, spread over the machine's cores, to see before the drill day whether the plan can
//! be met: per required action how often each policy met it, the spread of the outcomes, and the
//! steps no policy met. Every run is independent, so `--shard i/n` plays one machine's part and
//! `stress --merge` joins the parts' results (docs/stress.md).
//!
//! - [`play`]: one run (a seed, a policy) into a scratch record, boiled down to its result.
//! - [`results`]: the results file (`--out`), shards and [`results::merge`].
//! - [`table`]: the table printed from a results file.
//! - [`deadlines`]: the checker's warning of a deadline no play can meet (`check --play`).

pub mod deadlines;
pub mod play;
pub mod results;
pub mod table;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub use deadlines::{unmeetable_deadlines, unmeetable_deadlines_of_file};
use play::Job;
use results::{FORMAT, PlanStep, RunResult, Shard, StressFile};
use table::Table;

use crate::bots::policy::Policy;
use crate::drill::DrillSetup;

pub const EXAMPLE: &str = "Examples:
  sandtable-server stress scenarios/fire_aubinya.ron --runs 20
  sandtable-server stress scenarios/flood_valira.ron --runs 50 --policies diligent,late --jobs 4 --out flood.json
  sandtable-server stress scenarios/flood_valira.ron --runs 200 --shard 3/8 --out shard-3.json   # one machine of 8
  sandtable-server stress --merge shard-*.json --out flood-200.json
  sandtable-server stress scenarios/landslide_massana.ron --runs 4 --deny-unmet   # CI: exit 2 if a step is met by no policy

Run k plays seed S+k (S: --seed, else the scenario's seed) with every bot on one policy.
Prints, per required action, how often each policy met it (met/due), the spread of the score,
the people safe and the response times, and marks with `!` every step no policy met.
Sharding over a batch system (Kubernetes Indexed Job, GNU parallel): docs/stress.md.";

#[derive(clap::Args, Debug)]
pub struct StressArgs {
    /// Scenario file (.ron).
    #[arg(required_unless_present = "merge", conflicts_with = "merge")]
    pub scenario: Option<PathBuf>,
    /// Seeds to play under each policy (seeds S, S+1, … S+N-1).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// Bot policies to play, each with every role on it: diligent (the plan, human reaction
    /// times), late (30–90 min late), absent (no orders).
    #[arg(long, value_delimiter = ',', default_value = "diligent,late,absent")]
    pub policies: Vec<Policy>,
    /// First seed S; default: the scenario's.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Play only this machine's part, `i/n` (0 ≤ i < n): the seeds S+k with k % n == i, under
    /// every policy. Merge the parts' `--out` files with `--merge`.
    #[arg(long, value_name = "i/n")]
    pub shard: Option<Shard>,
    /// Runs played at once, each on a thread of its own; default: the machine's cores.
    #[arg(long, value_name = "J", value_parser = clap::value_parser!(u32).range(1..))]
    pub jobs: Option<u32>,
    /// Write the results (every run) as JSON here, for `--merge` or a later look.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Merge the results files of a sharded stress run and print its table (no drill is played).
    #[arg(long, num_args = 1.., value_name = "FILES")]
    pub merge: Vec<PathBuf>,
    /// Exit with status 2 when some required action was due and met by no policy (the steps
    /// marked `!`), for an author's CI; with `--merge`, judged on the merged whole.
    #[arg(long)]
    pub deny_unmet: bool,
}

/// The exit status of `stress --deny-unmet` when some step was met by no policy (1 is an error).
pub const UNMET_EXIT: u8 = 2;

pub fn run(args: StressArgs) -> ExitCode {
    let result = if args.merge.is_empty() { play_command(&args) } else { merge_command(&args) };
    match result {
        Ok(unmet) if args.deny_unmet && unmet > 0 => {
            eprintln!(
                "--deny-unmet: {unmet} 个步骤任何策略都未达标 / {unmet} steps met by no policy (exit {UNMET_EXIT})"
            );
            ExitCode::from(UNMET_EXIT)
        }
        Ok(_) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Plays the runs and prints the table; returns how many steps no policy met.
fn play_command(args: &StressArgs) -> anyhow::Result<usize> {
    let path = args.scenario.as_deref().ok_or_else(|| anyhow::anyhow!("no scenario given"))?;
    let setup = DrillSetup::load(path, args.seed)?;
    let mut policies = Vec::new();
    for p in &args.policies {
        if !policies.contains(p) {
            policies.push(*p);
        }
    }
    let shard = args.shard.unwrap_or(Shard::WHOLE);
    let jobs = jobs_of(setup.seed, args.runs, &policies, shard);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = args.jobs.map_or(cores, |j| j as usize).min(jobs.len()).max(1);
    let bar = progress_bar(&setup, jobs.len(), threads);
    let quiet = bar.is_hidden();
    let results = play_all(&setup, &jobs, threads, &mut |p: Progress| {
        bar.set_position(p.minutes);
        if let Some(r) = p.finished {
            bar.set_message(format!("{}/{} runs", p.runs_done, p.runs_total));
            if quiet {
                eprintln!(
                    "run {}/{}: {} seed {} → score {:.1} ({:.1} s)",
                    p.runs_done, p.runs_total, r.policy, r.seed, r.score, r.wall_s
                );
            }
        }
    });
    bar.finish_and_clear();
    let mut file = stress_file(&setup, args.runs, &policies, shard, results?);
    file.sort();
    let table = Table::of(&file);
    println!("{}", table.render());
    if shard != Shard::WHOLE {
        println!("分片 shard {}/{}: 用 --merge 合并各分片 / merge the shards with --merge", shard.index, shard.count);
    }
    if let Some(out) = &args.out {
        write_json(out, &file)?;
        println!("结果 results: {}", out.display());
    }
    Ok(table.unmet().len())
}

/// Merges the shards and prints the table; returns how many steps no policy met.
fn merge_command(args: &StressArgs) -> anyhow::Result<usize> {
    let mut files = Vec::new();
    for path in &args.merge {
        files.push((path.display().to_string(), StressFile::read(path).map_err(anyhow::Error::msg)?));
    }
    let (whole, missing) = results::merge(files).map_err(anyhow::Error::msg)?;
    let table = Table::of(&whole);
    println!("{}", table.render());
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().take(20).map(|(p, k)| format!("{p}#{k}")).collect();
        let more = if missing.len() > 20 { format!(" … (+{})", missing.len() - 20) } else { String::new() };
        println!(
            "缺少 {} 次运行(分片未运行或中断) / {} runs missing (a shard not run or cut short): {}{more}",
            missing.len(),
            missing.len(),
            list.join(", ")
        );
    }
    if let Some(out) = &args.out {
        write_json(out, &whole)?;
        println!("合并结果 merged results: {}", out.display());
    }
    Ok(table.unmet().len())
}

fn write_json(path: &Path, file: &StressFile) -> anyhow::Result<()> {
    let json = serde_json::to_vec_pretty(file)?;
    std::fs::write(path, json).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

fn progress_bar(setup: &DrillSetup, runs: usize, threads: usize) -> ProgressBar {
    let minutes = (setup.scenario.duration_h * 60.0).round() as u64 * runs as u64;
    let bar = ProgressBar::new(minutes);
    bar.set_style(
        ProgressStyle::with_template("{prefix} [{bar:40}] {percent}% {msg} (剩余 eta {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(format!("压力测试 stress {} ×{threads}", setup.scenario.name));
    bar.set_message(format!("0/{runs} runs"));
    bar.enable_steady_tick(Duration::from_millis(500));
    bar
}

/// The runs of a stress test (or of one shard): seed index `k` in `0..runs` held by `shard`,
/// under each policy; seed `base_seed + k`.
pub fn jobs_of(base_seed: u64, runs: u32, policies: &[Policy], shard: Shard) -> Vec<Job> {
    let mut jobs = Vec::new();
    for k in (0..runs).filter(|&k| shard.holds(k)) {
        for &policy in policies {
            jobs.push(Job { index: k, seed: base_seed.wrapping_add(u64::from(k)), policy });
        }
    }
    jobs
}

/// Runs `f` with this thread logging warnings and errors only: a run's own lines (views built,
/// ...) would bury the progress and the table.
pub fn quietly<T>(f: impl FnOnce() -> T) -> T {
    let quiet = tracing_subscriber::fmt().with_writer(std::io::stderr).with_max_level(tracing::Level::WARN).finish();
    tracing::subscriber::with_default(quiet, f)
}

/// Where a stress run is, for its progress display.
pub struct Progress<'a> {
    /// Drill minutes played so far over every run.
    pub minutes: u64,
    pub runs_done: usize,
    pub runs_total: usize,
    /// The run that just finished, if that is the news.
    pub finished: Option<&'a RunResult>,
}

/// Plays `jobs` on `threads` threads, each taking the next job when it is done with one, and
/// calls `progress` on this thread as runs advance. The first failed run stops the rest (runs
/// under way finish) and is the error. Results come in the order runs finish.
pub fn play_all(
    setup: &DrillSetup,
    jobs: &[Job],
    threads: usize,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Vec<RunResult>> {
    let next = AtomicUsize::new(0);
    let minutes = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    let scratch = deadlines::scratch_dir("stress");
    let (tx, rx) = mpsc::channel::<anyhow::Result<RunResult>>();
    let mut results = Vec::with_capacity(jobs.len());
    let mut failure = None;
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            let (tx, next, minutes, stop, scratch) = (tx.clone(), &next, &minutes, &stop, &scratch);
            s.spawn(move || {
                quietly(|| {
                    while !stop.load(Ordering::Relaxed) {
                        let Some(&job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                        let mut last_min = 0;
                        let result = play::play(setup, job, scratch, |t_s, _| {
                            let now = u64::from(t_s / 60);
                            minutes.fetch_add(now.saturating_sub(last_min), Ordering::Relaxed);
                            last_min = now;
                        });
                        if tx.send(result).is_err() {
                            break;
                        }
                    }
                });
            });
        }
        drop(tx);
        loop {
            let minutes = minutes.load(Ordering::Relaxed);
            let (runs_done, runs_total) = (results.len(), jobs.len());
            match rx.recv_timeout(Duration::from_millis(250)) {
                Ok(Ok(r)) => {
                    results.push(r);
                    let runs_done = results.len();
                    progress(Progress { minutes, runs_done, runs_total, finished: results.last() });
                }
                Ok(Err(e)) => {
                    stop.store(true, Ordering::Relaxed);
                    failure.get_or_insert(e);
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    progress(Progress { minutes, runs_done, runs_total, finished: None })
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        }
    });
    let _ = std::fs::remove_dir_all(&scratch);
    match failure {
        Some(e) => Err(e),
        None => Ok(results),
    }
}

/// The results file of runs played on `setup`.
pub fn stress_file(
    setup: &DrillSetup,
    runs: u32,
    policies: &[Policy],
    shard: Shard,
    results: Vec<RunResult>,
) -> StressFile {
    let s = &setup.scenario;
    StressFile {
        format: FORMAT.into(),
        scenario: s.name.clone(),
        scenario_file: setup.scenario_path.display().to_string(),
        scenario_hash: format!("{:016x}", sim::hash::fnv(setup.scenario_text.as_bytes())),
        base_seed: setup.seed,
        runs,
        policies: policies.iter().map(|p| p.name().to_string()).collect(),
        shard,
        steps: s
            .plan
            .actions
            .iter()
            .map(|a| PlanStep {
                id: a.id.clone(),
                name: a.name.clone(),
                who: a.who.clone(),
                deadline_min: a.deadline_min,
            })
            .collect(),
        results,
    }
}

#[cfg(test)]
mod tests;
