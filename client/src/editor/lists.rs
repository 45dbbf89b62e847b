//! Entries added to and removed from a scenario's lists as text. A new entry goes after the
//! list's last one with that entry's indentation and comma style (on one line, or one field a
//! line when its neighbour is written so); a removed entry takes its own comment lines and its
//! comma with it. Every other byte stays, as for a moved place (`patch`).

use std::ops::Range;

use super::patch::{balanced_end, string_end, value_span};

/// A new entry's fields, each with its RON text (`("capacity", "700")`), in the file's order.
pub type Fields = Vec<(String, String)>;

/// One indentation step, where nothing around shows one (an empty list).
const INDENT: &str = "    ";

/// One element of a bracketed value: its text, and the comma after it if there is one.
#[derive(Debug)]
struct Element {
    span: Range<usize>,
    comma: Option<usize>,
}

/// `text` with a new entry of `fields` at the end of the list at `list`
/// (`hazards.flood.gauges`). A list the file leaves out is first written into its struct.
pub fn add_entry(text: &str, list: &str, fields: &Fields) -> Result<String, String> {
    let mut text = text.to_string();
    if container(&text, list).is_none() {
        let (parent, field) = list.rsplit_once('.').unwrap_or(("", list));
        let span = container(&text, parent).ok_or_else(|| format!("`{parent}` is not written in the file"))?;
        text = insert_element(&text, &span, |_, _| format!("{field}: []"))?;
    }
    let span = container(&text, list).ok_or_else(|| format!("`{list}` is not written in the file"))?;
    insert_element(&text, &span, |indent, neighbour| write_entry(fields, indent, neighbour))
}

/// `text` without the entry at `entry` (`shelters[1]`). An entry on lines of its own goes with
/// those lines and the comment lines just above it; one written inline, with its comma.
pub fn remove_entry(text: &str, entry: &str) -> Result<String, String> {
    let missing = || format!("`{entry}` is not written in the file");
    let (list, _) = entry.rsplit_once('[').ok_or_else(missing)?;
    let span = container(text, list).ok_or_else(missing)?;
    let target = value_span(text, entry).ok_or_else(missing)?;
    let els = elements(text, &span).ok_or_else(unbalanced)?;
    let i = els.iter().position(|e| e.span.start == target.start).ok_or_else(missing)?;
    let el = &els[i];
    let after = el.comma.map_or(el.span.end, |c| c + 1);
    let cut = if starts_line(text, el.span.start) && rest_is_blank(text, after) {
        let mut from = line_start(text, el.span.start);
        while from > 0 {
            let above = line_start(text, from - 1);
            if !text[above..from].trim_start().starts_with("//") {
                break;
            }
            from = above;
        }
        from..(line_end(text, after) + 1).min(text.len())
    } else if let Some(c) = el.comma {
        let spaces = text[c + 1..].len() - text[c + 1..].trim_start_matches(' ').len();
        el.span.start..c + 1 + spaces
    } else if let Some(c) = i.checked_sub(1).and_then(|p| els[p].comma) {
        c..el.span.end
    } else {
        el.span.clone()
    };
    let mut out = text.to_string();
    out.replace_range(cut, "");
    Ok(out)
}

fn unbalanced() -> String {
    "the list's brackets do not match".to_string()
}

/// The span of the bracketed value at `path` (a list or a struct), from its opening bracket,
/// looking through `Some(..)`.
fn container(text: &str, path: &str) -> Option<Range<usize>> {
    let mut span = value_span(text, path)?;
    loop {
        let open = span.start + text[span.clone()].find(['(', '[', '{'])?;
        if text[span.start..open].trim() != "Some" {
            return Some(open..span.end);
        }
        span = elements(text, &(open..span.end))?.into_iter().next()?.span;
    }
}

/// Adds an element after the last one of the bracketed value at `span`. `write` gets the
/// indentation of the element's line and the last element's text (`None` in an empty or
/// one-line list) and returns the element's text.
fn insert_element(
    text: &str,
    span: &Range<usize>,
    write: impl FnOnce(&str, Option<&str>) -> String,
) -> Result<String, String> {
    let els = elements(text, span).ok_or_else(unbalanced)?;
    let close = span.end - 1;
    let mut out = text.to_string();
    match els.last() {
        // One element a line (or more): a new line like the last one's.
        Some(last) if starts_line(text, last.span.start) => {
            let indent = indent_of(text, last.span.start);
            let item = write(indent, Some(&text[last.span.clone()]));
            let after = last.comma.map_or(last.span.end, |c| c + 1);
            // After the last entry's own comment, which stays with it.
            let at = if rest_is_blank(text, after) { line_end(text, after) } else { after };
            let comma = if last.comma.is_some() { "," } else { "" };
            out.insert_str(at, &format!("\n{indent}{item}{comma}"));
            if last.comma.is_none() {
                out.insert(last.span.end, ',');
            }
        }
        Some(last) => {
            let item = write("", None);
            match last.comma {
                Some(c) => out.insert_str(c + 1, &format!(" {item},")),
                None => out.insert_str(last.span.end, &format!(", {item}")),
            }
        }
        None => {
            let outer = indent_of(text, span.start);
            let inner = format!("{outer}{INDENT}");
            let item = write(&inner, None);
            let inside = &text[span.start + 1..close];
            if inside.contains('\n') && starts_line(text, close) {
                out.insert_str(line_start(text, close), &format!("{inner}{item},\n"));
            } else if inside.trim().is_empty() {
                out.replace_range(span.start + 1..close, &format!("\n{inner}{item},\n{outer}"));
            } else {
                out.insert_str(close, &format!("\n{inner}{item},\n{outer}"));
            }
        }
    }
    Ok(out)
}

/// An entry's text: on one line, or one field a line when its neighbour is written so.
fn write_entry(fields: &Fields, indent: &str, neighbour: Option<&str>) -> String {
    let block = neighbour.and_then(|n| n.split_once('\n')).filter(|(first, _)| first.trim() == "(");
    if let Some((_, rest)) = block {
        let line = rest.lines().next().unwrap_or_default();
        let inner = &line[..line.len() - line.trim_start().len()];
        let mut s = "(\n".to_string();
        for (k, v) in fields {
            s.push_str(&format!("{inner}{k}: {v},\n"));
        }
        s.push_str(indent);
        s.push(')');
        return s;
    }
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("({})", body.join(", "))
}

/// The top-level elements between the brackets of `span`; `None` when brackets do not match.
fn elements(text: &str, span: &Range<usize>) -> Option<Vec<Element>> {
    let b = text.as_bytes();
    let close = span.end.checked_sub(1)?;
    let mut out = Vec::new();
    let mut i = span.start + 1;
    loop {
        i = skip_blank(text, i, close)?;
        if i >= close {
            return Some(out);
        }
        let start = i;
        let mut end = i;
        while i < close && b[i] != b',' {
            match b[i] {
                b'(' | b'[' | b'{' => {
                    i = balanced_end(text, i)?;
                    end = i;
                }
                b'"' => {
                    i = string_end(b, i)?;
                    end = i;
                }
                b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => i = skip_comment(text, i)?,
                c if c.is_ascii_whitespace() => i += 1,
                _ => {
                    i += 1;
                    end = i;
                }
            }
        }
        out.push(Element { span: start..end, comma: (i < close).then_some(i) });
        i += 1;
    }
}

/// Past spaces and comments from `i`, up to `end`.
fn skip_blank(text: &str, mut i: usize, end: usize) -> Option<usize> {
    let b = text.as_bytes();
    while i < end {
        if b[i].is_ascii_whitespace() {
            i += 1;
        } else if b[i] == b'/' && matches!(b.get(i + 1), Some(b'/' | b'*')) {
            i = skip_comment(text, i)?;
        } else {
            break;
        }
    }
    Some(i)
}

/// The end of the comment starting at `i` (a line comment ends before its line's end).
fn skip_comment(text: &str, i: usize) -> Option<usize> {
    if text[i..].starts_with("//") { Some(line_end(text, i)) } else { text[i + 2..].find("*/").map(|n| i + 2 + n + 2) }
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at].rfind('\n').map_or(0, |n| n + 1)
}

/// Where the line holding `at` ends (its `\n`, or the end of the text).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |n| at + n)
}

fn starts_line(text: &str, at: usize) -> bool {
    text[line_start(text, at)..at].trim().is_empty()
}

/// Only spaces and perhaps a line comment follow `at` on its line.
fn rest_is_blank(text: &str, at: usize) -> bool {
    let rest = text[at..line_end(text, at)].trim();
    rest.is_empty() || rest.starts_with("//")
}

/// The spaces that open the line holding `at`.
fn indent_of(text: &str, at: usize) -> &str {
    let line = &text[line_start(text, at)..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "(\n    // 避灾点 (shelters)\n    shelters: [\n        // 高地上的学校\n        (name: \"A\", capacity: 700), // 注释\n        (name: \"B\", capacity: 5),\n        (name: \"C\", capacity: 5),\n    ],\n    teams: [],\n    depots: [\n        (\n            name: \"D\",\n            materials: {\"tents\": 10},\n        ),\n    ],\n    roles: [\"a\", \"b\"],\n    tail: [\n        (name: \"E\") // no comma\n    ],\n)\n";

    fn fields(name: &str) -> Fields {
        vec![("name".into(), format!("{name:?}")), ("capacity".into(), "9".into())]
    }

    /// The text parses as RON.
    fn parses(text: &str) {
        if let Err(e) = ron::from_str::<ron::Value>(text) {
            panic!("{e}:\n{text}");
        }
    }

    /// `new` is `old` with `added` put in at one place: every other byte the same.
    fn only_added(old: &str, new: &str, added: &str) {
        let at = new.find(added).unwrap_or_else(|| panic!("{added:?} not in\n{new}"));
        assert_eq!(format!("{}{}", &new[..at], &new[at + added.len()..]), old);
    }

    #[test]
    fn a_new_entry_follows_the_last_one_in_its_style() {
        // After the last entry's line, same indentation, trailing comma as its neighbours.
        let out = add_entry(TEXT, "shelters", &fields("新")).unwrap();
        parses(&out);
        only_added(TEXT, &out, "\n        (name: \"新\", capacity: 9),");
        assert!(out.contains("(name: \"C\", capacity: 5),\n        (name: \"新\""), "{out}");
        // Into an empty list: on lines of its own, one step in from the list's line.
        let out = add_entry(TEXT, "teams", &fields("T")).unwrap();
        parses(&out);
        assert!(out.contains("    teams: [\n        (name: \"T\", capacity: 9),\n    ],\n"), "{out}");
        // A neighbour written one field a line: so is the new entry.
        let out = add_entry(TEXT, "depots", &fields("D2")).unwrap();
        parses(&out);
        only_added(TEXT, &out, "\n        (\n            name: \"D2\",\n            capacity: 9,\n        ),");
        // An inline list.
        let out = add_entry(TEXT, "roles", &vec![]).unwrap();
        parses(&out);
        assert!(out.contains("roles: [\"a\", \"b\", ()],"), "{out}");
        // No trailing comma: one goes after the old last entry (before its comment), none after
        // the new one.
        let out = add_entry(TEXT, "tail", &fields("F")).unwrap();
        parses(&out);
        assert!(out.contains("(name: \"E\"), // no comma\n        (name: \"F\", capacity: 9)\n    ],"), "{out}");
        assert_eq!(out.len(), TEXT.len() + ",\n        (name: \"F\", capacity: 9)".len());
    }

    #[test]
    fn a_list_the_file_leaves_out_is_written_into_its_struct() {
        let out = add_entry(TEXT, "injects", &fields("I")).unwrap();
        parses(&out);
        only_added(TEXT, &out, "\n    injects: [\n        (name: \"I\", capacity: 9),\n    ],");
        let nested = "(\n    hazards: (\n        flood: Some((runoff_fraction: 0.6)),\n    ),\n)\n";
        let out = add_entry(nested, "hazards.flood.gauges", &fields("G")).unwrap();
        parses(&out);
        assert!(
            out.contains("runoff_fraction: 0.6, gauges: [\n            (name: \"G\", capacity: 9),\n        ])"),
            "{out}"
        );
        assert!(add_entry(nested, "hazards.fire.ignitions", &fields("x")).unwrap_err().contains("hazards.fire"));
    }

    #[test]
    fn an_entry_goes_with_its_comments_and_its_comma() {
        // The first: its comment line above and its comment after go, the list's stays.
        let out = remove_entry(TEXT, "shelters[0]").unwrap();
        parses(&out);
        assert_eq!(out, TEXT.replace("        // 高地上的学校\n        (name: \"A\", capacity: 700), // 注释\n", ""));
        // The middle and the last.
        let out = remove_entry(TEXT, "shelters[1]").unwrap();
        assert_eq!(out, TEXT.replace("        (name: \"B\", capacity: 5),\n", ""));
        let out = remove_entry(TEXT, "shelters[2]").unwrap();
        assert_eq!(out, TEXT.replace("        (name: \"C\", capacity: 5),\n", ""));
        parses(&out);
        // A multi-line entry: all its lines.
        let out = remove_entry(TEXT, "depots[0]").unwrap();
        parses(&out);
        assert!(out.contains("    depots: [\n    ],\n"), "{out}");
        // Inline: the entry and its comma, or the comma before the last one.
        assert!(remove_entry(TEXT, "roles[0]").unwrap().contains("roles: [\"b\"],"));
        let out = remove_entry(TEXT, "roles[1]").unwrap();
        assert!(out.contains("roles: [\"a\"],"), "{out}");
        // The last entry without a comma.
        let out = remove_entry(TEXT, "tail[0]").unwrap();
        parses(&out);
        assert!(out.contains("    tail: [\n    ],\n"), "{out}");
        assert!(remove_entry(TEXT, "shelters[3]").is_err());
    }

    #[test]
    fn every_entry_of_the_shipped_scenarios_can_go_and_come_back() {
        use sim::scenario::parse_scenario;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
        for name in ["flood_valira.ron", "fire_aubinya.ron", "landslide_massana.ron", "county_valira_orient.ron"] {
            let text = std::fs::read_to_string(root.join(name)).unwrap();
            let scenario = parse_scenario(name, &text).unwrap();
            for item in super::super::items::placeable(&scenario) {
                let entry = item.entry_path();
                let out = remove_entry(&text, entry).unwrap_or_else(|e| panic!("{name}: {entry}: {e}"));
                let less = parse_scenario(name, &out).unwrap_or_else(|p| panic!("{name}: {entry}: {p:?}\n{out}"));
                let (list, index) = entry.trim_end_matches(']').rsplit_once('[').unwrap();
                let index: usize = index.parse().unwrap();
                let mut expected = scenario.clone();
                match list {
                    "shelters" => drop(expected.shelters.remove(index)),
                    "teams" => drop(expected.teams.remove(index)),
                    "depots" => drop(expected.depots.remove(index)),
                    "hazards.flood.gauges" => drop(expected.hazards.flood.as_mut().unwrap().gauges.remove(index)),
                    "hazards.flood.inflows" => drop(expected.hazards.flood.as_mut().unwrap().inflows.remove(index)),
                    "hazards.fire.ignitions" => drop(expected.hazards.fire.as_mut().unwrap().ignitions.remove(index)),
                    "hazards.landslide.points" => {
                        drop(expected.hazards.landslide.as_mut().unwrap().points.remove(index))
                    }
                    "injects" => drop(expected.injects.remove(index)),
                    other => panic!("{other}"),
                }
                assert_eq!(less, expected, "{name}: {entry}");
                // Only whole lines went, and the lines before and after stay.
                assert!(text.lines().count() > out.lines().count(), "{name}: {entry}");
            }
            // A new shelter at the end of the list, the rest of the file the same.
            let fields = vec![
                ("name".to_string(), "\"新避灾点\"".to_string()),
                ("at".to_string(), "LonLat(1.5, 42.5)".to_string()),
                ("capacity".to_string(), "100".to_string()),
            ];
            let out = add_entry(&text, "shelters", &fields).unwrap();
            let more = parse_scenario(name, &out).unwrap_or_else(|p| panic!("{name}: {p:?}"));
            assert_eq!(more.shelters.len(), scenario.shelters.len() + 1);
            assert_eq!(more.shelters[..scenario.shelters.len()], scenario.shelters[..], "{name}");
            assert_eq!(out.lines().count(), text.lines().count() + 1, "{name}");
        }
    }
}
