//! Test support shared by the end-to-end tests: [`relay`], a lossy, delaying UDP relay.

pub mod relay;
