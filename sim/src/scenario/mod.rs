//! Scenario files: the schema, loading RON with positions in errors, and semantic validation.

mod clock;
mod edits;
mod load;
mod migrate;
mod positional;
mod schema;
mod source_map;
mod validate;

pub use clock::{civil_from_days, clock_text, days_from_civil, parse_start};
pub use edits::{Edit, Edits, Rewrite};
pub use load::{MAX_NESTING, MAX_SCENARIO_BYTES, Problem, load_scenario_file, parse_scenario, read_scenario_text};
pub use migrate::{Change, Migrated, RENAMES, Rename, Unsupported, as_schema_1, migrate, schema_of};
pub use schema::*;
pub use source_map::SourceMap;
pub use validate::{MAX_DURATION_H, resolve_place, validate, validate_against};
