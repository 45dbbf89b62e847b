//! The review page's stylesheet, inline: A4 pages, tables that break between rows, headings kept
//! with what follows, statuses told apart by weight and borders as well as colour (black and
//! white printers), fonts the reader's system has (no web fonts, nothing fetched).

pub const CSS: &str = r#"
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", sans-serif;
  font-size: 10.5pt; line-height: 1.45; color: #000; background: #fff; margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 18pt; margin: 0 0 2mm; border-bottom: 2px solid #000; padding-bottom: 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-left: 4px solid #000; padding-left: 2mm; page-break-after: avoid; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; page-break-after: avoid; break-after: avoid; }
.en { color: #444; font-size: 0.88em; font-weight: normal; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; page-break-inside: auto; }
tr, figure, .keep { page-break-inside: avoid; break-inside: avoid; }
thead { display: table-header-group; }
th, td { border: 1px solid #555; padding: 1mm 1.5mm; vertical-align: top; text-align: left; }
th { background: #e8e8e8; font-weight: bold; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.cat td { background: #f2f2f2; font-weight: bold; }
.ok { color: #060; font-weight: bold; }
.late { color: #a50; font-weight: bold; font-style: italic; }
.bad { color: #b00; font-weight: bold; text-decoration: underline; }
.early { color: #036; font-style: italic; }
.nd { color: #666; }
.na { color: #666; font-style: italic; }
ul.ev { margin: 0; padding-left: 4mm; font-size: 0.9em; }
p.none { color: #555; font-style: italic; }
.summary { display: flex; gap: 4mm; flex-wrap: wrap; margin: 2mm 0; }
.summary div { border: 2px solid #000; padding: 2mm 4mm; min-width: 36mm; }
.summary b { font-size: 16pt; display: block; }
figure { margin: 2mm 0; }
figcaption { font-size: 9.5pt; margin-top: 1mm; }
.maps { display: flex; flex-wrap: wrap; gap: 3mm; }
.maps figure { width: calc(50% - 2mm); }
svg { max-width: 100%; height: auto; display: block; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.88em; background: #f4f4f4; padding: 0 1mm; }
.legend span { display: inline-block; margin-right: 3mm; }
.sw { display: inline-block; width: 3mm; height: 3mm; border: 1px solid #000; vertical-align: middle; margin-right: 1mm; }
footer { margin-top: 8mm; font-size: 8.5pt; color: #444; border-top: 1px solid #999; padding-top: 2mm; }
section.break { page-break-before: always; break-before: page; }
@media print { body { padding: 0; max-width: none; } a { color: #000; text-decoration: none; } }
"#;
