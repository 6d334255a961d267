//! OLD-ENVIRON, the first Telnet Environment Option (RFC 1408), read
//! with the interoperability heuristics of RFC 1571.
//!
//! The format is that of [`new_environ`](super::new_environ) (IS, SEND,
//! INFO; VAR, VALUE, ESC, USERVAR), under option 36. RFC 1408 gives VAR the
//! code 0 and VALUE the code 1, but the BSD implementation it documented
//! uses them the other way round, and many peers followed BSD:
//!
//! ```notrust
//! RFC 1571, section 2 and 5 (summarised):
//!   a SEND that contains VALUE codes comes from a reversed server;
//!   an IS/INFO that starts with VALUE comes from a reversed client;
//!   otherwise assume the codes of the RFC.
//! ```
//!
//! [`OldEnviron::decode`] reads the payload with the RFC's codes and, if
//! it is malformed that way but well formed with VAR and VALUE swapped,
//! with the swapped codes; [`Environ::is_reversed`] says which. This is a
//! guess, as in RFC 1571: a payload that is well formed both ways (`IS
//! USERVAR VAR`, say) is read with the RFC's codes. Answer a
//! reversed peer in its own dialect with [`Environ::with_reversed`]. A
//! decoded message encodes back to the same bytes in the dialect it was
//! read in.
//!
//! ```
//! use telnet_proto::options::environ::OldEnviron;
//! use telnet_proto::options::OptionPayload;
//!
//! // A BSD-style client: VAR is 1 and VALUE is 0.
//! let msg = OldEnviron::decode(b"\x00\x01USER\x00bob")?;
//! assert!(msg.0.is_reversed());
//! let var = msg.0.vars().next().unwrap();
//! assert!(var.name.eq_bytes(b"USER") && var.value.unwrap().eq_bytes(b"bob"));
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```
//!
//! [`Environ::is_reversed`]: super::new_environ::Environ::is_reversed
//! [`Environ::with_reversed`]: super::new_environ::Environ::with_reversed

use super::new_environ::{Codes, Environ};
use super::{DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

/// An OLD-ENVIRON message: an [`Environ`] under option 36.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OldEnviron<'a>(pub Environ<'a>);

impl<'a> OptionPayload<'a> for OldEnviron<'a> {
    const OPTION: TelnetOption = TelnetOption::OLD_ENVIRON;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        match Environ::decode_with(payload, Codes::STANDARD) {
            Ok(message) => Ok(OldEnviron(message)),
            Err(error) => Environ::decode_with(payload, Codes::REVERSED)
                .map(OldEnviron)
                .map_err(|_| error),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        self.0.write(sink);
    }
}
