//! Text edits at byte ranges of a scenario's text, and the way back. A schema 1 file is upgraded
//! and positional forms are spelled out in memory before ron reads the text; [`Rewrite`] maps a
//! position in the rewritten text back to the file as its author wrote it, so every problem
//! still names the author's own line and column.

use std::ops::Range;

use super::source_map::Pos;

/// One replacement of a byte range of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

/// Non-overlapping edits of one text, kept in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edits(Vec<Edit>);

impl Edits {
    /// Adds an edit; one overlapping an edit already there is dropped (the first one wins).
    pub fn push(&mut self, range: Range<usize>, text: impl Into<String>) {
        let at = self.0.partition_point(|e| e.range.start <= range.start);
        let clashes_before = at > 0 && self.0[at - 1].range.end > range.start;
        let clashes_after = self.0.get(at).is_some_and(|e| e.range.start < range.end);
        if !clashes_before && !clashes_after {
            self.0.insert(at, Edit { range, text: text.into() });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The text with every edit made.
    pub fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + self.0.iter().map(|e| e.text.len()).sum::<usize>());
        let mut from = 0;
        for e in &self.0 {
            out.push_str(&text[from..e.range.start]);
            out.push_str(&e.text);
            from = e.range.end;
        }
        out.push_str(&text[from..]);
        out
    }

    /// The offset in the original text of a byte of the edited text: inside a replacement, the
    /// start of what it replaced.
    pub fn original_offset(&self, edited: usize) -> usize {
        // `shift` is edited − original for text after the edits passed so far.
        let mut shift: isize = 0;
        for e in &self.0 {
            let start_edited = (e.range.start as isize + shift) as usize;
            if edited < start_edited {
                break;
            }
            if edited < start_edited + e.text.len() {
                return e.range.start;
            }
            shift += e.text.len() as isize - e.range.len() as isize;
        }
        (edited as isize - shift).max(0) as usize
    }
}

/// A text rewritten in steps, each step's edits against the text the step before left.
#[derive(Clone, Debug)]
pub struct Rewrite {
    pub original: String,
    pub text: String,
    steps: Vec<Edits>,
}

impl Rewrite {
    pub fn new(text: &str) -> Rewrite {
        Rewrite { original: text.to_string(), text: text.to_string(), steps: Vec::new() }
    }

    /// Makes `edits` (against the current text).
    pub fn step(&mut self, edits: Edits) {
        if !edits.is_empty() {
            self.text = edits.apply(&self.text);
            self.steps.push(edits);
        }
    }

    /// A position in the rewritten text, as a position in the original.
    pub fn original_pos(&self, pos: Pos) -> Pos {
        if self.steps.is_empty() {
            return pos;
        }
        let Some(mut at) = offset_of(&self.text, pos) else { return pos };
        for edits in self.steps.iter().rev() {
            at = edits.original_offset(at);
        }
        pos_of(&self.original, at)
    }
}

/// The byte offset of a 1-based line and column (columns count characters, as ron does).
pub fn offset_of(text: &str, (line, col): Pos) -> Option<usize> {
    let mut start = 0;
    for _ in 1..line {
        start += text[start..].find('\n')? + 1;
    }
    let line_text = &text[start..];
    let line_text = &line_text[..line_text.find('\n').unwrap_or(line_text.len())];
    let within = line_text.char_indices().nth(col.saturating_sub(1)).map_or(line_text.len(), |(b, _)| b);
    Some(start + within)
}

/// The 1-based line and column of a byte offset (clamped to the text).
pub fn pos_of(text: &str, offset: usize) -> Pos {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_map_back_through_insertions_and_replacements() {
        let text = "(\n  a: RainOver(12, 50), b: x,\n  c: 1,\n)";
        let mut first = Edits::default();
        let at12 = text.find("12").unwrap();
        first.push(at12..at12, "hours: ");
        let at50 = text.find("50").unwrap();
        first.push(at50..at50, "mm: ");
        let mut r = Rewrite::new(text);
        r.step(first);
        assert_eq!(r.text, "(\n  a: RainOver(hours: 12, mm: 50), b: x,\n  c: 1,\n)");
        // `b` after both insertions: back at its own column.
        let b_new = pos_of(&r.text, r.text.find("b:").unwrap());
        assert_eq!(r.original_pos(b_new), (2, 24));
        // A second step that adds a line: later lines map back to their own.
        let mut second = Edits::default();
        second.push(1..1, "\n  schema: 2,");
        r.step(second);
        let c_new = pos_of(&r.text, r.text.find("c:").unwrap());
        assert_eq!(c_new, (4, 3));
        assert_eq!(r.original_pos(c_new), (3, 3));
        // Inside inserted text: the place it was inserted at.
        let hours = pos_of(&r.text, r.text.find("hours").unwrap());
        assert_eq!(r.original_pos(hours), (2, 15));
    }

    #[test]
    fn overlapping_edits_keep_the_first_and_columns_count_characters() {
        let mut e = Edits::default();
        e.push(2..5, "X");
        e.push(3..4, "Y");
        assert_eq!(e.apply("abcdefg"), "abXfg");
        let t = "名称: 甲,\nb";
        assert_eq!(pos_of(t, t.find('甲').unwrap()), (1, 5));
        assert_eq!(offset_of(t, (1, 5)), t.find('甲'));
        assert_eq!(offset_of(t, (2, 1)), t.find('b'));
    }
}
