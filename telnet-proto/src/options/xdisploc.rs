//! XDISPLOC, X Display Location (RFC 1096): where the client's X server is.
//!
//! ```notrust
//! RFC 1096, "Command Meanings":
//!   IAC SB X-DISPLAY-LOCATION SEND IAC SE            (SEND = 1)
//!   IAC SB X-DISPLAY-LOCATION IS <location> IAC SE   (IS = 0)
//!   <location> is NVT ASCII "host:dispnum[.screennum]".
//! ```
//!
//! The location is decoded as UTF-8 text and not checked further (a
//! `host:display` split is offered by [`DisplayLocation::parts`]). The
//! format is canonical.
//!
//! ```
//! use telnet_proto::options::{xdisploc::DisplayLocation, OptionPayload};
//!
//! let loc = DisplayLocation::decode(b"\x00sun:0.0")?;
//! assert_eq!(loc, DisplayLocation::Is("sun:0.0"));
//! assert_eq!(loc.parts(), Some(("sun", "0.0")));
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use super::{utf8, DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

/// An XDISPLOC subnegotiation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum DisplayLocation<'a> {
    /// `SEND`: the server asks for the location.
    Send,
    /// `IS <location>`: the client's answer, e.g. `"host:0.0"`.
    Is(&'a str),
}

impl<'a> DisplayLocation<'a> {
    /// For `IS`, the location split at its last `:` into host and
    /// `display[.screen]`; `None` for `SEND` or a location without `:`.
    pub fn parts(&self) -> Option<(&'a str, &'a str)> {
        match self {
            DisplayLocation::Send => None,
            DisplayLocation::Is(location) => location.rsplit_once(':'),
        }
    }
}

impl<'a> OptionPayload<'a> for DisplayLocation<'a> {
    const OPTION: TelnetOption = TelnetOption::XDISPLOC;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        match super::first(payload)? {
            0 => Ok(DisplayLocation::Is(utf8(&payload[1..], 1)?)),
            1 if payload.len() == 1 => Ok(DisplayLocation::Send),
            1 => Err(DecodeError::TrailingBytes { offset: 1 }),
            byte => Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        match self {
            DisplayLocation::Send => sink.put(&[1]),
            DisplayLocation::Is(location) => {
                sink.put(&[0]);
                sink.put(location.as_bytes());
            }
        }
    }
}
