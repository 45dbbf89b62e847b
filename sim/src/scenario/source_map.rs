//! Where things are in a scenario's RON text: the line and column of every value by its path
//! (`teams[2].base`), the path around any position, and unbalanced brackets.
//!
//! This is a light scanner, not a parser: it lets error messages name the path inside the file and
//! lets semantic problems point at a line. It never fails; on broken text it does its best.
//!
//! Its memory stays linear in the text's size, whatever the text: paths stop growing past
//! [`PATH_DEPTH`] brackets, a path segment is cut at [`SEGMENT_BYTES`], the tokens share their
//! paths, and the paths kept altogether are at most [`PATH_BUDGET_PER_BYTE`] times the text's
//! size (past it, positions fall back to the enclosing value). [`nesting_too_deep`] finds where a
//! text opens more brackets than a scenario may.

use std::collections::BTreeMap;

/// A 1-based line and column (columns count characters, as ron does).
pub type Pos = (usize, usize);

/// Brackets deeper than this add nothing to a path (the values inside take the path at this depth).
pub const PATH_DEPTH: usize = 64;
/// A field name or map key longer than this is cut (with `…`) in paths.
pub const SEGMENT_BYTES: usize = 128;
/// The bytes of paths kept, at most, per byte of text (plus a small floor).
pub const PATH_BUDGET_PER_BYTE: usize = 8;
/// Bracket and string notes kept, at most; a broken file gets the first of them.
const MAX_NOTES: usize = 100;

#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    /// Start of each value, by path. `Some(x)` is transparent: `villages[0].shelter` points at `Some`.
    values: BTreeMap<String, Pos>,
    /// Each token's position and the index in `paths` of the value it belongs to, in file order.
    contexts: Vec<(Pos, u32)>,
    /// The paths `contexts` names (consecutive tokens of one value share one).
    paths: Vec<String>,
    /// Bracket and string problems found by the scanner, in file order.
    pub syntax: Vec<SyntaxNote>,
}

/// A problem the scanner sees on its own: an unbalanced bracket or an unclosed string.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct SyntaxNote {
    pub pos: Pos,
    /// Path of the value the bracket opens; empty for strings.
    pub path: String,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Tok {
    Open(char),
    Close(char),
    Comma,
    Colon,
    Ident,
    Str,
    Other,
}

pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) text: String,
    pub(super) pos: Pos,
    /// Byte offset of the token's first character.
    pub(super) byte: usize,
}

struct Frame {
    open: char,
    pos: Pos,
    /// Path of the value this bracket belongs to.
    base: String,
    /// Named field being read (in `(...)`) or the map key (in `{...}`).
    field: Option<String>,
    /// Positional index (list item, tuple field).
    index: usize,
    /// `Some(...)`: the inner value has the outer path.
    transparent: bool,
}

impl Frame {
    fn value_path(&self) -> String {
        if self.transparent {
            return self.base.clone();
        }
        match (&self.field, self.open) {
            (Some(f), '{') => format!("{}[{:?}]", self.base, cut(f)),
            (Some(f), _) => join(&self.base, cut(f)),
            (None, '[') => format!("{}[{}]", self.base, self.index),
            (None, _) => join(&self.base, &self.index.to_string()),
        }
    }
}

/// A segment cut at [`SEGMENT_BYTES`] (on a character boundary).
fn cut(segment: &str) -> &str {
    if segment.len() <= SEGMENT_BYTES {
        return segment;
    }
    let mut end = SEGMENT_BYTES;
    while !segment.is_char_boundary(end) {
        end -= 1;
    }
    &segment[..end]
}

fn join(base: &str, field: &str) -> String {
    if base.is_empty() { field.to_string() } else { format!("{base}.{field}") }
}

/// The bytes of paths a [`SourceMap`] may still keep.
struct Budget(usize);

impl Budget {
    fn take(&mut self, bytes: usize) -> bool {
        if bytes <= self.0 {
            self.0 -= bytes;
            true
        } else {
            false
        }
    }
}

impl SourceMap {
    pub fn new(text: &str) -> SourceMap {
        let (tokens, mut syntax, complete, suspect) = tokenize(text);
        let mut map = SourceMap { syntax: Vec::new(), ..Default::default() };
        let mut budget = Budget(text.len().saturating_mul(PATH_BUDGET_PER_BYTE).saturating_add(64 * 1024));
        let mut stack: Vec<Frame> = Vec::new();
        // Frames past PATH_DEPTH are kept (for bracket matching) but lend no path.
        let root_path =
            |stack: &[Frame]| stack[..stack.len().min(PATH_DEPTH)].last().map(Frame::value_path).unwrap_or_default();
        let mut i = 0;
        while i < tokens.len() {
            let t = &tokens[i];
            let next = tokens.get(i + 1).map(|n| n.tok);
            let mut ctx = root_path(&stack);
            match t.tok {
                Tok::Ident | Tok::Str if next == Some(Tok::Colon) && stack.last().is_some_and(|f| f.open != '[') => {
                    // A field name (or map key): the values after it live under it.
                    if stack.len() <= PATH_DEPTH
                        && let Some(f) = stack.last_mut()
                    {
                        let name = if t.tok == Tok::Str { unquote(&t.text) } else { t.text.clone() };
                        f.field = Some(name);
                        ctx = f.value_path();
                    }
                    map.context(t.pos, ctx, &mut budget);
                    i += 2;
                    continue;
                }
                Tok::Open(c) => {
                    map.value(&ctx, t.pos, &mut budget);
                    // `Village(` / `Some(`: the bracket belongs to the variant named just before it.
                    let after_ident = i > 0 && tokens[i - 1].tok == Tok::Ident && tokens[i - 1].pos.0 == t.pos.0;
                    let transparent = after_ident && tokens[i - 1].text == "Some";
                    let base = if stack.len() < PATH_DEPTH { ctx.clone() } else { String::new() };
                    stack.push(Frame { open: c, pos: t.pos, base, field: None, index: 0, transparent });
                }
                Tok::Close(c) => {
                    close(&mut stack, c, t.pos, &ctx, &mut syntax);
                    ctx = root_path(&stack);
                }
                Tok::Comma => {
                    if let Some(f) = stack.last_mut() {
                        f.index += 1;
                        f.field = None;
                    }
                }
                Tok::Colon => {}
                Tok::Ident | Tok::Str | Tok::Other => {
                    map.value(&ctx, t.pos, &mut budget);
                }
            }
            map.context(t.pos, ctx, &mut budget);
            i += 1;
        }
        // After an unclosed string every bracket looks open: say nothing more then. After a string
        // that runs over a line end, quotes may pair up wrongly: drop every note past it.
        if complete && suspect.is_none() {
            for f in stack.iter().rev().take(MAX_NOTES) {
                syntax.push(SyntaxNote {
                    pos: f.pos,
                    path: f.base.clone(),
                    message: format!("`{}` is never closed", f.open),
                });
            }
        }
        if let Some(from) = suspect {
            syntax.retain(|n| n.pos <= from);
        }
        syntax.sort();
        syntax.truncate(MAX_NOTES);
        map.syntax = syntax;
        map
    }

    /// Records where the value at `path` starts, if it is the first time and the budget allows.
    fn value(&mut self, path: &str, pos: Pos, budget: &mut Budget) {
        if !self.values.contains_key(path) && budget.take(path.len() + 32) {
            self.values.insert(path.to_string(), pos);
        }
    }

    /// Records the path of the token at `pos`: the previous token's when the same, else a new
    /// one while the budget allows, else the last one kept.
    fn context(&mut self, pos: Pos, path: String, budget: &mut Budget) {
        let same = self.paths.last().is_some_and(|p| *p == path);
        if !same && budget.take(path.len() + 24) {
            self.paths.push(path);
        }
        if let Some(last) = self.paths.len().checked_sub(1) {
            self.contexts.push((pos, last as u32));
        }
    }

    /// Position of the value at `path` when the text writes it (no fallback to a parent).
    pub fn get(&self, path: &str) -> Option<Pos> {
        self.values.get(path).copied()
    }

    /// Position of the value at `path`, or of the nearest enclosing value that is written out
    /// (at worst the scenario's opening bracket).
    pub fn locate(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.values.get(p) {
                return Some(*pos);
            }
            match p.rfind(['.', '[']) {
                Some(cut) => p = &p[..cut],
                None => return self.values.get("").copied(),
            }
        }
    }

    /// Path of the value being read at `pos` (the last token starting at or before it).
    pub fn path_at(&self, pos: Pos) -> String {
        let i = self.contexts.partition_point(|(p, _)| *p <= pos);
        match i.checked_sub(1).and_then(|i| self.contexts.get(i)) {
            Some((_, k)) => self.paths.get(*k as usize).cloned().unwrap_or_default(),
            None => String::new(),
        }
    }
}

fn close(stack: &mut Vec<Frame>, c: char, pos: Pos, ctx: &str, syntax: &mut Vec<SyntaxNote>) {
    let want = match c {
        ')' => '(',
        ']' => '[',
        _ => '{',
    };
    match stack.iter().rposition(|f| f.open == want) {
        None => {
            if syntax.len() < MAX_NOTES {
                syntax.push(SyntaxNote { pos, path: ctx.to_string(), message: format!("`{c}` closes nothing") });
            }
        }
        Some(k) => {
            // Brackets opened after the match were never closed: report each where it opened.
            for f in stack.drain(k + 1..).rev() {
                if syntax.len() < MAX_NOTES {
                    let message = format!("`{}` is never closed (found `{c}` at {}:{} first)", f.open, pos.0, pos.1);
                    syntax.push(SyntaxNote { pos: f.pos, path: f.base, message });
                }
            }
            stack.pop();
        }
    }
}

fn unquote(s: &str) -> String {
    s.trim_start_matches('r').trim_matches('#').trim_matches('"').to_string()
}

/// Splits RON text into tokens. Also returns string notes, whether the whole text was read (an
/// unclosed string swallows the rest) and where the first string running over a line end starts.
pub(super) fn tokenize(text: &str) -> (Vec<Token>, Vec<SyntaxNote>, bool, Option<Pos>) {
    let chars: Vec<char> = text.chars().collect();
    // Byte offset of each token's start, found by walking the text once alongside the chars.
    let mut bytes = text.char_indices().map(|(b, _)| b);
    let mut byte_at = 0usize;
    let mut char_at = 0usize;
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut suspect: Option<Pos> = None;
    let note = |pos: Pos, m: &str| SyntaxNote { pos, path: String::new(), message: m.to_string() };
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    // Advances over `n` chars keeping line and column.
    let advance = |i: &mut usize, line: &mut usize, col: &mut usize, n: usize| {
        for _ in 0..n {
            if *i < chars.len() {
                if chars[*i] == '\n' {
                    *line += 1;
                    *col = 1;
                } else {
                    *col += 1;
                }
                *i += 1;
            }
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let pos = (line, col);
        let start = i;
        if c.is_whitespace() {
            advance(&mut i, &mut line, &mut col, 1);
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                advance(&mut i, &mut line, &mut col, 1);
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            loop {
                if i >= chars.len() {
                    problems.push(note(pos, "`/*` comment is never closed"));
                    break;
                }
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    advance(&mut i, &mut line, &mut col, 2);
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    advance(&mut i, &mut line, &mut col, 2);
                    if depth == 0 {
                        break;
                    }
                } else {
                    advance(&mut i, &mut line, &mut col, 1);
                }
            }
            continue;
        }
        let raw_hashes = if c == 'r' { raw_string_hashes(&chars[i + 1..]) } else { None };
        let tok = if c == '"' || c == '\'' {
            advance(&mut i, &mut line, &mut col, 1);
            let mut closed = false;
            while i < chars.len() {
                let d = chars[i];
                advance(&mut i, &mut line, &mut col, if d == '\\' { 2 } else { 1 });
                if d == c {
                    closed = true;
                    break;
                }
            }
            if closed && line > pos.0 && suspect.is_none() {
                // Legal RON, but in a scenario it is nearly always a missing closing quote.
                problems.push(note(pos, "string runs past the end of its line: is its closing `\"` missing?"));
                suspect = Some(pos);
            }
            if !closed {
                problems.push(note(pos, "string is never closed (missing `\"`)"));
                // Everything after is swallowed: bracket checks would only add noise.
                return (out, problems, false, suspect);
            }
            Tok::Str
        } else if let Some(h) = raw_hashes {
            let end: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', h)).collect();
            advance(&mut i, &mut line, &mut col, 2 + h);
            // Searched in place: copying the rest of the text for every raw string is quadratic.
            match chars[i..].windows(end.len()).position(|w| w == end.as_slice()) {
                Some(k) => {
                    advance(&mut i, &mut line, &mut col, k + end.len());
                }
                None => {
                    problems.push(note(pos, "raw string is never closed"));
                    return (out, problems, false, suspect);
                }
            }
            Tok::Str
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '#') {
                advance(&mut i, &mut line, &mut col, 1);
            }
            Tok::Ident
        } else {
            let t = match c {
                '(' | '[' | '{' => Tok::Open(c),
                ')' | ']' | '}' => Tok::Close(c),
                ',' => Tok::Comma,
                ':' => Tok::Colon,
                _ => Tok::Other,
            };
            advance(&mut i, &mut line, &mut col, 1);
            if t == Tok::Other {
                while i < chars.len() && !chars[i].is_whitespace() && !"()[]{},:\"/".contains(chars[i]) {
                    advance(&mut i, &mut line, &mut col, 1);
                }
            }
            t
        };
        // `start` only grows from token to token, so the byte walk stays linear.
        if let Some(b) = bytes.nth(start - char_at) {
            byte_at = b;
            char_at = start + 1;
        }
        out.push(Token { tok, text: chars[start..i].iter().collect(), pos, byte: byte_at });
    }
    (out, problems, true, suspect)
}

/// Where the text first opens a bracket `max + 1` deep (outside strings and comments), if it does.
pub fn nesting_too_deep(text: &str, max: usize) -> Option<Pos> {
    let (tokens, ..) = tokenize(text);
    let mut depth = 0usize;
    for t in &tokens {
        match t.tok {
            Tok::Open(_) => {
                depth += 1;
                if depth > max {
                    return Some(t.pos);
                }
            }
            Tok::Close(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// `r"..."` or `r#"..."#`: the number of `#`.
fn raw_string_hashes(after_r: &[char]) -> Option<usize> {
    let h = after_r.iter().take_while(|&&c| c == '#').count();
    (after_r.get(h) == Some(&'"')).then_some(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"// 注释
(
    schema: 1,
    teams: [
        (name: "甲", base: Village("Encamp")),
        (name: "乙", base: LonLat(1.5, 42.5), township: Some("Canillo")),
    ],
    depots: [(name: "d", materials: {"sandbags": 100})],
)
"#;

    #[test]
    fn finds_values_by_path() {
        let m = SourceMap::new(TEXT);
        assert_eq!(m.locate("schema"), Some((3, 13)));
        assert_eq!(m.locate("teams[0].base"), Some((5, 27)));
        assert_eq!(m.locate("teams[0].base.0"), Some((5, 35)));
        assert_eq!(m.locate("teams[1].base.1"), Some((6, 39)));
        assert_eq!(m.locate("teams[1].township"), Some((6, 56)));
        assert_eq!(m.locate("depots[0].materials[\"sandbags\"]"), Some((8, 50)));
        // Not written out: falls back to the enclosing value.
        assert_eq!(m.locate("teams[1].muster_min"), Some((6, 9)));
        assert_eq!(m.locate("hazards"), Some((2, 1)));
        assert!(m.syntax.is_empty(), "{:?}", m.syntax);
    }

    #[test]
    fn names_the_path_at_a_position() {
        let m = SourceMap::new(TEXT);
        assert_eq!(m.path_at((5, 40)), "teams[0].base.0");
        assert_eq!(m.path_at((6, 20)), "teams[1].name");
    }

    #[test]
    fn reports_unbalanced_brackets_where_they_open() {
        let m = SourceMap::new("(\n  a: [\n    (x: 1,\n    (x: 2),\n  ],\n)\n");
        let notes: Vec<(Pos, &str, &str)> =
            m.syntax.iter().map(|n| (n.pos, n.path.as_str(), n.message.as_str())).collect();
        assert_eq!(notes, vec![((3, 5), "a[0]", "`(` is never closed (found `]` at 5:3 first)")]);
        let m = SourceMap::new("(a: \"oops)\n");
        assert_eq!(
            m.syntax,
            vec![SyntaxNote {
                pos: (1, 5),
                path: String::new(),
                message: "string is never closed (missing `\"`)".into()
            }]
        );
        let m = SourceMap::new("(a: \"oops,\n b: \"x\")\n");
        assert_eq!(m.syntax[0].message, "string runs past the end of its line: is its closing `\"` missing?");
        assert_eq!(m.syntax[0].pos, (1, 5));
    }

    /// Memory linear in the text: a 1 MB field name over 200,000 values used to be copied into
    /// the path of every token (200 GB); 10,000 open brackets made paths of every depth (633 MB).
    #[test]
    fn paths_stay_small_whatever_the_text() {
        let name = "a".repeat(1 << 20);
        let text = format!("({name}: [{}])", "1,".repeat(200_000));
        let m = SourceMap::new(&text);
        let p = m.path_at((1, text.len() - 3));
        assert!(p.len() <= SEGMENT_BYTES + 16, "{}", p.len());
        assert!(p.starts_with("aaaa"), "{}", &p[..10]);
        let kept: usize =
            m.paths.iter().map(String::len).sum::<usize>() + m.values.keys().map(String::len).sum::<usize>();
        assert!(kept <= text.len() * PATH_BUDGET_PER_BYTE + 64 * 1024, "{kept}");

        let deep = format!("(a: {}1{})", "[".repeat(10_000), "]".repeat(10_000));
        let m = SourceMap::new(&deep);
        let p = m.path_at((1, 5 + 10_000));
        assert!(p.len() < PATH_DEPTH * 8, "{}", p.len());
        assert!(m.syntax.is_empty(), "{:?}", m.syntax.first());
        let longest = m.paths.iter().map(String::len).max().unwrap_or(0);
        assert!(longest < PATH_DEPTH * 8, "{longest}");
    }

    #[test]
    fn nesting_counts_brackets_outside_strings_and_comments() {
        assert_eq!(nesting_too_deep("([{}])", 3), None);
        assert_eq!(nesting_too_deep("([{()}])", 3), Some((1, 4)));
        assert_eq!(nesting_too_deep("(\"((((\" /* (((( */ // ((((\n)", 1), None);
        assert_eq!(nesting_too_deep("(r#\"((\"#)", 1), None);
    }
}
