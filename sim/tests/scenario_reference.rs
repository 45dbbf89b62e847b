//! `docs/scenario-reference.md`, generated from the schema's own doc comments
//! (`sim/src/scenario/schema.rs` and the enums it uses), with examples from the shipped drills.
//! The test fails when the reference and the code drift apart, and when a field lacks its
//! meaning or an example. Regenerate with
//! `UPDATE_REFERENCE=1 cargo test -p sim --test scenario_reference`.
//!
//! Conventions of the doc comments it reads: the text is the meaning; a line starting `Unit:`,
//! `Default:`, `Range:` or `Example:` fills that column (a unit otherwise comes from the field
//! name's suffix, `_min`, `_m`, `_percent`...; a default from `#[serde(default)]`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use sim::scenario::{SCHEMA_VERSION, SourceMap};
use syn::{Attribute, Expr, Fields, GenericArgument, Item, Lit, PathArguments, Type};

const REFERENCE: &str = "docs/scenario-reference.md";
/// The files the schema's types are declared in.
const SOURCES: &[&str] = &["sim/src/scenario/schema.rs", "sim/src/score/model.rs", "sim/src/world/orders.rs"];
/// The shipped drills examples are taken from, in this order.
const DRILLS: &[&str] = &[
    "scenarios/flood_valira.ron",
    "scenarios/fire_aubinya.ron",
    "scenarios/landslide_massana.ron",
    "scenarios/county_valira_orient.ron",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What a doc comment says: its meaning and its tagged lines.
#[derive(Default)]
struct Doc {
    meaning: String,
    tags: BTreeMap<&'static str, String>,
}

const TAGS: [&str; 4] = ["Unit", "Default", "Range", "Example"];

fn doc_of(attrs: &[Attribute]) -> Doc {
    let mut doc = Doc::default();
    let mut lines = Vec::new();
    for a in attrs {
        if !a.path().is_ident("doc") {
            continue;
        }
        if let syn::Meta::NameValue(nv) = &a.meta
            && let Expr::Lit(l) = &nv.value
            && let Lit::Str(s) = &l.lit
        {
            let line = s.value();
            let line = line.strip_prefix(' ').unwrap_or(&line).to_string();
            match TAGS.iter().find(|t| line.starts_with(&format!("{t}:"))) {
                Some(t) => {
                    doc.tags.insert(*t, line[t.len() + 1..].trim().to_string());
                }
                None => lines.push(line),
            }
        }
    }
    doc.meaning = lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ");
    doc
}

/// `#[serde(...)]` of a field: `default`, `default = "f"`, `rename = "x"`.
#[derive(Default)]
struct SerdeField {
    default: Option<Option<String>>,
    rename: Option<String>,
}

fn serde_of(attrs: &[Attribute]) -> SerdeField {
    let mut out = SerdeField::default();
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("default") {
                out.default = Some(match m.value() {
                    Ok(v) => Some(v.parse::<syn::LitStr>()?.value()),
                    Err(_) => None,
                });
            } else if m.path.is_ident("rename") || m.path.is_ident("alias") {
                let v = m.value()?.parse::<syn::LitStr>()?.value();
                if m.path.is_ident("rename") {
                    out.rename = Some(v);
                }
            } else if let Ok(v) = m.value() {
                let _: syn::Expr = v.parse()?;
            }
            Ok(())
        });
    }
    out
}

/// The schema's source: its types by name and its default functions.
struct Source {
    structs: BTreeMap<String, syn::ItemStruct>,
    enums: BTreeMap<String, syn::ItemEnum>,
    fns: BTreeMap<String, syn::ItemFn>,
}

fn read_source() -> Source {
    let mut s = Source { structs: BTreeMap::new(), enums: BTreeMap::new(), fns: BTreeMap::new() };
    for file in SOURCES {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        for item in parsed.items {
            match item {
                Item::Struct(i) => {
                    s.structs.insert(i.ident.to_string(), i);
                }
                Item::Enum(i) => {
                    s.enums.insert(i.ident.to_string(), i);
                }
                Item::Fn(i) => {
                    s.fns.insert(i.sig.ident.to_string(), i);
                }
                _ => {}
            }
        }
    }
    s
}

/// A Rust type as the file writes it; the named types it refers to are pushed on `refs`.
fn type_text(ty: &Type, s: &Source, refs: &mut Vec<String>) -> String {
    match ty {
        Type::Tuple(t) => {
            let parts: Vec<String> = t.elems.iter().map(|e| type_text(e, s, refs)).collect();
            format!("({})", parts.join(", "))
        }
        Type::Path(p) => {
            let seg = p.path.segments.last().unwrap();
            let name = seg.ident.to_string();
            let args: Vec<&Type> = match &seg.arguments {
                PathArguments::AngleBracketed(a) => a
                    .args
                    .iter()
                    .filter_map(|g| if let GenericArgument::Type(t) = g { Some(t) } else { None })
                    .collect(),
                _ => Vec::new(),
            };
            match (name.as_str(), args.as_slice()) {
                ("f64" | "f32", _) => "数 number".into(),
                ("u8" | "u16" | "u32" | "u64" | "usize", _) => "整数 whole number".into(),
                ("String", _) => "文本 text".into(),
                ("bool", _) => "`true` / `false`".into(),
                ("Option", [t]) => type_text(t, s, refs),
                ("Vec", [t]) => format!("[{}, …]", type_text(t, s, refs)),
                ("BTreeMap", [k, v]) => format!("{{{}: {}, …}}", type_text(k, s, refs), type_text(v, s, refs)),
                (other, _) if s.structs.contains_key(other) || s.enums.contains_key(other) => {
                    refs.push(other.to_string());
                    format!("[{other}](#{})", other.to_lowercase())
                }
                (other, _) => panic!("type `{other}` is not in {SOURCES:?}: add its file"),
            }
        }
        _ => panic!("a type the reference cannot write: add it to `type_text`"),
    }
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn outer_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p.path.segments.last().unwrap().ident.to_string(),
        _ => String::new(),
    }
}

/// The default of a field as a reader writes it, or "必填 required".
fn default_text(ty: &Type, serde: &SerdeField, doc: &Doc, s: &Source) -> Option<String> {
    if let Some(d) = doc.tags.get("Default") {
        return Some(d.clone());
    }
    let Some(default) = &serde.default else {
        return Some(if is_option(ty) { "无 none".into() } else { "必填 required".into() });
    };
    match default {
        Some(f) => {
            let body = &s.fns.get(f).unwrap_or_else(|| panic!("default fn `{f}` not found")).block;
            let Some(syn::Stmt::Expr(e, None)) = body.stmts.last() else { return None };
            literal(e).map(|l| format!("`{l}`"))
        }
        None => Some(match outer_name(ty).as_str() {
            "Option" => "无 none".into(),
            "Vec" => "`[]`".into(),
            "BTreeMap" => "`{}`".into(),
            "String" => "`\"\"`".into(),
            "bool" => "`false`".into(),
            "f64" | "f32" | "u8" | "u16" | "u32" | "u64" => "`0`".into(),
            other => format!("见 see [{other}](#{})", other.to_lowercase()),
        }),
    }
}

/// A literal default (`60`, `0.6`, `"command".into()`); anything else needs a `Default:` line.
fn literal(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Int(i) => Some(i.base10_digits().to_string()),
            Lit::Float(f) => Some(f.base10_digits().trim_end_matches(".0").to_string()),
            Lit::Str(s) => Some(format!("{:?}", s.value())),
            _ => None,
        },
        Expr::MethodCall(m) if m.method == "into" => literal(&m.receiver),
        _ => None,
    }
}

/// The unit a field's name says (`_min`, `_m`, …), or `None`.
fn unit_of(name: &str) -> Option<&'static str> {
    const SUFFIXES: &[(&str, &str)] = &[
        ("_m3_per_s", "m³/s"),
        ("_mm_per_h", "mm/h"),
        ("_m_per_s", "m/s"),
        ("_kn_per_m3", "kN/m³"),
        ("_m3", "m³"),
        ("_kpa", "kPa"),
        ("_percent", "%"),
        ("_deg", "度 °"),
        ("_min", "分钟 min"),
        ("_mm", "毫米 mm"),
        ("_h", "小时 h"),
        ("_s", "秒 s"),
        ("_m", "米 m"),
        ("_c", "°C"),
    ];
    match name {
        "hours" => return Some("小时 h"),
        "mm" => return Some("毫米 mm"),
        "hectares" => return Some("公顷 ha"),
        _ => {}
    }
    SUFFIXES.iter().find(|(s, _)| name.ends_with(s)).map(|(_, u)| *u)
}

/// Where a struct's fields are written in the drills: `hazards.flood.gauges[0]`, by type.
fn paths_of(s: &Source) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut todo = vec![("Scenario".to_string(), String::new())];
    while let Some((name, path)) = todo.pop() {
        let Some(st) = s.structs.get(&name) else { continue };
        if out.get(&name).is_some_and(|p| p.contains(&path)) {
            continue;
        }
        out.entry(name.clone()).or_default().push(path.clone());
        let Fields::Named(fields) = &st.fields else { continue };
        for f in &fields.named {
            let key = field_name(f);
            let mut at = if path.is_empty() { key } else { format!("{path}.{key}") };
            let mut ty = &f.ty;
            // Through Option (transparent) and Vec (its first item).
            while let Type::Path(p) = ty {
                let seg = p.path.segments.last().unwrap();
                let inner = match &seg.arguments {
                    PathArguments::AngleBracketed(a) => a.args.iter().find_map(|g| match g {
                        GenericArgument::Type(t) => Some(t),
                        _ => None,
                    }),
                    _ => None,
                };
                match (seg.ident.to_string().as_str(), inner) {
                    ("Option", Some(t)) => ty = t,
                    ("Vec", Some(t)) => {
                        at = format!("{at}[0]");
                        ty = t;
                    }
                    _ => break,
                }
            }
            todo.push((outer_name(ty), at));
        }
    }
    out
}

fn field_name(f: &syn::Field) -> String {
    serde_of(&f.attrs).rename.unwrap_or_else(|| f.ident.as_ref().unwrap().to_string())
}

/// The drills' text and source maps.
fn drills() -> Vec<(String, SourceMap)> {
    DRILLS
        .iter()
        .map(|d| {
            let text = std::fs::read_to_string(root().join(d)).unwrap();
            let map = SourceMap::new(&text);
            (text, map)
        })
        .collect()
}

/// `field: value` as the first drill that sets the field writes it (first line, shortened).
fn example_in_drills(drills: &[(String, SourceMap)], paths: &[String], field: &str) -> Option<String> {
    for (text, map) in drills {
        for p in paths {
            let at = if p.is_empty() { field.to_string() } else { format!("{p}.{field}") };
            let Some((line, col)) = map.get(&at) else { continue };
            let mut lines = text.lines().skip(line - 1);
            let value: String = lines.next()?.chars().skip(col - 1).collect();
            let mut shown = value_prefix(&value);
            // A list or map opened at the end of the line: show its first item.
            if let Some(open) = shown.strip_suffix(" …").filter(|o| ["[", "(", "{"].contains(o)) {
                let first = lines.map(str::trim).find(|l| !l.is_empty() && !l.starts_with("//"))?;
                let close = match open {
                    "[" => "]",
                    "(" => ")",
                    _ => "}",
                };
                shown = format!("{open}{}, …{close}", value_prefix(first).trim_end_matches(" …"));
            }
            return Some(format!("`{field}: {shown}`"));
        }
    }
    None
}

/// One value from the start of `rest`: to its `,` or the bracket closing around it, shortened.
fn value_prefix(rest: &str) -> String {
    let mut depth = 0i32;
    let mut in_str = false;
    let mut out = String::new();
    let mut prev = ' ';
    for c in rest.chars() {
        if in_str {
            in_str = !(c == '"' && prev != '\\');
        } else {
            match c {
                '"' => in_str = true,
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth == 0 => break,
                ')' | ']' | '}' => depth -= 1,
                ',' if depth == 0 => break,
                '/' if prev == '/' => {
                    out.pop();
                    break;
                }
                _ => {}
            }
        }
        out.push(c);
        prev = c;
    }
    let mut out = out.trim_end().to_string();
    if depth > 0 {
        out.push_str(" …");
    }
    if out.chars().count() > 60 {
        out = out.chars().take(58).collect::<String>() + " …";
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The reference, and every field that lacks a meaning or an example.
fn generate() -> (String, Vec<String>) {
    let s = read_source();
    let drills = drills();
    let paths = paths_of(&s);
    let mut missing = Vec::new();
    // The types in the order a reader meets them from `Scenario`.
    let mut order = vec!["Scenario".to_string()];
    let mut bodies = BTreeMap::new();
    let mut i = 0;
    while i < order.len() {
        let name = order[i].clone();
        i += 1;
        let mut refs = Vec::new();
        let body = if let Some(st) = s.structs.get(&name) {
            struct_section(st, &s, &drills, paths.get(&name).map_or(&[][..], |p| p.as_slice()), &mut refs, &mut missing)
        } else {
            enum_section(&s.enums[&name], &s, &mut refs)
        };
        bodies.insert(name, body);
        for r in refs {
            if !order.contains(&r) {
                order.push(r);
            }
        }
    }
    let mut out = String::new();
    let _ = writeln!(out, "# 情景文件参考 Scenario file reference (schema {SCHEMA_VERSION})\n");
    let _ = writeln!(
        out,
        "<!-- Generated from the doc comments of sim/src/scenario/schema.rs and the enums it uses, with \
         examples from the shipped drills, by sim/tests/scenario_reference.rs. Do not edit by hand: \
         UPDATE_REFERENCE=1 cargo test -p sim --test scenario_reference -->\n"
    );
    out.push_str(INTRO);
    let _ = writeln!(out, "\n## 目录 Contents\n");
    for name in &order {
        let _ = writeln!(out, "- [{name}](#{})", name.to_lowercase());
    }
    for name in &order {
        let _ = write!(out, "\n## {name}\n\n{}", bodies[name]);
    }
    (out, missing)
}

const INTRO: &str = "\
A scenario is one RON file (`scenarios/flood_valira.ron` is the annotated example). Each table
below is one part of it: 字段 the field, 类型 its type, 单位 its unit, 默认 its default when left
out (必填 required: it must be written), 范围 the values `sandtable-server check` accepts, 含义 what
it means and 示例 an example (from the shipped drills where they use it). `Some(...)` may be left
out around an optional value (`shelter: \"小学\"`). A variant with named fields may also be written
by position, its fields in the order listed: `RainOver(12, 50)` is `RainOver(hours: 12, mm: 50)`.

`schema` names the version a file is written for; a file without it is schema 1. Older files
keep working: they are read as the current schema. `sandtable-server check --migrate FILE`
rewrites one to the current schema in place, keeping its comments and layout, and says what
changed where.
";

fn struct_section(
    st: &syn::ItemStruct,
    s: &Source,
    drills: &[(String, SourceMap)],
    paths: &[String],
    refs: &mut Vec<String>,
    missing: &mut Vec<String>,
) -> String {
    let mut out = String::new();
    let doc = doc_of(&st.attrs);
    if !doc.meaning.is_empty() {
        let _ = writeln!(out, "{}\n", doc.meaning);
    }
    if let Some(p) = paths.iter().find(|p| !p.is_empty()) {
        let _ = writeln!(out, "在文件中 In the file: `{p}`\n");
    }
    let _ = writeln!(
        out,
        "| 字段 Field | 类型 Type | 单位 Unit | 默认 Default | 范围 Range | 含义 Meaning | 示例 Example |\n| --- | --- | --- | --- | --- | --- | --- |"
    );
    let Fields::Named(fields) = &st.fields else { panic!("{}: named fields expected", st.ident) };
    for f in &fields.named {
        let name = field_name(f);
        let d = doc_of(&f.attrs);
        let serde = serde_of(&f.attrs);
        let ty = type_text(&f.ty, s, refs);
        let unit = d.tags.get("Unit").cloned().or_else(|| unit_of(&name).map(str::to_string)).unwrap_or("—".into());
        let default = default_text(&f.ty, &serde, &d, s).unwrap_or_else(|| {
            missing.push(format!("{}.{name}: a default that is not a literal needs a `Default:` line", st.ident));
            String::new()
        });
        let range = d.tags.get("Range").cloned().unwrap_or_else(|| match outer_name(&f.ty).as_str() {
            "u8" | "u16" | "u32" | "u64" => "≥ 0".into(),
            _ => "—".into(),
        });
        if d.meaning.is_empty() {
            missing.push(format!("{}.{name}: no meaning (doc comment)", st.ident));
        }
        let example = d.tags.get("Example").cloned().or_else(|| example_in_drills(drills, paths, &name));
        if example.is_none() {
            missing.push(format!("{}.{name}: no example (no shipped drill sets it: add an `Example:` line)", st.ident));
        }
        let _ = writeln!(
            out,
            "| `{name}` | {} | {} | {} | {} | {} | {} |",
            cell(&ty),
            cell(&unit),
            cell(&default),
            cell(&range),
            cell(&d.meaning),
            cell(&example.unwrap_or_default())
        );
    }
    out
}

fn enum_section(en: &syn::ItemEnum, s: &Source, refs: &mut Vec<String>) -> String {
    let mut out = String::new();
    let doc = doc_of(&en.attrs);
    if !doc.meaning.is_empty() {
        let _ = writeln!(out, "{}\n", doc.meaning);
    }
    let _ = writeln!(out, "其一 One of:\n\n| 写法 Form | 含义 Meaning |\n| --- | --- |");
    for v in &en.variants {
        let d = doc_of(&v.attrs);
        let name = v.ident.to_string();
        let form = match &v.fields {
            Fields::Unit => format!("`{name}`"),
            Fields::Unnamed(f) => {
                let parts: Vec<String> = f.unnamed.iter().map(|f| type_text(&f.ty, s, refs)).collect();
                format!("`{name}` ({})", parts.join(", "))
            }
            Fields::Named(f) => {
                let parts: Vec<String> = f
                    .named
                    .iter()
                    .map(|f| {
                        let serde = serde_of(&f.attrs);
                        let opt = if serde.default.is_some() { " (可省 optional)" } else { "" };
                        format!("{}: {}{opt}", field_name(f), type_text(&f.ty, s, refs))
                    })
                    .collect();
                format!("`{name}` ({})", parts.join(", "))
            }
        };
        let mut meaning = d.meaning.clone();
        if let Some(e) = d.tags.get("Example") {
            meaning = format!("{meaning} 示例 Example: {e}").trim().to_string();
        }
        let _ = writeln!(out, "| {} | {} |", cell(&form), cell(&meaning));
    }
    out
}

#[test]
fn the_reference_is_generated_from_the_schema() {
    let (text, missing) = generate();
    let path = root().join(REFERENCE);
    if std::env::var_os("UPDATE_REFERENCE").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "{REFERENCE} differs from the schema's doc comments: regenerate it with\n  UPDATE_REFERENCE=1 cargo test -p sim --test scenario_reference"
    );
    assert!(missing.is_empty(), "the reference lacks:\n  {}", missing.join("\n  "));
}

/// A `Range:` of the form `lo–hi` or `more than 0`: (a value it refuses, a value it accepts).
fn probes(range: &str) -> Option<(f64, f64)> {
    if range == "more than 0" {
        return Some((0.0, 1.0));
    }
    let num = |t: &str| t.trim().replace('−', "-").parse::<f64>().ok();
    // The dash between the bounds is the one after the first character (a bound may be negative).
    let cut = range.char_indices().skip(1).find(|(_, c)| *c == '–')?.0;
    let (lo, hi) = (num(&range[..cut])?, num(&range[cut + '–'.len_utf8()..])?);
    // Whole numbers both, so that integer fields take them too.
    Some((hi + 1.0 + (hi - lo).abs().ceil(), ((lo + hi) / 2.0).floor()))
}

/// Every `lo–hi` range the reference states is the validator's: a shipped drill with the field
/// set just outside it gets a problem at that field, and inside it none.
#[test]
fn the_stated_ranges_are_the_validators() {
    let s = read_source();
    let paths = paths_of(&s);
    let drills = drills();
    let no_map = sim::map::MapError::Io { path: "none".into(), source: std::io::Error::other("not loaded") };
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (name, st) in &s.structs {
        let Fields::Named(fields) = &st.fields else { continue };
        for f in &fields.named {
            let field = field_name(f);
            let Some((refused, accepted)) = doc_of(&f.attrs).tags.get("Range").and_then(|r| probes(r)) else {
                continue;
            };
            let Some((text, path, at)) = paths.get(name).into_iter().flatten().find_map(|p| {
                let path = if p.is_empty() { field.clone() } else { format!("{p}.{field}") };
                drills.iter().find_map(|(text, map)| map.get(&path).map(|at| (text, path.clone(), at)))
            }) else {
                continue;
            };
            let problems_with = |v: f64| {
                let line = text.lines().nth(at.0 - 1).unwrap();
                let start: usize = line.char_indices().nth(at.1 - 1).unwrap().0;
                let old = value_prefix(&line[start..]);
                let new_line = format!("{}{v}{}", &line[..start], &line[start + old.len()..]);
                let edited: Vec<&str> =
                    text.lines().enumerate().map(|(i, l)| if i == at.0 - 1 { new_line.as_str() } else { l }).collect();
                let edited = edited.join("\n");
                let scenario = sim::scenario::parse_scenario("probe.ron", &edited).expect("the probe parses");
                sim::scenario::validate_against("probe.ron", &edited, &scenario, Err(&no_map))
                    .into_iter()
                    .filter(|p| p.path == path)
                    .count()
            };
            checked += 1;
            if problems_with(refused) == 0 {
                wrong.push(format!("{path}: {refused} is outside the stated range but accepted"));
            }
            if problems_with(accepted) != 0 {
                wrong.push(format!("{path}: {accepted} is inside the stated range but refused"));
            }
        }
    }
    assert!(checked >= 10, "only {checked} ranges could be probed");
    assert!(wrong.is_empty(), "the reference's ranges differ from the validator's:\n  {}", wrong.join("\n  "));
}
