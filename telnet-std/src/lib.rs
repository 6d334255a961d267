//! Blocking Telnet over any byte stream, with Python telnetlib's API.
//!
//! [`Telnet`] is a thin loop over the Sans-IO core [`telnet_proto`]: it
//! reads from a stream, feeds the bytes to a [`telnet_proto::Session`],
//! keeps the decoded data for the `read_*` methods and
//! [`expect`](Telnet::expect), and writes the session's answers before the
//! read call returns. Everything telnetlib offered is here, with the same
//! semantics, plus what it lacked: a timeout that belongs to the
//! connection, option policy, typed answers (NAWS, TTYPE, NEW-ENVIRON), a
//! server role, MCCP, and [`std::io`] traits for the data stream.
//!
//! ```no_run
//! use std::time::Duration;
//! use regex::bytes::Regex;
//! use telnet_std::{Expect, Telnet};
//!
//! let mut tn = Telnet::connect_timeout(("127.0.0.1", 2323), Duration::from_secs(5))?;
//! tn.read_until(b"login: ")?;
//! tn.write_text("guest\n")?;
//! let prompt = [Regex::new(r"\$ $").unwrap(), Regex::new("(?i)incorrect").unwrap()];
//! match tn.expect(&prompt)? {
//!     Expect::Matched(m) if m.index == 0 => {
//!         tn.write_text("exit\n")?;
//!         println!("{}", String::from_utf8_lossy(&tn.read_all()?));
//!     }
//!     other => eprintln!("login failed: {:?}", String::from_utf8_lossy(other.text())),
//! }
//! # Ok::<(), telnet_std::Error>(())
//! ```
//!
//! # telnetlib, method by method
//!
//! | telnetlib | here |
//! |---|---|
//! | `Telnet(host, port, timeout)` | [`Telnet::connect`], [`Telnet::connect_timeout`], [`Builder`] |
//! | `read_until(m, t)` | [`Telnet::read_until`], [`Telnet::read_until_timeout`] |
//! | `read_all()` | [`Telnet::read_all`] |
//! | `read_some()` | [`Telnet::read_some`] |
//! | `read_very_eager()`, `read_eager()` | [`Telnet::read_very_eager`], [`Telnet::read_eager`] |
//! | `read_lazy()`, `read_very_lazy()` | [`Telnet::read_lazy`], [`Telnet::read_very_lazy`] |
//! | `read_sb_data()` | [`Telnet::read_sb_data`] |
//! | `expect(list, t)` → `(i, m, text)` / `(-1, None, text)` | [`Telnet::expect`] → [`Expect::Matched`] / [`Expect::NoMatch`] |
//! | `write(b)` | [`Telnet::write`] (and [`Telnet::write_text`] for NVT newlines) |
//! | `interact()` | [`Telnet::interact`] |
//! | `set_option_negotiation_callback` | [`Handler`], [`Builder::manual_negotiation`] |
//! | `set_debuglevel` | `tracing` (below) |
//! | `get_socket()`, `fileno()` | [`Telnet::get_ref`], `AsFd`, `AsRawFd` |
//! | `EOFError` | [`Error::Eof`] |
//!
//! Each method's documentation says where it differs from telnetlib; the
//! differences that matter everywhere are on [`Telnet`].
//!
//! # Any stream
//!
//! `Telnet<S>` works over any `S: Read + Write`. The reading methods also
//! need [`Ready`], which says whether a read would block: it is
//! implemented for `TcpStream` and for the in-memory [`pipe::Pipe`]; wrap
//! other streams in [`AssumeReady`] (reads then block, timeouts are not
//! enforced).
//!
//! # Debug trace
//!
//! What telnetlib's `set_debuglevel` printed goes to [`tracing`]: every
//! negotiation, command and subnegotiation, both ways, at `DEBUG` under
//! the target `telnet_std` (`RCVD DO NAWS`, `SENT WILL NAWS`,
//! `SENT SB NAWS 80 24`); the raw bytes of every read and write at `TRACE`
//! under `telnet_std::wire`. Install any subscriber to see them.
//!
//! # Server
//!
//! The same type serves the other end: [`Telnet::server`] sends `WILL ECHO`,
//! `WILL SGA`, `DO NAWS`, `DO TTYPE` and records the client's window size
//! and terminal type. [`echo::serve`] is the bundled echo service, used by
//! the `echo` example and `rtelnet --demo`.
//!
//! # Features
//!
//! * `mccp`: MCCP2/MCCP3 through flate2. Decompress the peer's stream:
//!   accept MCCP2 with [`Builder::mccp`]; without the feature, a peer that
//!   starts compressing gets [`Error::Protocol`]. Compress ours: once the
//!   option is on, [`Telnet::start_compression`] (a server's MCCP2, a
//!   client's MCCP3) and [`Telnet::end_compression`].
//! * `cli` (default): the `rtelnet` command-line client. Libraries that
//!   only want the API use `default-features = false`.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

pub mod echo;
mod error;
mod handler;
mod mccp;
mod opts;
pub mod pipe;
mod ready;
mod telnet;
pub mod trace;

pub use error::{Error, Result};
pub use handler::{Control, Handler};
pub use ready::{AssumeReady, Ready};
pub use telnet::{
    Builder, Expect, Matched, Telnet, TelnetSession, DEFAULT_MAX_BUFFERED, SUBNEGOTIATION_CAPACITY,
};
pub use telnet_proto;
