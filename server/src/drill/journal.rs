//! The journal: one JSON line per accepted command, written and flushed before the command takes
//! effect, so the drill can be replayed (scenario + seed + journal) after a crash or for review.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use sim::Order;

use protocol::Control;

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
    out: Box<dyn Write + Send>,
    written: u64,
}

impl Journal {
    /// Opens `path` for appending (creating it), so a restarted server continues the same file.
    pub fn open(path: &Path) -> io::Result<Journal> {
        let file: File = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Journal::from_writer(Box::new(file)))
    }

    pub fn from_writer(out: Box<dyn Write + Send>) -> Journal {
        Journal { out, written: 0 }
    }

    /// Writes one line and flushes it to the OS. An error means the command must not be applied.
    pub fn append(&mut self, line: &JournalLine) -> io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
        text.push('\n');
        // One write_all of the whole line: a crash leaves at most one partial last line.
        self.out.write_all(text.as_bytes())?;
        self.out.flush()?;
        self.written += 1;
        Ok(())
    }

    /// Lines written so far by this journal.
    pub fn written(&self) -> u64 {
        self.written
    }
}

/// Reads a journal file back; a partial last line (a crash mid-write) is skipped.
pub fn read_journal(path: &Path) -> io::Result<Vec<JournalLine>> {
    let text = std::fs::read_to_string(path)?;
    let mut lines = Vec::new();
    let count = text.lines().count();
    for (i, l) in text.lines().enumerate() {
        match serde_json::from_str(l) {
            Ok(line) => lines.push(line),
            Err(_) if i + 1 == count && !text.ends_with('\n') => break,
            Err(e) => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{}:{}: bad journal line: {e}", path.display(), i + 1),
                ));
            }
        }
    }
    Ok(lines)
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
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"seq\":3,\"t_s\"").unwrap();
        let back = read_journal(&path).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0], line);
        assert_eq!(back[1].control, Some(Control::Start));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
