//! The `sandtable-server` command line: one subcommand per job.

pub mod join;
pub mod map;
mod model;
mod report;
mod run;
mod serve;
mod stop;
pub mod swarm;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use join::JoinArgs;
pub use report::ReportArgs;
pub use run::RunArgs;
pub use serve::{BotsArg, ServeArgs};

#[derive(Parser, Debug)]
#[command(name = "sandtable-server", version, about = "sandtable drill server: 沙盘推演服务器")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Commands,
}

// Parsed once per process: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum Commands {
    /// Validate scenario files; exit 0 only when every file is clean.
    #[command(
        after_help = "Example:\n  sandtable-server check scenarios/*.ron\n  sandtable-server check --migrate my_drill.ron"
    )]
    Check(crate::check::CheckArgs),
    /// Turn a DEM and OpenStreetMap GeoJSON layers into a map asset under assets/maps/<name>/.
    #[cfg(feature = "import")]
    #[command(after_help = crate::import::EXAMPLE)]
    ImportMap(crate::import::ImportArgs),
    /// Serve a drill over UDP: people join with `sandtable`, bots take the other roles.
    #[command(after_help = serve::EXAMPLE)]
    Serve(ServeArgs),
    /// Play a whole drill with bots in every role as fast as possible; print the score.
    #[command(after_help = run::EXAMPLE)]
    Run(RunArgs),
    /// What a map holds (`map info`) and what is at a point of it (`map probe`).
    #[command(after_help = map::EXAMPLE)]
    Map(map::MapArgs),
    /// Model calculator for scenario authors: fire, flood or landslide behaviour as JSON.
    #[command(after_help = model::EXAMPLE)]
    Model(model::ModelArgs),
    /// Take a seat in a served drill without a screen: trace what the seat receives, send orders
    /// from a file at their drill time (support staff, tests).
    #[command(after_help = join::EXAMPLE)]
    Join(JoinArgs),
    /// Write the review of a drill (演练评估报告: report.html, report.json, actions.csv) from its record.
    #[command(after_help = report::EXAMPLE)]
    Report(ReportArgs),
    /// Load a served drill with N bot clients over UDP (many people per role, observers, the
    /// projector); print the bytes each receives per second, drops and a summary.
    #[command(after_help = swarm::EXAMPLE)]
    Swarm(swarm::SwarmArgs),
    /// Play the drill with bots over N seeds under each policy on every core; print how often
    /// each policy met each required action, the spread of the outcomes, and the steps none met.
    #[command(after_help = crate::stress::EXAMPLE)]
    Stress(crate::stress::StressArgs),
}

pub fn main(cli: Cli) -> ExitCode {
    init_logging();
    match cli.command {
        Commands::Check(args) => crate::check::run(args),
        #[cfg(feature = "import")]
        Commands::ImportMap(args) => crate::import::run(args),
        Commands::Serve(args) => serve::run(args),
        Commands::Run(args) => run::run(args),
        Commands::Map(args) => map::run(args),
        Commands::Model(args) => model::run(args),
        Commands::Join(args) => join::run(args),
        Commands::Report(args) => report::run(args),
        Commands::Swarm(args) => swarm::run(args),
        Commands::Stress(args) => crate::stress::run(args),
    }
}

/// Logs to stderr, renet's and netcode's repeated lines summarised ([`crate::logs::init`]).
fn init_logging() {
    crate::logs::init();
}
