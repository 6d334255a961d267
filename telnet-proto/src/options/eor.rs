//! EOR, End of Record (RFC 885): the `IAC EOR` command marks the end of a
//! record, and MUD servers use it to mark the end of a prompt.
//!
//! ```notrust
//! RFC 885, section 2:
//!   IAC WILL END-OF-RECORD / IAC DO END-OF-RECORD: the sender of WILL may
//!   send the EOR mark (IAC EOR, 239) once the DO is received; without the
//!   option, EOR marks must not be sent. The option has no
//!   subnegotiation.
//! ```
//!
//! [`Session::encode_end_of_record`] writes `IAC EOR` only while EOR is on
//! for our side, and writes nothing (returning `Ok(0)`) otherwise, so a
//! server may call it after every prompt. A received `IAC EOR` is
//! [`Command::EndOfRecord`](crate::Command::EndOfRecord).
//!
//! ```
//! use telnet_proto::{Config, Policy, Session, Side, TelnetOption};
//!
//! let policy = Policy::new().with_local(TelnetOption::EOR);
//! let mut server: Session = Session::new(Config::new().policy(policy));
//! let mut buf = [0u8; 2];
//! assert_eq!(server.encode_end_of_record(&mut buf), Ok(0)); // not yet on
//!
//! let mut feed = server.feed(b"\xff\xfd\x19"); // DO EOR
//! while feed.poll_event().is_some() {}
//! assert_eq!(server.encode_end_of_record(&mut buf), Ok(2));
//! assert_eq!(buf, [255, 239]);
//! ```
//!
//! [`Session::encode_end_of_record`]: crate::Session::encode_end_of_record

use crate::TelnetOption;

/// The option code, 25.
pub const OPTION: TelnetOption = TelnetOption::EOR;
