//! SGA, Suppress Go Ahead (RFC 858): no `IAC GA` after each transmission.
//!
//! ```notrust
//! RFC 858, section 2 and 5:
//!   IAC WILL SUPPRESS-GO-AHEAD: the sender will not send GA.
//!   Without the option, a half-duplex NVT sends IAC GA when it is done
//!   sending and waits for the other side. The option has no
//!   subnegotiation; each direction is negotiated separately.
//! ```
//!
//! [`Session::encode_go_ahead`] writes `IAC GA` only while SGA is off for
//! our side, and nothing (returning `Ok(0)`) while it is on: a MUD server
//! may call it after every prompt and let the client's choice decide.
//!
//! ```
//! use telnet_proto::{Config, Policy, Session, TelnetOption};
//!
//! let policy = Policy::new().with_local(TelnetOption::SGA);
//! let mut server: Session = Session::new(Config::new().policy(policy));
//! let mut buf = [0u8; 2];
//! assert_eq!(server.encode_go_ahead(&mut buf), Ok(2)); // GA while SGA is off
//! assert_eq!(buf, [255, 249]);
//!
//! let mut feed = server.feed(b"\xff\xfd\x03"); // DO SGA
//! while feed.poll_event().is_some() {}
//! assert_eq!(server.encode_go_ahead(&mut buf), Ok(0));
//! ```
//!
//! [`Session::encode_go_ahead`]: crate::Session::encode_go_ahead

use crate::TelnetOption;

/// The option code, 3.
pub const OPTION: TelnetOption = TelnetOption::SGA;
