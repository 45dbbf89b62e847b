//! `sandtable-server report RECORD_DIR [--out DIR]`: writes the review of a drill (report.html,
//! report.json, actions.csv) from its record alone; a record whose server died is replayed from
//! its journal first.

use std::path::PathBuf;
use std::process::ExitCode;

pub const EXAMPLE: &str = "Examples:
  sandtable-server report records/flood_valira-20250601T083000Z
  sandtable-server report /tmp/drill --out /tmp/review

Writes report.html (print it on A4), report.json and actions.csv. The same record gives the
same bytes. A record without report.json (the server died) is rebuilt from scenario.ron,
seed.txt and journal.jsonl up to the last moment recorded.";

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// The drill's record directory (from `run` or `serve`).
    pub record_dir: PathBuf,
    /// Where to write the review; default: the record directory.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: ReportArgs) -> ExitCode {
    match crate::review::write_review(&args.record_dir, args.out.as_deref()) {
        Ok((files, rebuilt)) => {
            if rebuilt {
                println!(
                    "服务器未正常结束，已由指令日志重建 rebuilt from the journal (the server did not end the drill)"
                );
            }
            for f in files {
                println!("已写入 wrote: {}", f.display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误 error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
