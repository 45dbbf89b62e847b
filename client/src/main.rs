//! `sandtable`: the drill client. Parses the command line and runs the app plugin; everything
//! else lives in one plugin per file (see `app`).

mod app;
mod cli;
mod console;
mod drill;
mod drive;
mod editor;
mod fonts;
mod host;
mod i18n;
mod labels;
mod launcher;
mod map_view;
mod net;
mod orders;
mod panels;
mod replay;
mod replay_source;
mod screenshot;
mod session;
mod terrain;

use bevy::prelude::*;
use clap::Parser;

fn main() -> AppExit {
    let args = cli::Args::parse();
    if let (true, Some(dir)) = (args.bench_replay, &args.replay) {
        return match replay_source::bench(dir) {
            Ok(figures) => {
                println!("{figures}");
                AppExit::Success
            }
            Err(e) => {
                eprintln!("sandtable: {e}");
                AppExit::from_code(2)
            }
        };
    }
    let session = match args.session() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandtable: {e}");
            return AppExit::from_code(2);
        }
    };
    App::new().add_plugins(app::SandtablePlugin { args, session }).run()
}
