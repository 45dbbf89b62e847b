//! Schema versions. A file names the schema it is written for (`schema: 1`; a file without it is
//! schema 1). Each step from one version to the next is a set of text edits here, the one home
//! of what changed: the loader makes them in memory, so a schema 1 file keeps working, and
//! `sandtable-server check --migrate FILE` writes them to the file, keeping its comments and
//! layout, and says what changed where.

use super::edits::{Edits, Rewrite};
use super::schema::SCHEMA_VERSION;
use super::source_map::{Pos, SourceMap, Tok, Token, tokenize};

/// One change a migration makes, at its place in the file as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub pos: Pos,
    /// What changed, Chinese first.
    pub message: String,
}

/// A text brought to the current schema.
#[derive(Clone, Debug)]
pub struct Migrated {
    /// The schema the text was written for.
    pub from: u32,
    /// The text in the current schema, with the way back to the author's positions.
    pub rewrite: Rewrite,
    pub changes: Vec<Change>,
}

/// A field renamed from one schema to the next.
pub struct Rename {
    /// The schema that first uses `new`.
    pub to: u32,
    /// The path of the struct holding the field, with `[]` for any list index.
    pub within: &'static str,
    pub old: &'static str,
    pub new: &'static str,
    pub why: &'static str,
}

/// Every field renamed since schema 1.
pub const RENAMES: &[Rename] = &[
    Rename {
        to: 2,
        within: "hazards.fire.moisture[]",
        old: "m1h",
        new: "dead_1h_percent",
        why: "单位写进字段名 units in the name",
    },
    Rename {
        to: 2,
        within: "hazards.fire.moisture[]",
        old: "m10h",
        new: "dead_10h_percent",
        why: "单位写进字段名 units in the name",
    },
    Rename {
        to: 2,
        within: "hazards.fire.moisture[]",
        old: "m100h",
        new: "dead_100h_percent",
        why: "单位写进字段名 units in the name",
    },
    Rename {
        to: 2,
        within: "hazards.fire.moisture[]",
        old: "mherb",
        new: "live_herb_percent",
        why: "单位写进字段名 units in the name",
    },
    Rename {
        to: 2,
        within: "hazards.fire.moisture[]",
        old: "mwoody",
        new: "live_woody_percent",
        why: "单位写进字段名 units in the name",
    },
];

/// A schema 2 text written back as schema 1 by plain text replacement of the version line and
/// every field [`RENAMES`] renamed: the old files the migration tests start from. Only for texts
/// where the new names appear as field names alone (the shipped drills).
pub fn as_schema_1(text: &str) -> String {
    RENAMES.iter().filter(|r| r.to == 2).fold(text.replace("schema: 2", "schema: 1"), |t, r| t.replace(r.new, r.old))
}

/// Why a text cannot be brought to the current schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    pub pos: Pos,
    pub message: String,
}

/// The schema a text says it is written for: its top-level `schema:` number, 1 when absent,
/// `None` when the value is not a whole number (ron then says what is wrong with it).
pub fn schema_of(text: &str) -> Option<u32> {
    let (tokens, ..) = tokenize(text);
    match schema_token(&tokens) {
        Some(t) => t.text.parse().ok(),
        None => Some(1),
    }
}

/// The value of the outermost `schema:` field.
fn schema_token(tokens: &[Token]) -> Option<&Token> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        match t.tok {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => depth = depth.saturating_sub(1),
            Tok::Ident
                if depth == 1 && t.text == "schema" && tokens.get(i + 1).is_some_and(|n| n.tok == Tok::Colon) =>
            {
                return tokens.get(i + 2);
            }
            _ => {}
        }
    }
    None
}

/// Why this build cannot read schema `v` (0, or newer than [`SCHEMA_VERSION`]).
pub(crate) fn unsupported(v: u32) -> String {
    if v == 0 {
        "schema 0 does not exist: schemas are numbered from 1".to_string()
    } else {
        format!(
            "schema {v} is newer than this build of sandtable, which reads schemas 1 to {SCHEMA_VERSION}: use a newer sandtable"
        )
    }
}

/// Brings `text` to [`SCHEMA_VERSION`]. A text already there comes back unchanged.
pub fn migrate(text: &str) -> Result<Migrated, Unsupported> {
    let mut rewrite = Rewrite::new(text);
    let Some(from) = schema_of(text) else {
        return Ok(Migrated { from: SCHEMA_VERSION, rewrite, changes: Vec::new() });
    };
    if from == 0 || from > SCHEMA_VERSION {
        let (tokens, ..) = tokenize(text);
        let pos = schema_token(&tokens).map_or((1, 1), |t| t.pos);
        return Err(Unsupported { pos, message: unsupported(from) });
    }
    let mut changes = Vec::new();
    for to in from + 1..=SCHEMA_VERSION {
        let (edits, step_changes) = step(&rewrite.text, to);
        // Changes are placed in the text the step read; later steps map back through earlier ones.
        changes.extend(step_changes.into_iter().map(|c| Change { pos: rewrite.original_pos(c.pos), ..c }));
        rewrite.step(edits);
    }
    Ok(Migrated { from, rewrite, changes })
}

/// The edits from schema `to - 1` to `to`: the version number, then every rename.
fn step(text: &str, to: u32) -> (Edits, Vec<Change>) {
    let (tokens, ..) = tokenize(text);
    let src = SourceMap::new(text);
    let mut edits = Edits::default();
    let mut changes = Vec::new();
    match schema_token(&tokens) {
        Some(t) => {
            edits.push(t.byte..t.byte + t.text.len(), to.to_string());
            changes.push(Change { pos: t.pos, message: format!("schema: {} → {to}", t.text) });
        }
        None => {
            // First in the file's outer brackets, indented as its first field is.
            if let Some(open) = tokens.iter().find(|t| t.tok == Tok::Open('(')) {
                let indent = tokens
                    .iter()
                    .find(|t| t.pos.0 > open.pos.0)
                    .map_or("    ".to_string(), |t| " ".repeat(t.pos.1 - 1));
                let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
                let at = open.byte + 1;
                edits.push(at..at, format!("{newline}{indent}schema: {to},"));
                changes.push(Change {
                    pos: open.pos,
                    message: format!(
                        "加上 added `schema: {to}` (没有 schema 的文件按 schema 1 读 a file without one is schema 1)"
                    ),
                });
            }
        }
    }
    for (i, t) in tokens.iter().enumerate() {
        if t.tok != Tok::Ident || tokens.get(i + 1).map(|n| n.tok) != Some(Tok::Colon) {
            continue;
        }
        let path = src.path_at(t.pos);
        let Some(within) = path.strip_suffix(&format!(".{}", t.text)) else { continue };
        let r = RENAMES.iter().find(|r| r.to == to && r.old == t.text && same_place(r.within, within));
        if let Some(r) = r {
            edits.push(t.byte..t.byte + t.text.len(), r.new);
            changes
                .push(Change {
                    pos: t.pos, message: format!("`{}` 改名为 renamed to `{}` ({})", r.old, r.new, r.why)
                });
        }
    }
    (edits, changes)
}

/// `hazards.fire.moisture[3]` is at `hazards.fire.moisture[]`.
fn same_place(pattern: &str, path: &str) -> bool {
    let mut rest = path;
    for (k, part) in pattern.split("[]").enumerate() {
        if k > 0 {
            let Some(after) = rest.strip_prefix('[') else { return false };
            let Some(close) = after.find(']') else { return false };
            if !after[..close].bytes().all(|b| b.is_ascii_digit()) {
                return false;
            }
            rest = &after[close + 1..];
        }
        let Some(after) = rest.strip_prefix(part) else { return false };
        rest = after;
    }
    rest.is_empty()
}

/// For an unknown field: the hint when it is an older schema's name.
pub fn renamed_hint(field: &str) -> Option<String> {
    let r = RENAMES.iter().find(|r| r.old == field)?;
    Some(format!(
        "`{}` is the schema {} name, `{}` since schema {} (`sandtable-server check --migrate FILE` renames it)",
        r.old,
        r.to - 1,
        r.new,
        r.to
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = "(\n    // 演练\n    schema: 1,\n    hazards: (fire: (moisture: [\n        (at_min: 0, m1h: 6, m10h: 7, m100h: 8, mherb: 60, mwoody: 90), // 干\n    ])),\n    m1h: 3,\n)\n";

    #[test]
    fn schema_1_renames_keep_comments_and_layout() {
        let m = migrate(V1).unwrap();
        assert_eq!(m.from, 1);
        assert_eq!(
            m.rewrite.text,
            "(\n    // 演练\n    schema: 2,\n    hazards: (fire: (moisture: [\n        (at_min: 0, dead_1h_percent: 6, dead_10h_percent: 7, dead_100h_percent: 8, live_herb_percent: 60, live_woody_percent: 90), // 干\n    ])),\n    m1h: 3,\n)\n"
        );
        let said: Vec<String> = m.changes.iter().map(|c| format!("{}:{} {}", c.pos.0, c.pos.1, c.message)).collect();
        assert_eq!(said[0], "3:13 schema: 1 → 2");
        assert_eq!(said[1], "5:21 `m1h` 改名为 renamed to `dead_1h_percent` (单位写进字段名 units in the name)");
        assert_eq!(said.len(), 6, "{said:?}");
        // Already current: nothing to do.
        let again = migrate(&m.rewrite.text).unwrap();
        assert_eq!((again.from, again.changes.len()), (SCHEMA_VERSION, 0));
        assert_eq!(again.rewrite.text, m.rewrite.text);
    }

    #[test]
    fn a_file_without_schema_is_schema_1() {
        let text = "(\r\n  name: \"x\",\r\n)";
        assert_eq!(schema_of(text), Some(1));
        let m = migrate(text).unwrap();
        assert_eq!(m.rewrite.text, "(\r\n  schema: 2,\r\n  name: \"x\",\r\n)");
        assert_eq!(m.changes[0].pos, (1, 1));
    }

    #[test]
    fn newer_and_zero_schemas_are_refused_where_written() {
        let e = migrate("(\n  schema: 9,\n)").unwrap_err();
        assert_eq!(e.pos, (2, 11));
        assert!(e.message.starts_with("schema 9 is newer than this build"), "{}", e.message);
        assert!(migrate("(schema: 0)").unwrap_err().message.contains("numbered from 1"));
        // Not a number: left for ron to explain.
        assert_eq!(schema_of("(schema: \"one\")"), None);
    }

    #[test]
    fn list_patterns_match_any_index_only() {
        assert!(same_place("hazards.fire.moisture[]", "hazards.fire.moisture[12]"));
        assert!(!same_place("hazards.fire.moisture[]", "hazards.fire.moisture"));
        assert!(!same_place("hazards.fire.moisture[]", "hazards.fire.moisture[1].x"));
        assert!(!same_place("hazards.fire.moisture[]", "hazards.fire.moisture[a]"));
    }
}
