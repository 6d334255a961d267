//! ECHO (RFC 857): which side echoes what the user types.
//!
//! ```notrust
//! RFC 857, section 2 and 5:
//!   IAC WILL ECHO: the sender will echo the data it receives back.
//!   IAC DO ECHO:   the sender asks the receiver to echo.
//!   With the option off (the default), neither side echoes over the
//!   connection: the client echoes locally. Servers turn it on to hide
//!   passwords (the client stops echoing, the server does not echo).
//!   The option has no subnegotiation.
//! ```
//!
//! Nothing here but the negotiation, which the core does: a client
//! allows ECHO on the remote side and stops its local echo while
//! `is_enabled(Side::Remote, ECHO)`; a server enables ECHO on its local
//! side while a password is typed, and disables it afterwards.
//!
//! ```
//! use telnet_proto::{Config, Policy, Session, Side, TelnetOption};
//!
//! let policy = Policy::new().with_remote(TelnetOption::ECHO);
//! let mut client: Session = Session::new(Config::new().policy(policy));
//! let mut feed = client.feed(b"Password: \xff\xfb\x01"); // WILL ECHO
//! while feed.poll_event().is_some() {}
//! assert!(client.is_enabled(Side::Remote, TelnetOption::ECHO)); // stop echoing locally
//!
//! let mut feed = client.feed(b"\r\n\xff\xfc\x01"); // WONT ECHO
//! while feed.poll_event().is_some() {}
//! assert!(!client.is_enabled(Side::Remote, TelnetOption::ECHO));
//! ```

use crate::TelnetOption;

/// The option code, 1.
pub const OPTION: TelnetOption = TelnetOption::ECHO;
