//! Interop harness: runs real Telnet peers on 127.0.0.1 against the
//! workspace's clients and servers, records the bytes between them, and
//! checks the negotiation and the data.
//!
//! * [`Peer`]: a peer program in its own process group, killed and reaped
//!   by PID when dropped; its stdout and stderr are collected.
//! * [`Recorder`]: a TCP proxy placed between client and server that keeps
//!   every byte of both directions with a timestamp.
//! * [`Transcript`]: both directions decoded with `telnet-proto` (manual
//!   mode, raw newlines, MCCP2 inflated), with RFC 1143 loop checks.
//! * [`peers`]: where each peer program is and how it is started.
//!
//! Every wait is bounded ([`PATIENCE`]); a peer that is not installed or does
//! not start fails its test with a message naming it.

mod net;
pub mod peers;
mod process;
mod transcript;

pub use net::{free_port, wait_listening, Recorder};
pub use process::{contains, find, require_program, Peer, PATIENCE};
pub use transcript::{escape, Chunk, Dir, Item, Transcript};
