//! `sandtable-server check --migrate FILE...`: rewrites scenario files written for an older
//! schema to the current one, in place, keeping their comments and layout (the edits of
//! `sim::scenario::migrate`, made at the places the file writes them), says each change with its
//! `file:line:col`, then checks the file as `check` does.

use std::io::Write;
use std::path::Path;

use sim::scenario::{Change, SCHEMA_VERSION, migrate, parse_scenario, read_scenario_text, schema_of};

/// What migrating one file did.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Written for this schema already: left untouched.
    Current,
    /// Rewritten from `from`, with these changes (positions in the file as it was).
    Migrated { from: u32, changes: Vec<Change> },
    /// Not rewritten: the file cannot be read or parsed (the problems say why).
    Refused(Vec<String>),
}

/// Migrates one file in place.
pub fn migrate_file(path: &Path) -> Outcome {
    let file = path.display().to_string();
    let lines = |problems: Vec<sim::scenario::Problem>| problems.iter().map(|p| p.to_string()).collect::<Vec<String>>();
    let raw = match read_scenario_text(path) {
        Ok(t) => t,
        Err(problems) => return Outcome::Refused(lines(problems)),
    };
    // A byte-order mark stays where it was; positions count from after it, as everywhere.
    let (bom, text) = match raw.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", raw.as_str()),
    };
    // Syntax first: a file ron cannot read is not rewritten (its problems name the file as is).
    if let Err(problems) = parse_scenario(&file, text) {
        return Outcome::Refused(lines(problems));
    }
    let m = match migrate(text) {
        Ok(m) => m,
        Err(e) => return Outcome::Refused(vec![format!("{file}:{}:{}: schema: {}", e.pos.0, e.pos.1, e.message)]),
    };
    if m.changes.is_empty() {
        return Outcome::Current;
    }
    // Written beside the file, then moved over it: a failure leaves the old file whole.
    let tmp = path.with_extension("ron.migrating");
    let written = std::fs::write(&tmp, format!("{bom}{}", m.rewrite.text)).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Outcome::Refused(vec![format!("{file}: cannot write: {e}")]);
    }
    Outcome::Migrated { from: m.from, changes: m.changes }
}

/// `check --migrate`: each file migrated, its changes said, then checked. Exit status as `check`.
pub fn run(files: &[std::path::PathBuf]) -> std::process::ExitCode {
    let (mut out, mut err) = (std::io::stdout().lock(), std::io::stderr().lock());
    let mut all_clean = true;
    for path in files {
        let file = path.display();
        match migrate_file(path) {
            Outcome::Current => {
                let _ = writeln!(
                    out,
                    "{file}: 已是 schema {SCHEMA_VERSION}, 未改动 / already schema {SCHEMA_VERSION}, unchanged"
                );
            }
            Outcome::Migrated { from, changes } => {
                let _ = writeln!(
                    out,
                    "{file}: schema {from} → {SCHEMA_VERSION}, {} 处改动 / {} change(s):",
                    changes.len(),
                    changes.len()
                );
                for c in &changes {
                    let _ = writeln!(out, "{file}:{}:{}: {}", c.pos.0, c.pos.1, c.message);
                }
            }
            Outcome::Refused(problems) => {
                all_clean = false;
                for p in &problems {
                    let _ = writeln!(err, "{p}");
                }
                let _ = writeln!(err, "{file}: 未迁移 / not migrated");
                continue;
            }
        }
        let problems = crate::check::check_file(path);
        if problems.is_empty() {
            let _ = writeln!(out, "ok {file}");
        } else {
            all_clean = false;
            for p in &problems {
                let _ = writeln!(err, "{p}");
            }
        }
    }
    if all_clean { std::process::ExitCode::SUCCESS } else { std::process::ExitCode::FAILURE }
}

/// For `check`: a note when a file is written for an older schema (it still loads).
pub fn older_schema_note(path: &Path) -> Option<String> {
    let text = read_scenario_text(path).ok()?;
    let v = schema_of(text.strip_prefix('\u{feff}').unwrap_or(&text))?;
    (v < SCHEMA_VERSION).then(|| {
        format!(
            "note: {} 按 schema {v} 写成, 读作 schema {SCHEMA_VERSION} / is written for schema {v}, read as schema {SCHEMA_VERSION}: `sandtable-server check --migrate {}` updates it",
            path.display(),
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sandtable-migrate-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn shipped(name: &str) -> String {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios").join(name)).unwrap()
    }

    /// The shipped fire drill written back as schema 1 (its old field names, a BOM, CRLF line
    /// ends), then migrated: the file is the shipped one again, byte for byte, and the changes
    /// name the lines of the old file.
    #[test]
    fn a_schema_1_file_is_rewritten_keeping_comments_and_layout() {
        let current = shipped("fire_aubinya.ron");
        let v1 = sim::scenario::as_schema_1(&current);
        let dir = scratch("fire");
        let path = dir.join("fire.ron");
        std::fs::write(&path, format!("\u{feff}{}", v1.replace('\n', "\r\n"))).unwrap();
        let Outcome::Migrated { from, changes } = migrate_file(&path) else { panic!("not migrated") };
        assert_eq!(from, 1);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("\u{feff}{}", current.replace('\n', "\r\n")));
        // The version line and 3 points × 5 fields.
        assert_eq!(changes.len(), 16, "{changes:?}");
        let schema_line = v1.lines().position(|l| l.contains("schema: 1")).unwrap() + 1;
        assert_eq!(changes[0].pos.0, schema_line);
        assert_eq!(changes[0].message, "schema: 1 → 2");
        let first_point = v1.lines().position(|l| l.contains("(at_min: 0,   m1h")).unwrap() + 1;
        assert_eq!(changes[1].pos, (first_point, v1.lines().nth(first_point - 1).unwrap().find("m1h").unwrap() + 1));
        assert!(changes[1].message.contains("`m1h` 改名为 renamed to `dead_1h_percent`"), "{}", changes[1].message);
        // Again: nothing to do, the file untouched.
        assert_eq!(migrate_file(&path), Outcome::Current);
        assert!(older_schema_note(&path).is_none());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_broken_or_newer_file_is_left_alone() {
        let dir = scratch("broken");
        let broken = dir.join("broken.ron");
        let text = "(\n  schema: 1,\n  name: \"x\"\n  map: \"andorra\",\n)\n";
        std::fs::write(&broken, text).unwrap();
        let Outcome::Refused(why) = migrate_file(&broken) else { panic!("migrated a broken file") };
        assert!(why[0].contains("broken.ron:4:3"), "{why:?}");
        assert_eq!(std::fs::read_to_string(&broken).unwrap(), text);
        let newer = dir.join("newer.ron");
        std::fs::write(&newer, "(\n  schema: 7,\n)\n").unwrap();
        let Outcome::Refused(why) = migrate_file(&newer) else { panic!("migrated a newer file") };
        assert!(why[0].contains("newer.ron:2:11: schema: schema 7 is newer"), "{why:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn check_notes_an_older_schema() {
        let dir = scratch("note");
        let path = dir.join("old.ron");
        std::fs::write(&path, shipped("flood_valira.ron").replace("schema: 2", "schema: 1")).unwrap();
        let note = older_schema_note(&path).expect("a note");
        assert!(note.contains("is written for schema 1, read as schema 2"), "{note}");
        assert!(crate::check::check_file(&path).iter().all(|p| !p.message.contains("schema")));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
