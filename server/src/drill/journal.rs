//! The journal: one JSON line per accepted command, written and synced to the disk (`sync_data`)
//! before the command takes effect or is acknowledged, so the drill can be rebuilt (scenario +
//! seed + journal) after a crash, resumed, or reviewed.

use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sim::Order;

use protocol::Control;

use super::sink::Sink;

/// One accepted command. `t_s` is the simulated time at which it was applied (before the step
/// from `t_s`), so a replay applies every line with `t_s == world.time_s()` before stepping.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalLine {
    /// 1, 2, 3... in the order the commands were accepted.
    pub seq: u64,
    pub t_s: u32,
    /// The role as named on the command line, e.g. `informant:Canillo`.
    pub role: String,
    pub player: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Order>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<Control>,
}

/// Where journal lines go: the record's `journal.jsonl`, or any writer in tests.
pub struct Journal {
    out: Sink,
    written: u64,
}

impl Journal {
    /// Opens `path` for appending (creating it): a resumed drill continues the same file.
    pub fn open(path: &Path) -> io::Result<Journal> {
        Ok(Journal { out: Sink::append_to(path)?, written: 0 })
    }

    pub fn from_writer(out: Box<dyn Write + Send>) -> Journal {
        Journal { out: Sink::writer(super::record::JOURNAL, out), written: 0 }
    }

    /// Writes one line and syncs it to the disk (one `sync_data` per accepted command). An
    /// error (naming the file) means the command must not be applied nor acknowledged; the
    /// partial line is cut back off the file.
    pub fn append(&mut self, line: &JournalLine) -> io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
        text.push('\n');
        // One write of the whole line: a crash leaves at most one partial last line.
        self.out.append(text.as_bytes(), true)?;
        self.written += 1;
        Ok(())
    }

    /// Lines written so far by this journal.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The journal file's path (or the test writer's name).
    pub fn name(&self) -> &Path {
        self.out.name()
    }
}

/// Reads a journal file back; a torn last line (a crash mid-write) is logged and dropped
/// ([`super::jsonl`]).
pub fn read_journal(path: &Path) -> io::Result<Vec<JournalLine>> {
    Ok(super::jsonl::read(path)?.items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_round_trip_and_a_torn_last_line_is_skipped() {
        let dir = std::env::temp_dir().join(format!("sandtable-journal-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("journal.jsonl");
        let _ = std::fs::remove_file(&path);
        let mut j = Journal::open(&path).unwrap();
        let line = JournalLine {
            seq: 1,
            t_s: 120,
            role: "command".into(),
            player: "张三".into(),
            order: Some(Order::Warn { village: "Canillo".into() }),
            control: None,
        };
        j.append(&line).unwrap();
        j.append(&JournalLine { seq: 2, order: None, control: Some(Control::Start), ..line.clone() }).unwrap();
        assert_eq!(j.written(), 2);
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"seq\":3,\"t_s\"").unwrap();
        let back = read_journal(&path).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0], line);
        assert_eq!(back[1].control, Some(Control::Start));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
