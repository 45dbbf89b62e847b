//! `sandtable-server model fire|flood|landslide`: the hazard models' own code, run on the
//! author's numbers, answered as JSON. Bad arguments exit 2 with a clear message.

mod fire;
#[cfg(feature = "import")]
mod flood;
mod landslide;

use std::process::ExitCode;

use clap::{Args, Subcommand};

pub const EXAMPLE: &str = "Examples:\n  sandtable-server model fire --fuel GS4 --m1h 6 --m10h 7 --m100h 8 --mherb 60 --mwoody 90 --midflame-wind-m-per-s 2.235 --slope-percent 30\n  sandtable-server model landslide --depth-m 6 --slope-deg 22 --unit-weight-kn-per-m3 20.8 --friction-deg 26 --cohesion-kpa 52 --water-table-ratio 1\n  sandtable-server model flood --dem valley.asc --duration-h 2 --rain-mm-per-h 30 --probe 500,500";

#[derive(Args, Debug)]
pub struct ModelArgs {
    #[command(subcommand)]
    pub model: Model,
}

#[derive(Subcommand, Debug)]
pub enum Model {
    /// Surface fire behaviour (Rothermel 1972 with Albini 1976) for one fuel model and weather.
    #[command(
        after_help = "Example:\n  sandtable-server model fire --fuel GS4 --m1h 6 --m10h 7 --m100h 8 --mherb 60 --mwoody 90 --midflame-wind-m-per-s 2.2352 --slope-percent 30"
    )]
    Fire(fire::FireArgs),
    /// Shallow-water flood on an ESRI ASCII DEM: volumes and probe depths.
    #[cfg(feature = "import")]
    #[command(
        after_help = "Example (X, Y in the grid's own coordinates):\n  sandtable-server model flood --dem valley.asc --duration-h 2 --rain-mm-per-h 30 --rain-h 1 --curve-number 80 --inflow 1005,1995,20 --probe 1005,1005"
    )]
    Flood(flood::FloodArgs),
    /// Infinite-slope factor of safety.
    #[command(
        after_help = "Example:\n  sandtable-server model landslide --depth-m 6 --slope-deg 22 --unit-weight-kn-per-m3 20.8 --friction-deg 26 --cohesion-kpa 52 --water-table-ratio 1"
    )]
    Landslide(landslide::LandslideArgs),
}

pub fn run(args: ModelArgs) -> ExitCode {
    let result = match args.model {
        Model::Fire(a) => fire::run(a),
        #[cfg(feature = "import")]
        Model::Flood(a) => flood::run(a),
        Model::Landslide(a) => landslide::run(a),
    };
    match result {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
