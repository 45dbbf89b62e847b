//! The journal: one JSON line per accepted command, on the disk (`sync_data`) before anything
//! that follows from the command is sent, so the drill can be rebuilt (scenario + seed +
//! journal) after a crash, resumed, or reviewed.
//!
//! Two ways to reach the disk ([`Commit`]): each line synced as it is written (`run`, tests), or
//! a group commit, where the serve loop writes a tick's lines and syncs them once
//! ([`Journal::commit`]) before it sends anything: one `sync_data` a tick instead of one per
//! order (BENCHMARKS.md, "Records").

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

/// When written lines are synced to the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Commit {
    /// Every line as it is written.
    EachLine,
    /// Only at [`Journal::commit`]: the caller sends nothing that follows from a line before.
    Grouped,
}

/// Where journal lines go: the record's `journal.jsonl`, or any writer in tests.
pub struct Journal {
    out: Sink,
    written: u64,
    commit: Commit,
    /// Lines written since the last sync.
    pending: u64,
}

impl Journal {
    /// Opens `path` for appending (creating it): a resumed drill continues the same file.
    pub fn open(path: &Path) -> io::Result<Journal> {
        Ok(Journal::new(Sink::append_to(path)?))
    }

    pub fn from_writer(out: Box<dyn Write + Send>) -> Journal {
        Journal::new(Sink::writer(super::record::JOURNAL, out))
    }

    fn new(out: Sink) -> Journal {
        Journal { out, written: 0, commit: Commit::EachLine, pending: 0 }
    }

    /// From now on lines are synced as [`Commit`] says; switching to `EachLine` syncs what waits.
    pub fn set_commit(&mut self, commit: Commit) -> io::Result<()> {
        self.commit = commit;
        if commit == Commit::EachLine { self.commit().map(drop) } else { Ok(()) }
    }

    /// Writes one line, and with [`Commit::EachLine`] syncs it to the disk. An error (naming the
    /// file) means the command must not be applied nor acknowledged; the partial line is cut
    /// back off the file.
    pub fn append(&mut self, line: &JournalLine) -> io::Result<()> {
        let mut text = serde_json::to_string(line).map_err(io::Error::other)?;
        text.push('\n');
        // One write of the whole line: a crash leaves at most one partial last line.
        self.out.append(text.as_bytes(), self.commit == Commit::EachLine)?;
        self.written += 1;
        if self.commit == Commit::Grouped {
            self.pending += 1;
        }
        Ok(())
    }

    /// Syncs the lines written since the last sync, if any, in one `sync_data`; returns how
    /// many. An error (naming the file) means they may not be on the disk: the drill must stop.
    pub fn commit(&mut self) -> io::Result<u64> {
        if self.pending == 0 {
            return Ok(0);
        }
        self.out.sync()?;
        Ok(std::mem::take(&mut self.pending))
    }

    /// Lines written but not yet synced ([`Commit::Grouped`]).
    pub fn pending(&self) -> u64 {
        self.pending
    }

    /// `sync_data` calls so far.
    pub fn syncs(&self) -> u64 {
        self.out.syncs()
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

    #[test]
    fn a_group_commit_syncs_once_for_many_lines_and_nothing_when_nothing_waits() {
        let dir = crate::testkit::temp_dir("journal-group");
        let path = dir.join("journal.jsonl");
        let mut j = Journal::open(&path).unwrap();
        j.set_commit(Commit::Grouped).unwrap();
        let line = |seq| JournalLine {
            seq,
            t_s: 60,
            role: "command".into(),
            player: "李四".into(),
            order: Some(Order::Warn { village: "Canillo".into() }),
            control: None,
        };
        for seq in 1..=5 {
            j.append(&line(seq)).unwrap();
        }
        assert_eq!((j.pending(), j.syncs()), (5, 0), "written, not synced");
        assert_eq!(read_journal(&path).unwrap().len(), 5, "the lines are in the file before the sync");
        assert_eq!(j.commit().unwrap(), 5);
        assert_eq!((j.pending(), j.syncs()), (0, 1), "one sync for five lines");
        assert_eq!(j.commit().unwrap(), 0);
        assert_eq!(j.syncs(), 1, "nothing waited: no sync");
        // Back to a line at a time: what waits is synced on the switch, then every line.
        j.append(&line(6)).unwrap();
        j.set_commit(Commit::EachLine).unwrap();
        assert_eq!((j.pending(), j.syncs()), (0, 2));
        j.append(&line(7)).unwrap();
        assert_eq!((j.pending(), j.syncs()), (0, 3));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
