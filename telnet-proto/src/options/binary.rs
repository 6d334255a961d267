//! BINARY, Binary Transmission (RFC 856): 8-bit data without NVT
//! end-of-line rules, one direction at a time.
//!
//! ```notrust
//! RFC 856, section 2 and 5:
//!   IAC WILL TRANSMIT-BINARY: the sender will send binary data.
//!   IAC DO TRANSMIT-BINARY:   the sender asks the receiver to send binary.
//!   While on, data in that direction is a stream of 8-bit bytes: CR and
//!   NUL are ordinary data (IAC is still doubled). The option has no
//!   subnegotiation; each direction is negotiated separately.
//! ```
//!
//! The core applies it in both directions. Received data from a peer with
//! BINARY on ([`Side::Remote`](crate::Side::Remote)) is delivered raw,
//! whatever the [`Newline`](crate::Newline) mode;
//! [`Session::encode_text`] sends NVT text (`\n` as CR LF, a bare CR as
//! CR NUL) while BINARY is off for our side and only doubles 0xFF while it
//! is on.
//!
//! ```
//! use telnet_proto::{Config, Event, Policy, Session, Side, TelnetOption};
//!
//! let policy = Policy::new().with_local(TelnetOption::BINARY).with_remote(TelnetOption::BINARY);
//! let mut session: Session = Session::new(Config::new().policy(policy));
//! let mut buf = [0u8; 16];
//! let n = session.encode_text(b"a\nb", &mut buf).unwrap();
//! assert_eq!(&buf[..n], b"a\r\nb");
//!
//! // The peer asks us to send binary and offers to send binary.
//! let mut feed = session.feed(b"\xff\xfd\x00\xff\xfb\x00x\r\0y");
//! let mut data = Vec::new();
//! while let Some(event) = feed.poll_event() {
//!     if let Event::Data(bytes) = event {
//!         data.extend_from_slice(bytes);
//!     }
//! }
//! assert_eq!(data, b"x\r\0y"); // CR NUL kept: binary from the peer
//! let n = session.encode_text(b"a\nb", &mut buf).unwrap();
//! assert_eq!(&buf[..n], b"a\nb"); // and binary to it
//! assert!(session.is_enabled(Side::Local, TelnetOption::BINARY));
//! ```
//!
//! [`Session::encode_text`]: crate::Session::encode_text

use crate::TelnetOption;

/// The option code, 0.
pub const OPTION: TelnetOption = TelnetOption::BINARY;
