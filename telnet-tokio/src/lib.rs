//! Async Telnet for tokio: a session with Python telnetlib's API, and a
//! `tokio-util` codec, both thin loops over the Sans-IO core
//! [`telnet_proto`].
//!
//! * [`Telnet`] is a session over any `AsyncRead + AsyncWrite` (a
//!   [`TcpStream`](tokio::net::TcpStream) by default), for clients and
//!   servers alike: `read_until`, `read_all`, `read_some`,
//!   `read_very_eager`, `read_eager`, `read_lazy`, `read_very_lazy`,
//!   `read_sb_data`, `expect` with [`regex::bytes`], `write`, `write_text`,
//!   `interact`, option control and subnegotiations; plus [`AsyncRead`](tokio::io::AsyncRead)
//!   and [`AsyncWrite`](tokio::io::AsyncWrite) for the decoded data. The
//!   negotiation replies the core decides on are written while reading,
//!   without the application asking. Every read method is cancel-safe.
//! * [`TelnetCodec`] is a [`Decoder`](tokio_util::codec::Decoder) yielding
//!   owned [`Item`]s (replies included, to be sent back) and an
//!   [`Encoder`](tokio_util::codec::Encoder) of [`Frame`]s, for applications
//!   that already live in `Framed`.
//!
//! # A client
//!
//! ```no_run
//! use std::time::Duration;
//! use telnet_tokio::Telnet;
//!
//! # async fn run() -> telnet_tokio::Result<()> {
//! let mut telnet = Telnet::connect_timeout("127.0.0.1:2323", Duration::from_secs(5)).await?;
//! telnet.read_until(b"login: ").await?;
//! telnet.write_text("guest\n").await?;
//! let banner = telnet.read_until(b"$ ").await?;
//! println!("{}", String::from_utf8_lossy(&banner));
//! # Ok(()) }
//! ```
//!
//! # A server
//!
//! ```no_run
//! use telnet_proto::{Config, Policy, Side, TelnetOption};
//! use telnet_tokio::Telnet;
//!
//! # async fn run() -> telnet_tokio::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:2323").await?;
//! loop {
//!     let (stream, _) = listener.accept().await?;
//!     tokio::spawn(async move {
//!         let policy = Policy::new().with_remote(TelnetOption::NAWS);
//!         let mut telnet = Telnet::with_config(stream, Config::new().policy(policy));
//!         telnet.enable(Side::Local, TelnetOption::SGA).await?;
//!         telnet.enable(Side::Remote, TelnetOption::NAWS).await?;
//!         telnet.write_text("Hello! Type a line:\n").await?;
//!         let line = telnet.read_until(b"\n").await?;
//!         telnet.write(&line).await?;
//!         Ok::<(), telnet_tokio::Error>(())
//!     });
//! }
//! # }
//! ```
//!
//! # Cancel safety
//!
//! The session keeps all of its state in itself, not in the futures of its
//! methods: a `read_until` dropped by `tokio::select!` or a timeout loses no
//! byte, and the next call finds everything. That makes a chat server's
//! loop simple: `select!` between the client's next line and the messages
//! of other users. Write methods queue their bytes on their first poll, and
//! whatever a dropped write did not send goes out with the next call.
//!
//! # Errors
//!
//! One [`Error`] type: [`Error::Io`], [`Error::Timeout`] and
//! [`Error::Eof`] are distinct, so "closed" is never confused with "no data
//! yet"; protocol and decompression failures have their own variants. It
//! converts into [`std::io::Error`].
//!
//! # Memory and scale
//!
//! A session holds almost no heap while idle: reads use a buffer on the
//! stack of the poll (8 KiB), the data and subnegotiation buffers are
//! freed once empty, and the output buffer is kept only up to 256 bytes
//! (room for the next negotiation replies). An idle `Telnet<TcpStream>` is the core
//! session (1360 bytes with the default 1024-byte subnegotiation buffer)
//! plus some 200 bytes of bookkeeping and the socket; the kernel's socket
//! buffers come on top and are not counted in the process's memory.
//!
//! Measured with `cargo bench -p telnet-tokio --bench scale` on a shared
//! 2-core machine: 10,000 concurrent sessions held by the echo example's
//! loop over loopback cost 2,708 bytes of resident memory each on the
//! server (RSS delta / sessions: the `Telnet<TcpStream>`, 1,632 bytes now, its
//! tokio task and the socket's registration), and all of them echoing
//! 16 round trips of 1 KiB at once ran at 43 MiB/s each way (44,000 round
//! trips per second, clients in another process on the same 2 cores).
//! `cargo bench -p telnet-tokio --bench echo_throughput` compares the
//! session with a raw tokio TCP echo in the same run: 627 against 718 MiB/s
//! (0.87; 0.93 in another run) for text over 8 connections, and 436 MiB/s
//! for binary data with 0xFF escaped. Each process of the scale bench needs
//! an open-files limit (`ulimit -n`) of at least the session count plus 50.
//!
//! Output the peer does not read is bounded
//! ([`Telnet::set_output_limit`], 64 KiB by default): past it, writes wait,
//! and the session stops reading, so that a peer cannot make it queue
//! unbounded replies.
//!
//! # Features
//!
//! * `mccp`: MCCP2 and MCCP3 through `flate2`, in both directions.
//!
//!   What the peer sends: after the core reports the compression
//!   boundary, the rest of that read and everything after it is
//!   decompressed before parsing; the end of the zlib stream returns to
//!   plain telnet; corrupt compressed data is [`Error::Decompress`], never
//!   parsed as telnet. Without the feature, a peer starting compression
//!   (which it may only do after MCCP was enabled) is [`Error::Protocol`].
//!
//!   What we send: `Telnet::start_compression(option)` sends
//!   `IAC SB option IAC SE` and compresses all later output as one zlib
//!   stream; a MUD server calls it with `TelnetOption::MCCP2` once the
//!   client answered its `WILL MCCP2` with `DO`, a client with
//!   `TelnetOption::MCCP3` once it answered the server's `WILL MCCP3`.
//!   Each write is sync-flushed, so the peer can show text as it arrives.
//!   `Telnet::end_compression` and `shutdown` end the stream; so does the
//!   option going off (the peer's `DONT MCCP2`, say), and then the output
//!   queued up to the next flush, the reply to that negotiation included,
//!   is the last inside it. `Telnet::output_compression` says whether our
//!   output is compressed. The codec has the same as frames,
//!   `Frame::StartCompression(option)` and `Frame::EndCompression`, and
//!   `TelnetCodec::output_compression`. The compressor's state costs
//!   about 300 KiB per session while the stream is on.
//!
//! # Tracing
//!
//! Every byte received and sent is traced at `TRACE` level under the
//! target `telnet_tokio::wire`, and every command, negotiation and
//! subnegotiation at `DEBUG` under `telnet_tokio` (telnetlib's
//! `set_debuglevel`).

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod codec;
mod error;
mod inflate;
mod item;
mod session;

pub use codec::{Frame, TelnetCodec};
pub use error::{Error, Result};
pub use item::Item;
pub use session::{
    Expect, NegotiationCallback, Telnet, DEFAULT_EVENT_CAPACITY, DEFAULT_OUTPUT_LIMIT,
};
pub use telnet_proto;
