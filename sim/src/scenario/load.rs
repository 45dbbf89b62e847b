//! Reading a scenario file: RON text to [`Scenario`], with syntax and type errors turned into
//! [`Problem`]s that name the file, line, column, path inside the file and what was expected.
//! A file larger than [`MAX_SCENARIO_BYTES`] is refused before it is read, and one nesting
//! brackets deeper than [`MAX_NESTING`] before it is parsed.

use std::path::Path;

use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;

use super::Scenario;
use super::edits::Rewrite;
use super::migrate::{migrate, renamed_hint};
use super::positional::spell_out;
use super::source_map::{SourceMap, nesting_too_deep};

/// The largest scenario file, bytes (4 MiB; the shipped ones are under 20 KB).
pub const MAX_SCENARIO_BYTES: usize = 4 * 1024 * 1024;
/// The deepest nesting of brackets a scenario may have (the schema needs about 8).
pub const MAX_NESTING: usize = 64;

fn too_large(file: &str, bytes: u64) -> Vec<Problem> {
    let message = format!(
        "the file is {bytes} bytes: a scenario is at most {MAX_SCENARIO_BYTES} bytes ({} MiB)",
        MAX_SCENARIO_BYTES / (1024 * 1024)
    );
    vec![Problem { file: file.into(), line: None, col: None, path: String::new(), message }]
}

/// One problem found in a scenario file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub file: String,
    /// 1-based line and column, where known.
    pub line: Option<usize>,
    pub col: Option<usize>,
    /// Path inside the file, e.g. `teams[2].base`.
    pub path: String,
    pub message: String,
}

impl Problem {
    /// A problem at `path`, placed on the line where the file writes that value (or its parent).
    pub fn at(file: &str, src: &SourceMap, path: &str, message: impl Into<String>) -> Problem {
        let pos = src.locate(path);
        Problem {
            file: file.into(),
            line: pos.map(|p| p.0),
            col: pos.map(|p| p.1),
            path: path.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(l) = self.line {
            write!(f, ":{l}")?;
            if let Some(c) = self.col {
                write!(f, ":{c}")?;
            }
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// RON options for scenario files. `implicit_some` lets authors write `shelter: "小学"` and
/// `flood: (...)` instead of `Some(...)`; `Some(...)` still works.
fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Parses scenario text. On failure returns every syntax problem found: ron's first error,
/// precisely placed, plus any unbalanced brackets or unclosed strings elsewhere in the file.
pub fn parse_scenario(file: &str, text: &str) -> Result<Scenario, Vec<Problem>> {
    // Windows editors often start UTF-8 files with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        let message = "the file is empty: a scenario is one `( ... )` value, see scenarios/flood_valira.ron";
        return Err(vec![Problem {
            file: file.into(),
            line: Some(1),
            col: Some(1),
            path: String::new(),
            message: message.into(),
        }]);
    }
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(too_large(file, text.len() as u64));
    }
    if let Some((line, col)) = nesting_too_deep(text, MAX_NESTING) {
        let message = format!(
            "brackets nested more than {MAX_NESTING} deep: a scenario needs far fewer (is a closing bracket missing?)"
        );
        return Err(vec![Problem {
            file: file.into(),
            line: Some(line),
            col: Some(col),
            path: String::new(),
            message,
        }]);
    }
    let problem = |pos: (usize, usize), path: String, message: String| Problem {
        file: file.into(),
        line: Some(pos.0),
        col: Some(pos.1),
        path,
        message,
    };
    // A file for an older schema is brought to this one, and positional forms are spelled out,
    // in memory; `rewrite` maps every position back to the file as written.
    // A newer schema is read as this one all the same: the validator or ron then says what
    // else is wrong, after the version.
    let (mut rewrite, newer) = match migrate(text) {
        Ok(m) => (m.rewrite, None),
        Err(e) => (Rewrite::new(text), Some(problem(e.pos, "schema".into(), e.message))),
    };
    let (spelled, too_many) = spell_out(&rewrite.text);
    if !too_many.is_empty() {
        let src = SourceMap::new(text);
        return Err(too_many
            .into_iter()
            .map(|t| {
                let pos = rewrite.original_pos(t.pos);
                problem(pos, src.path_at(pos), t.message)
            })
            .collect());
    }
    rewrite.step(spelled);
    let err: SpannedError = match ron_options().from_str(&rewrite.text) {
        Ok(s) => return Ok(s),
        Err(e) => e,
    };
    let src = SourceMap::new(text);
    // ron places some errors on the whitespace before the offending value: point at the value.
    let pos = rewrite.original_pos(skip_blanks(&rewrite.text, (err.span.start.line, err.span.start.col)));
    let mut message = describe(&err.code);
    if expects_a_value(&err.code)
        && let Some(found) = token_at(text, pos)
    {
        message = format!("{message}, found `{found}`");
    }
    if let RonError::NoSuchStructField { found, .. } = &err.code
        && let Some(hint) = renamed_hint(found)
    {
        message = format!("{message}; {hint}");
    }
    let mut problems =
        vec![Problem { file: file.into(), line: Some(pos.0), col: Some(pos.1), path: src.path_at(pos), message }];
    for n in &src.syntax {
        // Where ron already stopped on the same line, ron's word is enough.
        if n.pos.0 != pos.0 {
            problems.push(Problem {
                file: file.into(),
                line: Some(n.pos.0),
                col: Some(n.pos.1),
                path: n.path.clone(),
                message: n.message.clone(),
            });
        }
    }
    problems.extend(newer);
    problems.sort_by_key(|p| (p.line, p.col));
    Err(problems)
}

/// Reads and parses a scenario file; returns the scenario and its text (for placing later problems).
pub fn load_scenario_file(path: &Path) -> Result<(Scenario, String), Vec<Problem>> {
    let text = read_scenario_text(path)?;
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    let s = parse_scenario(&path.display().to_string(), &text)?;
    Ok((s, text))
}

/// A scenario file's text as it is on the disk (a byte-order mark kept), within
/// [`MAX_SCENARIO_BYTES`] and UTF-8.
pub fn read_scenario_text(path: &Path) -> Result<String, Vec<Problem>> {
    let file = path.display().to_string();
    let cannot_read = |e: std::io::Error| {
        let why = if e.kind() == std::io::ErrorKind::NotFound { "no such file".to_string() } else { e.to_string() };
        vec![Problem {
            file: file.clone(),
            line: None,
            col: None,
            path: String::new(),
            message: format!("cannot read: {why}"),
        }]
    };
    // The size is checked before reading, and the read stops one byte past the limit (a file
    // that grows meanwhile, or a device with no size).
    let f = std::fs::File::open(path).map_err(cannot_read)?;
    if let Ok(meta) = f.metadata()
        && meta.len() > MAX_SCENARIO_BYTES as u64
    {
        return Err(too_large(&file, meta.len()));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(f, MAX_SCENARIO_BYTES as u64 + 1), &mut bytes)
        .map_err(cannot_read)?;
    if bytes.len() > MAX_SCENARIO_BYTES {
        return Err(too_large(&file, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        vec![Problem {
            file: file.clone(),
            line: None,
            col: None,
            path: String::new(),
            message: format!(
                "not UTF-8 text (bad byte at offset {at}): save the file as UTF-8 (GBK files must be converted)"
            ),
        }]
    })
}

/// Moves a 1-based (line, col) forward over spaces and line breaks.
fn skip_blanks(text: &str, (line, col): (usize, usize)) -> (usize, usize) {
    let Some(line_text) = text.lines().nth(line.saturating_sub(1)) else { return (line, col) };
    let (mut l, mut c) = (line, col);
    let mut rest = line_text.chars().skip(col.saturating_sub(1)).collect::<String>();
    let mut lines = text.lines().skip(line);
    loop {
        let lead = rest.chars().take_while(|ch| ch.is_whitespace()).count();
        if lead < rest.chars().count() {
            return (l, c + lead);
        }
        match lines.next() {
            Some(next) => {
                rest = next.to_string();
                l += 1;
                c = 1;
            }
            None => return (line, col),
        }
    }
}

/// The word or literal starting at a position, shortened, for "found `...`".
fn token_at(text: &str, (line, col): (usize, usize)) -> Option<String> {
    let rest: String = text.lines().nth(line.checked_sub(1)?)?.chars().skip(col.saturating_sub(1)).collect();
    let tok: String = if let Some(inner) = rest.strip_prefix('"') {
        let end = inner.find('"').map(|i| i + 2).unwrap_or(rest.len());
        rest[..end].to_string()
    } else {
        rest.chars().take_while(|c| !c.is_whitespace() && !",()[]{}:".contains(*c)).collect()
    };
    let tok = if tok.is_empty() { rest.chars().next()?.to_string() } else { tok };
    Some(if tok.chars().count() > 30 { tok.chars().take(30).collect::<String>() + "…" } else { tok })
}

/// Errors that say what kind of value was wanted but not what was there.
fn expects_a_value(code: &RonError) -> bool {
    matches!(
        code,
        RonError::ExpectedInteger
            | RonError::ExpectedFloat
            | RonError::ExpectedString
            | RonError::ExpectedBoolean
            | RonError::ExpectedArray
            | RonError::ExpectedMap
            | RonError::ExpectedStructLike
            | RonError::ExpectedNamedStructLike(_)
            | RonError::ExpectedIdentifier
            | RonError::ExpectedComma
            | RonError::ExpectedArrayEnd
            | RonError::ExpectedStructLikeEnd
            | RonError::ExpectedMapEnd
            | RonError::ExpectedOption
    )
}

/// ron's error, said the way a hand author needs to read it.
fn describe(code: &RonError) -> String {
    match code {
        RonError::Eof => "unexpected end of file: a closing `)` or `]` is probably missing".into(),
        RonError::ExpectedArray => "expected a list `[...]`".into(),
        RonError::ExpectedArrayEnd => "expected `,` or the closing `]` of the list".into(),
        RonError::ExpectedComma => "expected `,`".into(),
        RonError::ExpectedFloat => "expected a number".into(),
        RonError::ExpectedInteger => "expected a whole number".into(),
        RonError::ExpectedBoolean => "expected `true` or `false`".into(),
        RonError::ExpectedOption => "expected `Some(...)` or `None`".into(),
        RonError::ExpectedOptionEnd => "expected the closing `)` of `Some(...)`".into(),
        RonError::ExpectedStructLikeEnd => "expected `,` or a closing `)`".into(),
        RonError::ExpectedStructLike => "expected `(`".into(),
        RonError::ExpectedNamedStructLike("") => "expected `(`".into(),
        RonError::ExpectedNamedStructLike(name) => format!("expected `(` to open {name}"),
        RonError::ExpectedDifferentStructName { expected, found } => {
            format!("expected {expected}(...), found {found}(...)")
        }
        RonError::ExpectedMap => "expected a map `{ \"name\": value, ... }`".into(),
        RonError::ExpectedMapColon => "expected `:` after the key".into(),
        RonError::ExpectedMapEnd => "expected `,` or the closing `}` of the map".into(),
        RonError::ExpectedString => "expected a string in double quotes".into(),
        RonError::ExpectedStringEnd => "string is never closed (missing `\"`)".into(),
        RonError::ExpectedIdentifier => "expected a field or variant name".into(),
        RonError::ExpectedUnit => "expected `()`".into(),
        RonError::IntegerOutOfBounds => "number out of range for this field".into(),
        RonError::InvalidIntegerDigit { digit, base } => format!("`{digit}` is not a digit in base {base}"),
        RonError::UnexpectedChar(c) => format!("unexpected character `{c}`"),
        RonError::TrailingCharacters => "unexpected text after the scenario's closing `)`".into(),
        RonError::UnclosedBlockComment => "`/*` comment is never closed".into(),
        RonError::UnderscoreAtBeginning => "a number may not start with `_`".into(),
        RonError::FloatUnderscore => "unexpected `_` in a number".into(),
        RonError::InvalidValueForType { expected, found } => {
            format!(
                "expected {}, found {}",
                plain_type(expected),
                found
                    .replace("the unsigned integer", "the number")
                    .replace("the signed integer", "the number")
                    .replace("the floating point number", "the number")
            )
        }
        RonError::ExpectedDifferentLength { expected, found } => {
            format!("expected {expected}, found {found} element(s)")
        }
        RonError::NoSuchEnumVariant { expected, found, .. } => {
            format!("unknown variant `{found}`, expected {}", one_of(expected))
        }
        RonError::NoSuchStructField { expected, found, .. } => {
            format!("unknown field `{found}`, expected {}", one_of(expected))
        }
        RonError::MissingStructField { field, .. } => format!("missing field `{field}`"),
        RonError::DuplicateStructField { field, .. } => format!("field `{field}` is given twice"),
        RonError::ExceededRecursionLimit => "nested too deeply".into(),
        RonError::Utf8Error(_) => "not UTF-8 text; save the file as UTF-8".into(),
        other => other.to_string(),
    }
}

/// serde's Rust type names in words.
fn plain_type(expected: &str) -> String {
    match expected {
        "f64" | "f32" => "a number".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more".into(),
        "i8" | "i16" | "i32" | "i64" => "a whole number".into(),
        "a sequence" => "a list `[...]`".into(),
        "a string" => "a string in double quotes".into(),
        "a map" => "a map `{...}`".into(),
        other => other.strip_prefix("struct ").map(|s| format!("`({s} fields...)`")).unwrap_or_else(|| other.into()),
    }
}

fn one_of(names: &[&str]) -> String {
    match names {
        [] => "nothing here".into(),
        [one] => format!("`{one}`"),
        _ => format!("one of: {}", names.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Trigger;

    fn first(text: &str) -> String {
        parse_scenario("s.ron", text).unwrap_err()[0].to_string()
    }

    #[test]
    fn unknown_field_lists_the_expected_ones() {
        let msg = first("(\n  schema: 1,\n  nmae: \"x\",\n)");
        assert!(
            msg.starts_with("s.ron:3:3: nmae: unknown field `nmae`, expected one of: schema, name, name_en"),
            "{msg}"
        );
    }

    #[test]
    fn wrong_type_names_what_was_expected() {
        let msg = first("(\n  schema: \"one\",\n)");
        assert_eq!(msg, "s.ron:2:11: schema: expected a whole number, found `\"one\"`");
    }

    #[test]
    fn missing_paren_reports_the_opening_bracket_too() {
        let text = "(\n  schema: 1,\n  villages: [\n    (name: \"a\", population: 3,\n    (name: \"b\", population: 4),\n  ],\n)\n";
        let all: Vec<String> = parse_scenario("s.ron", text).unwrap_err().iter().map(|p| p.to_string()).collect();
        assert!(all.iter().any(|l| l.starts_with("s.ron:4:5: villages[0]: `(` is never closed")), "{all:?}");
        assert!(all.len() >= 2, "{all:?}");
    }

    #[test]
    fn a_byte_order_mark_is_ignored_and_positions_stay_right() {
        let msg = first("\u{feff}(\n  schema: \"one\",\n)");
        assert!(msg.starts_with("s.ron:2:11: schema: "), "{msg}");
    }

    /// The reported bug: 100,000 `[` made the checker use 23.7 GB (paths grew with the depth).
    /// Now it is refused at once, at the bracket past the limit, and the source map of such a
    /// text stays small.
    #[test]
    fn deep_nesting_fails_fast_with_a_bounded_error() {
        let text = "[".repeat(100_000);
        let problems = parse_scenario("deep.ron", &text).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        let p = &problems[0];
        assert_eq!((p.line, p.col), (Some(1), Some(MAX_NESTING + 1)), "{p}");
        assert!(p.to_string().starts_with("deep.ron:1:65: brackets nested more than 64 deep"), "{p}");
        // The scanner alone, on the same text: linear (its notes are capped, its paths stop at a depth).
        let src = SourceMap::new(&text);
        assert!(src.syntax.len() <= 100, "{}", src.syntax.len());
        // Brackets inside strings and comments do not count.
        let quoted = format!("(name: \"{}\", // {}\n)", "[".repeat(1000), "(".repeat(1000));
        let problems = parse_scenario("q.ron", &quoted).unwrap_err();
        assert!(!problems[0].message.contains("nested"), "{problems:?}");
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_before_parsing() {
        let text = format!("({})", " ".repeat(MAX_SCENARIO_BYTES));
        let p = &parse_scenario("big.ron", &text).unwrap_err()[0];
        assert!(p.message.contains("a scenario is at most 4194304 bytes (4 MiB)"), "{p}");
        let dir = std::env::temp_dir().join(format!("sandtable-big-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("big.ron");
        std::fs::write(&file, &text).unwrap();
        let p = &load_scenario_file(&file).unwrap_err()[0];
        assert!(p.to_string().contains("big.ron: the file is 4194306 bytes"), "{p}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A scenario of the shipped drills with its triggers and places written out as `forms`.
    fn with_forms(forms: &str) -> String {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/flood_valira.ron")).unwrap();
        text.replacen("injects: [", &format!("injects: [\n{forms}"), 1)
    }

    #[test]
    fn positional_forms_read_as_the_named_ones() {
        let positional = with_forms(
            r#"(when: Any([RainOver(12, 50), GaugeAbove("Escaldes", Warning), FireArea(5)]), to: "controller", message: "m", event: Cloudburst(30, 60)),"#,
        );
        let named = with_forms(
            r#"(when: Any([RainOver(hours: 12, mm: 50), GaugeAbove(gauge: "Escaldes", stage: Warning), FireArea(hectares: 5)]), to: "controller", message: "m", event: Cloudburst(rain_mm_per_h: 30, for_min: 60)),"#,
        );
        let a = parse_scenario("a.ron", &positional).unwrap_or_else(|e| panic!("{e:?}"));
        let b = parse_scenario("b.ron", &named).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(a, b);
        assert!(
            matches!(&a.injects[0].when, Some(Trigger::Any(t)) if t[0] == Trigger::RainOver { hours: 12.0, mm: 50.0 })
        );
    }

    #[test]
    fn positional_mistakes_are_placed_in_the_file_as_written() {
        // A bad value after the spelled-out names: the column is the author's, not the rewrite's.
        let msg = first("(\n  plan: (levels: [(level: IV, trigger: RainOver(12, \"x\"))]),\n)");
        assert_eq!(msg, "s.ron:2:53: plan.levels[0].trigger.1: expected a number, found `\"x\"`");
        let msg = first("(\n  plan: (levels: [(level: IV, trigger: RainOver(12, 50, 7))]),\n)");
        assert!(msg.starts_with("s.ron:2:57: "), "{msg}");
        assert!(msg.contains("RainOver takes 2 value(s) in this order: RainOver(hours, mm)"), "{msg}");
    }

    #[test]
    fn schema_1_files_load_and_schema_2_names_the_old_fields() {
        let v2 =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../scenarios/fire_aubinya.ron")).unwrap();
        assert!(v2.contains("schema: 2"), "the shipped drills are written for the current schema");
        let current = parse_scenario("v2.ron", &v2).unwrap_or_else(|e| panic!("{e:?}"));
        let v1 = crate::scenario::as_schema_1(&v2);
        let old = parse_scenario("v1.ron", &v1).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(old, current);
        assert_eq!(old.hazards.fire.as_ref().unwrap().moisture[1].m1h, 5.0);
        // A schema 2 file with a schema 1 name: the error says what it is called now.
        let mixed = v2.replacen("dead_10h_percent", "m10h", 1);
        let problems = parse_scenario("mixed.ron", &mixed).unwrap_err();
        let msg = problems[0].to_string();
        assert!(msg.contains("unknown field `m10h`"), "{msg}");
        assert!(msg.contains("`m10h` is the schema 1 name, `dead_10h_percent` since schema 2"), "{msg}");
        // A file without `schema` is schema 1: read as written, positions unchanged.
        let bare = v1.replacen("schema: 1,", "", 1).replacen("(at_min: 0,", "(at_min: \"0\",", 1);
        let p = &parse_scenario("bare.ron", &bare).unwrap_err()[0];
        let line = bare.lines().position(|l| l.contains("(at_min: \"0\"")).unwrap();
        let col = bare.lines().nth(line).unwrap().find("\"0\"").unwrap() + 1;
        assert_eq!((p.line, p.col), (Some(line + 1), Some(col)), "{p}");
    }

    #[test]
    fn a_newer_schema_is_refused_at_its_number() {
        let msg = first("(\n  schema: 3,\n  name: \"x\",\n)");
        assert!(msg.starts_with("s.ron:2:11: schema: schema 3 is newer than this build of sandtable"), "{msg}");
    }

    #[test]
    fn some_may_be_left_out() {
        let opts = ron_options();
        let a: Option<String> = opts.from_str("\"x\"").unwrap();
        let b: Option<String> = opts.from_str("Some(\"x\")").unwrap();
        assert_eq!(a, b);
    }
}
