//! `sandtable-server run`: a whole drill with bots in every role, as fast as possible.

use std::path::PathBuf;
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use super::serve::BotsArg;
use crate::bots::policy::BotPolicies;
use crate::drill::{DrillSetup, record};

pub const EXAMPLE: &str = "Examples:
  sandtable-server run scenarios/flood_valira.ron --bots all --report-dir /tmp/drill --seed 7
  sandtable-server run scenarios/county_valira_orient.ron --bot-policy command=late,county=absent
  sandtable-server run scenarios/fire_aubinya.ron --adaptive   # + the wall time in adaptive time

Writes scenario.ron, seed.txt, meta.json, journal.jsonl, events.jsonl and the review
(report.html, report.json, actions.csv) into the report directory and prints the score.
Ctrl+C, SIGTERM or SIGHUP end the drill where it is, as in `serve`: the record and its review
are written all the same (`meta.json` says how far it got) and `run` exits 0.";

#[derive(clap::Args, Debug)]
pub struct RunArgs {
    /// Scenario file (.ron).
    pub scenario: PathBuf,
    /// Who plays: `all` (bots in every role) is the only choice without a network.
    #[arg(long, value_enum, default_value = "all")]
    pub bots: BotsArg,
    /// Where to write the record and report.json; default records/<scenario>-<UTC time>.
    #[arg(long)]
    pub report_dir: Option<PathBuf>,
    /// Seed for the simulation; default: the scenario's.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run the clock in adaptive time (the scenario's `session` speeds, or 1× / 120×) and print
    /// the wall time the drill would take in a hall, counted without sleeping.
    #[arg(long)]
    pub adaptive: bool,
    /// How the bots play: `diligent` (the plan, with human reaction times), `late` (30-90 min
    /// late) or `absent` (no orders), for all, or per role: `command=late,county=absent,informant:*=diligent`
    /// (later entries win; unnamed roles are diligent).
    #[arg(long, value_name = "P", default_value = "diligent")]
    pub bot_policy: BotPolicies,
}

pub fn run(args: RunArgs) -> ExitCode {
    if args.bots != BotsArg::All {
        eprintln!("错误 error: `run` plays without people: use --bots all (or `serve` to play)");
        return ExitCode::FAILURE;
    }
    let setup = match DrillSetup::load(&args.scenario, args.seed) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("错误 error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let roles = sim::roles::roles_on_offer(&setup.scenario).unwrap_or_default();
    if let Err(e) = args.bot_policy.check(&roles) {
        eprintln!("错误 error: --bot-policy: {e}");
        return ExitCode::FAILURE;
    }
    let dir = args.report_dir.unwrap_or_else(|| record::default_record_dir(&setup));
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} min")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(format!("演练 drill {}", setup.scenario.name));
    let adaptive = args.adaptive.then(|| crate::drill::clock::spec_for(&setup.scenario));
    let session_h = setup.scenario.session.as_ref().map(|s| s.hours);
    let progress = |t: u32, d: u32| {
        bar.set_length(u64::from(d / 60));
        bar.set_position(u64::from(t / 60));
    };
    let opts = crate::headless::HeadlessOptions {
        policies: args.bot_policy.clone(),
        adaptive: adaptive.clone(),
        planted: Vec::new(),
        stop: Some(super::stop::on_termination()),
    };
    let result = crate::headless::run_drill_with(setup, &dir, &opts, progress, |_, _, _| {});
    bar.finish_and_clear();
    match result {
        Ok(crate::headless::HeadlessRun { finished: f, wall_s, host, .. }) => {
            let world = host.drill().world();
            if !world.is_finished() {
                println!(
                    "演练中止 drill stopped (Ctrl+C / SIGTERM / SIGHUP) at drill minute {} of {}",
                    world.time_s() / 60,
                    world.duration_s() / 60
                );
            }
            println!("{}", f.summary);
            if let (Some(wall_s), Some(a)) = (wall_s, &adaptive) {
                let suggested = session_h.map(|h| format!(", 建议 suggested {h:.1} h")).unwrap_or_default();
                println!(
                    "自适应时间 Adaptive time (决策 decision {}×, 快进 fast {}×, 最长等待 hold {} min): 墙钟 wall {:.2} h{suggested}",
                    a.decision_speed,
                    a.fast_speed,
                    a.hold_min,
                    wall_s / 3600.0
                );
            }
            println!("记录目录 record: {}", dir.display());
            if let Some(page) = crate::review::write_at_end(&dir) {
                println!("评估报告 review: {}", page.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::bots::policy::Policy;
    use crate::cli::{Cli, Commands};

    #[test]
    fn bot_policy_option_of_run_and_serve() {
        let parse = |args: &[&str]| Cli::try_parse_from(["sandtable-server"].iter().chain(args));
        let Ok(Cli { command: Commands::Run(run) }) =
            parse(&["run", "x.ron", "--bot-policy", "command=late,county=absent,informant:*=diligent"])
        else {
            panic!("run --bot-policy did not parse")
        };
        assert_eq!(run.bot_policy.for_role(&"command:Encamp".parse().unwrap()), Policy::Late);
        assert_eq!(run.bot_policy.for_role(&sim::Role::County), Policy::Absent);
        let Ok(Cli { command: Commands::Run(run) }) = parse(&["run", "x.ron"]) else { panic!("run") };
        assert_eq!(run.bot_policy.for_role(&sim::Role::Controller), Policy::Diligent, "diligent by default");
        let Ok(Cli { command: Commands::Serve(serve) }) = parse(&["serve", "--bot-policy", "late"]) else {
            panic!("serve --bot-policy did not parse")
        };
        assert_eq!(serve.bot_policy.for_role(&sim::Role::County), Policy::Late);
        for (bad, words) in [("lazy", "unknown bot policy `lazy`"), ("comand=late", "unknown role"), ("late,", "empty")]
        {
            let err = parse(&["run", "x.ron", "--bot-policy", bad]).unwrap_err().to_string();
            assert!(err.contains(words) && err.contains("--bot-policy"), "{bad}: {err}");
        }
    }
}
