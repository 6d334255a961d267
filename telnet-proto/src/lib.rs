//! A Sans-IO Telnet core: received bytes in, events and replies out.
//!
//! `telnet-proto` implements the Telnet protocol (RFC 854 and 855) with
//! RFC 1143 option negotiation, and does nothing else: no sockets, no
//! threads, no clock, no allocation. It is `#![no_std]` without `alloc` and
//! free of `unsafe`, so it runs as well in a microcontroller's serial-port
//! server as behind the blocking (`telnet-std`) and async (`telnet-tokio`)
//! adapters of this workspace.
//!
//! # The drive loop
//!
//! One [`Session`] per connection. Give it every byte you receive with
//! [`Session::feed`], take the events until there are none, and send what
//! the session asked you to send (the `reply` of [`Event::Negotiation`]). Your own intentions
//! become bytes through [`Session::enable`] / [`Session::disable`] (which
//! return the negotiation to send) and the [`encode`] functions.
//!
//! ```
//! use telnet_proto::{encode, Config, Event, Policy, Session, Side, TelnetOption};
//!
//! // We send our window size, and let the server echo.
//! let policy = Policy::new()
//!     .with_local(TelnetOption::NAWS)
//!     .with_remote(TelnetOption::ECHO);
//! let mut session: Session = Session::new(Config::new().policy(policy));
//!
//! let mut to_peer = Vec::new(); // bytes for the socket
//! let mut text = Vec::new(); // data for the application
//!
//! // What a server might send: a greeting with an escaped 0xFF, DO NAWS,
//! // WILL ECHO, and a terminal-type request.
//! let received: &[u8] = b"caf\xc3\xa9 \xff\xff!\r\n\xff\xfd\x1f\xff\xfb\x01\xff\xfa\x18\x01\xff\xf0";
//!
//! let mut feed = session.feed(received);
//! while let Some(event) = feed.poll_event() {
//!     match event {
//!         // Slices of `received`: never copied by the session.
//!         Event::Data(bytes) => text.extend_from_slice(bytes),
//!         // Answers the session decided on: send them, in order.
//!         Event::Negotiation { received, reply, changed } => {
//!             if let Some(reply) = reply {
//!                 to_peer.extend_from_slice(&reply.to_bytes());
//!             }
//!             // NAWS just turned on our side: send the window size.
//!             let side = received.verb.received_side();
//!             if (received.option, side, changed) == (TelnetOption::NAWS, Side::Local, Some(true)) {
//!                 let mut buf = [0u8; 16];
//!                 let n = encode::subnegotiation(TelnetOption::NAWS, &[0, 80, 0, 24], &mut buf).unwrap();
//!                 to_peer.extend_from_slice(&buf[..n]);
//!             }
//!         }
//!         Event::Subnegotiation { option, payload } => {
//!             // `payload` borrows the session: copy what you keep.
//!             assert_eq!((option, payload), (TelnetOption::TTYPE, &[1u8][..]));
//!         }
//!         Event::CompressionStart { .. } => unreachable!("MCCP was not negotiated"),
//!         _ => {}
//!     }
//! }
//!
//! assert_eq!(text, b"caf\xc3\xa9 \xff!\r\n");
//! assert_eq!(
//!     to_peer,
//!     [
//!         &[255, 251, 31][..],                  // WILL NAWS
//!         &[255, 250, 31, 0, 80, 0, 24, 255, 240], // SB NAWS 80x24 SE
//!         &[255, 253, 1],                       // DO ECHO
//!     ]
//!     .concat()
//! );
//! assert!(session.is_enabled(Side::Remote, TelnetOption::ECHO));
//! ```
//!
//! The borrow checker enforces the rules: an event cannot outlive the next
//! call to [`Feed::poll_event`] when it borrows the session (subnegotiation
//! payloads), while data slices live as long as the input. The session keeps
//! its place between inputs, so you may cut the received bytes anywhere.
//!
//! Applications that copy received data anyway (into a line buffer, a
//! terminal, another socket) can drive the feed with [`Feed::read`]
//! instead: it copies the data, unescaped, into a buffer of yours (an
//! `IAC IAC` or a `CR NUL` no longer cuts it into pieces), writes the
//! replies into a second buffer, and returns only at events the
//! application must see. Negotiations do not end a call: one that needs
//! nothing but its answer (a refusal, a repeat of the state in force) is
//! answered quietly; one that turns an option on or off is answered and
//! noted in [`Read::negotiations`], with where it came in the data. The
//! two loops deliver the same data and send the same replies, and may be
//! mixed.
//!
//! # What the peer can send, and what happens
//!
//! There are no parse errors. Every byte sequence has a defined outcome, and
//! the bytes after it are parsed normally:
//!
//! * `IAC` followed by a byte that is not a command of RFC 854 (including a
//!   stray `SE`): [`Command::Unknown`].
//! * A subnegotiation longer than the session's capacity (the const
//!   parameter, [`DEFAULT_SUBNEGOTIATION_CAPACITY`] by default): discarded
//!   up to its `IAC SE` and reported once as
//!   [`Event::SubnegotiationOverflow`] with its full length. A payload
//!   exactly at the capacity is delivered.
//! * `IAC x` inside a subnegotiation, x neither `IAC` nor `SE`: the
//!   subnegotiation is abandoned ([`Event::SubnegotiationAborted`]) and
//!   `IAC x` is parsed as a command. `IAC SB IAC SE` is an aborted
//!   subnegotiation without an option.
//! * Negotiations follow RFC 1143: a request for the state already in force
//!   is not answered, so two peers cannot loop.
//!
//! Memory is bounded by the session's size: each reply comes with the
//! negotiation it answers, in order with the other events, before any more
//! input is parsed.
//!
//! # Negotiation
//!
//! The [`Policy`] says which options we accept when the peer asks; the
//! default refuses everything. [`Session::enable`] and
//! [`Session::disable`] start our own requests. With
//! [`Config::manual_negotiation`] nothing is answered automatically and each
//! received negotiation is only reported, as with telnetlib's
//! `set_option_negotiation_callback`.
//!
//! ```notrust
//! RFC 1143, section 7: "the Q method" -- each side of each option is NO,
//! YES, WANTNO or WANTYES, with a queue bit (EMPTY / OPPOSITE) for a
//! request made while another is pending.
//! ```
//!
//! `TIMING-MARK` (RFC 860) is answered (`WILL` when allowed locally, else
//! `WONT`) but never recorded as a state.
//!
//! # NVT end of line
//!
//! In received data, `CR NUL` means a bare carriage return. [`Newline`]
//! chooses what the session delivers: [`Newline::Nvt`] (the default:
//! `CR NUL` becomes CR, the rest untouched), [`Newline::Translate`] (`CR LF`
//! becomes `\n`, `CR NUL` becomes `\r`) or [`Newline::Raw`]. A CR that ends
//! an input is held back until the next byte decides. Where the peer has
//! BINARY on, its data is delivered raw.
//!
//! # MCCP
//!
//! When MCCP2 is on for the peer's side (or MCCP3 for ours) and the peer
//! sends `IAC SB MCCP2 IAC SE`, the session reports
//! [`Event::CompressionStart`] with the rest of the input, which is
//! compressed, and stops there. Decompress it (and everything received
//! after it) and feed the result to the same session.
//!
//! # Typed options
//!
//! The [`options`] module decodes subnegotiation payloads into values
//! (NAWS window sizes, terminal types, environment variables, CHARSET,
//! LINEMODE, STATUS, GMCP, MSDP, MSSP, ZMP, ...) and encodes values into
//! whole `IAC SB ... IAC SE` frames, under the same rules: no allocation,
//! no panic on peer bytes, caller-owned buffers.
//!
//! # Features
//!
//! * `bytes`: `put_*` functions in [`encode`] that append to a
//!   [`bytes::BufMut`](https://docs.rs/bytes/1/bytes/trait.BufMut.html).
//!
//! No feature is on by default; the crate never uses `std` or `alloc`.

#![no_std]
#![forbid(unsafe_code)]
#![warn(clippy::std_instead_of_core, clippy::alloc_instead_of_core)]
#![cfg_attr(docsrs, feature(doc_auto_cfg))]

mod command;
pub mod consts;
mod copy;
pub mod encode;
pub mod negotiation;
mod option;
pub mod options;
mod session;

pub use command::{Command, InvalidCommand, Negotiation, Verb};
pub use encode::BufferTooSmall;
pub use negotiation::{OptionState, Policy, Side};
pub use option::TelnetOption;
pub use session::{
    Config, Event, Feed, Newline, NotableNegotiation, Read, Session,
    DEFAULT_SUBNEGOTIATION_CAPACITY,
};
