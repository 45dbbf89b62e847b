//! Text patches of a scenario file: the editor replaces the text of one value, found where the
//! scenario's source map says it starts, and leaves every other byte alone (comments, layout,
//! number formats). Never a re-serialisation of the whole file.

use std::ops::Range;

use sim::scenario::SourceMap;

/// The byte range of the value at `path` (`shelters[0].at`), or `None` when the file does not
/// write it.
pub fn value_span(text: &str, path: &str) -> Option<Range<usize>> {
    let src = SourceMap::new(text);
    let (line, col) = src.locate(path)?;
    // `locate` falls back to the enclosing value: only the value itself will do here.
    if src.path_at((line, col)) != path {
        return None;
    }
    let start = byte_offset(text, line, col)?;
    let end = value_end(text, start)?;
    Some(start..end)
}

/// `text` with the value at `path` replaced by `new`.
pub fn replace_value(text: &str, path: &str, new: &str) -> Result<String, String> {
    let span = value_span(text, path).ok_or_else(|| format!("`{path}` is not written in the file"))?;
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..span.start]);
    out.push_str(new);
    out.push_str(&text[span.end..]);
    Ok(out)
}

/// The byte offset of a 1-based line and column (columns count characters, as the source map's).
fn byte_offset(text: &str, line: usize, col: usize) -> Option<usize> {
    let line_start = if line <= 1 { 0 } else { text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)? };
    let rest = &text[line_start..];
    let within = rest.char_indices().nth(col.saturating_sub(1)).map(|(i, _)| i).unwrap_or(rest.len());
    Some(line_start + within)
}

/// Where the value starting at `start` ends: an identifier and its bracketed body (`LonLat(..)`,
/// `Near(..)`), a bracketed value, a string, or a bare token (a number). Brackets inside strings
/// and comments do not count.
fn value_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    match *bytes.get(start)? {
        b'(' | b'[' | b'{' => balanced_end(text, start),
        b'"' => string_end(bytes, start),
        c if c.is_ascii_alphabetic() || c == b'_' => {
            let mut i = start;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            match bytes.get(j) {
                Some(b'(' | b'[' | b'{') => balanced_end(text, j),
                _ => Some(i),
            }
        }
        _ => {
            // A bare token such as `-1.5e3`.
            let mut k = start;
            while k < bytes.len() && !matches!(bytes[k], b',' | b')' | b']' | b'}') && !bytes[k].is_ascii_whitespace() {
                k += 1;
            }
            Some(k)
        }
    }
}

/// The end (exclusive) of the bracketed value opening at `open`.
pub(super) fn balanced_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' => {
                i = string_end(bytes, i)?;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map(|n| i + n).unwrap_or(bytes.len());
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map(|n| i + 2 + n + 2)?;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The end (exclusive) of the string opening at `quote`.
pub(super) fn string_end(bytes: &[u8], quote: usize) -> Option<usize> {
    let mut i = quote + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "(\n    // 避灾点 (shelters)\n    shelters: [\n        (name: \"学校(高地)\", at: LonLat(1.5027, 42.4988), capacity: 700), // 注释\n        (name: \"B\", at: Near(village: \"X\", east_m: 300, north_m: -150), capacity: 5),\n        (name: \"C\", at: Village(\"Y\"), capacity: 5),\n    ],\n    duration_h: 16,\n    speed: 1.5e3,\n)\n";

    #[test]
    fn spans_cover_exactly_the_value() {
        let at = |p: &str| &TEXT[value_span(TEXT, p).unwrap()];
        assert_eq!(at("shelters[0].at"), "LonLat(1.5027, 42.4988)");
        assert_eq!(at("shelters[1].at"), "Near(village: \"X\", east_m: 300, north_m: -150)");
        assert_eq!(at("shelters[2].at"), "Village(\"Y\")");
        assert_eq!(at("shelters[0].name"), "\"学校(高地)\"", "brackets in strings and Chinese columns");
        assert_eq!(at("shelters[2].capacity"), "5");
        assert_eq!(at("shelters[1].at.north_m"), "-150");
        assert_eq!(at("speed"), "1.5e3", "a float is one token");
        assert_eq!(at("duration_h"), "16");
        assert!(value_span(TEXT, "shelters[7].at").is_none());
    }

    #[test]
    fn a_replacement_changes_only_that_value() {
        let out = replace_value(TEXT, "shelters[0].at", "LonLat(1.5, 42.5)").unwrap();
        let changed: Vec<(&str, &str)> = TEXT.lines().zip(out.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(
            changed,
            vec![(
                "        (name: \"学校(高地)\", at: LonLat(1.5027, 42.4988), capacity: 700), // 注释",
                "        (name: \"学校(高地)\", at: LonLat(1.5, 42.5), capacity: 700), // 注释"
            )]
        );
        assert_eq!(out.lines().count(), TEXT.lines().count());
        assert!(replace_value(TEXT, "nothing.here", "1").unwrap_err().contains("nothing.here"));
    }

    #[test]
    fn every_place_of_the_shipped_scenarios_is_found() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        for name in ["flood_valira.ron", "fire_aubinya.ron", "landslide_massana.ron", "county_valira_orient.ron"] {
            let text = std::fs::read_to_string(root.join(name)).unwrap();
            let scenario = sim::scenario::parse_scenario(name, &text).unwrap();
            let items = super::super::items::placeable(&scenario);
            assert!(!items.is_empty(), "{name}");
            for item in items {
                let span = value_span(&text, &item.path).unwrap_or_else(|| panic!("{name}: {}", item.path));
                let written = &text[span];
                let parsed: sim::scenario::Place =
                    ron::from_str(written).unwrap_or_else(|e| panic!("{name}: {} is `{written}`: {e}", item.path));
                assert_eq!(parsed, item.place, "{name}: {}", item.path);
            }
        }
    }
}
