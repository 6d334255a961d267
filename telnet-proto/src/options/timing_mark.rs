//! TIMING-MARK (RFC 860): "have you processed everything I sent?", asked
//! with `DO TIMING-MARK` and answered in order with the data.
//!
//! ```notrust
//! RFC 860, section 2 and 5:
//!   IAC DO TIMING-MARK   asks the receiver to answer once it has
//!                        processed the data before it
//!   IAC WILL TIMING-MARK the answer (or WONT, if the receiver does not
//!                        support the option); neither turns anything
//!                        on: the option has no state and no
//!                        subnegotiation.
//! ```
//!
//! The core does this itself; this module only documents it. A received
//! `DO TIMING-MARK` gets a `reply` in its [`Event::Negotiation`]: `WILL`
//! if the policy allows TIMING-MARK on our side, `WONT` otherwise, in
//! order with the surrounding data, and every time (it is never "already
//! on"). Its `changed` is always `None` and
//! [`Session::is_enabled`](crate::Session::is_enabled) stays `false`.
//! [`Session::enable`](crate::Session::enable) for the remote side returns
//! `DO TIMING-MARK` on every call, so each call asks for a new mark; the
//! peer's answer arrives as an [`Event::Negotiation`].
//!
//! ```
//! use telnet_proto::{Config, Event, Negotiation, Policy, Session, Side, TelnetOption, Verb};
//!
//! let policy = Policy::new().with_local(TelnetOption::TIMING_MARK);
//! let mut session: Session = Session::new(Config::new().policy(policy));
//! let mut replies = Vec::new();
//! for _ in 0..2 {
//!     let mut feed = session.feed(b"\xff\xfd\x06");
//!     while let Some(event) = feed.poll_event() {
//!         if let Event::Negotiation { reply, changed, .. } = event {
//!             replies.extend(reply);
//!             assert_eq!(changed, None);
//!         }
//!     }
//! }
//! let will = Negotiation::new(Verb::Will, TelnetOption::TIMING_MARK);
//! assert_eq!(replies, [will, will]); // answered each time
//! assert!(!session.is_enabled(Side::Local, TelnetOption::TIMING_MARK));
//!
//! // Asking for a mark twice sends DO twice.
//! let ask = Negotiation::new(Verb::Do, TelnetOption::TIMING_MARK);
//! assert_eq!(session.enable(Side::Remote, TelnetOption::TIMING_MARK), Some(ask));
//! assert_eq!(session.enable(Side::Remote, TelnetOption::TIMING_MARK), Some(ask));
//! ```
//!
//! [`Event::Negotiation`]: crate::Event::Negotiation

use crate::TelnetOption;

/// The option code, 6.
pub const OPTION: TelnetOption = TelnetOption::TIMING_MARK;
