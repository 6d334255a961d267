//! Helpers shared by the test files.
#![allow(dead_code)]

pub(crate) mod core_client;
pub(crate) mod report;
pub(crate) mod std_server;
pub(crate) mod tokio_server;
