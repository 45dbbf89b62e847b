//! sandtable-server as a library: the authority over a drill (network, roles, journal, bots) and
//! the commands of the `sandtable-server` binary. The client embeds it to host a drill locally.
//!
//! # Layout
//! - [`drill`]: a drill on the server: world, record (journal before apply), clock, report.
//! - [`admission`]: drill codes, the token step, the seat a connect token grants.
//! - [`logs`]: rate-limited logging (refusals, garbage datagrams).
//! - [`host`]: the lobby and message handling every transport shares (roles, hello, orders to the drill,
//!   rate limits, per-role views and events).
//! - [`net`]: renet + netcode over UDP: [`net::NetServer`] and [`net::NetClient`].
//! - [`bots`]: headless players: a pure brain, in-process and UDP transports.
//! - [`hosting`]: the `serve` loop (also [`hosting::ServerHandle`] for the client).
//! - [`metrics`]: `/healthz` and `/metrics` (Prometheus) of a served drill.
//! - [`agones`]: the Agones SDK sidecar (ready, health, shutdown) of a served drill.
//! - [`headless`]: the `run` loop, bots in every role, as fast as possible.
//! - [`maps`]: what a map holds and what is at a point (`map info`, `map probe`).
//! - [`stress`]: `stress`, the drill played by bots over many seeds and policies on every core
//!   (sharded, merged); the checker's warning of a deadline no play can meet.
//! - [`review`]: the review (演练评估报告) of a record: report.html, report.json, actions.csv.
//! - [`cli`], [`check`], [`migrate`] (`check --migrate`), `import` (feature `import`, on by default: the map importer, left out of
//!   the client), [`paths`]: the command line and its jobs. `cli` includes `join`, the headless
//!   seat.

pub mod admission;
pub mod agones;
pub mod bots;
pub mod check;
pub mod cli;
pub mod drill;
pub mod headless;
pub mod host;
pub mod hosting;
#[cfg(feature = "import")]
pub mod import;
pub mod logs;
pub mod maps;
pub mod metrics;
pub mod migrate;
pub mod net;
pub mod paths;
pub mod review;
pub mod stress;
#[cfg(test)]
pub(crate) mod testkit;
