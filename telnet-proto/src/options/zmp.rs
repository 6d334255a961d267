//! ZMP, the Zenith MUD Protocol (option 93): a command and its arguments
//! as NUL-terminated strings.
//!
//! ```notrust
//! IAC SB ZMP <command> NUL [ <argument> NUL ]* IAC SE
//!   The first string is the command ("zmp.ping", "zmp.check"); every
//!   string, the last one included, ends with a NUL byte.
//! ```
//!
//! [`Zmp`] holds the strings without copying them; [`Zmp::parts`] iterates
//! over them (the command first). A payload whose last string lacks its NUL
//! is [`DecodeError::MissingTerminator`]; an empty payload is
//! [`DecodeError::Truncated`]. The format is canonical.
//!
//! ```
//! use telnet_proto::options::{zmp::Zmp, OptionPayload};
//!
//! let msg = Zmp::decode(b"zmp.check\0color.define\0")?;
//! assert_eq!(msg.command(), b"zmp.check");
//! assert_eq!(msg.args().collect::<Vec<_>>(), [&b"color.define"[..]]);
//!
//! let ping = Zmp::new(&[b"zmp.ping"]).unwrap();
//! let mut buf = [0u8; 32];
//! let n = ping.encode(&mut buf).unwrap();
//! assert_eq!(&buf[..n], b"\xff\xfa\x5dzmp.ping\0\xff\xf0");
//!
//! assert!(Zmp::decode(b"zmp.ping").is_err()); // no final NUL
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

#[derive(Clone, Copy, Debug)]
enum Repr<'a> {
    /// A validated payload: non-empty, ends with NUL.
    Wire(&'a [u8]),
    /// Strings without NUL, at least one.
    Parts(&'a [&'a [u8]]),
}

/// A ZMP message: a command and its arguments.
#[derive(Clone, Copy, Debug)]
pub struct Zmp<'a>(Repr<'a>);

impl<'a> Zmp<'a> {
    /// A message from its strings, command first. `None` if there are no
    /// strings or one contains a NUL byte (which ZMP cannot carry).
    pub fn new(parts: &'a [&'a [u8]]) -> Option<Self> {
        if parts.is_empty() || parts.iter().any(|p| p.contains(&0)) {
            return None;
        }
        Some(Zmp(Repr::Parts(parts)))
    }

    /// The strings, command first, without their NUL bytes.
    pub fn parts(&self) -> Parts<'a> {
        Parts(match self.0 {
            Repr::Wire(payload) => PartsRepr::Wire(payload),
            Repr::Parts(parts) => PartsRepr::Parts(parts.iter()),
        })
    }

    /// The command (the first string).
    pub fn command(&self) -> &'a [u8] {
        // Both representations hold at least one string.
        self.parts().next().unwrap_or_default()
    }

    /// The arguments (the strings after the command).
    pub fn args(&self) -> Parts<'a> {
        let mut parts = self.parts();
        parts.next();
        parts
    }
}

impl PartialEq for Zmp<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.parts().eq(other.parts())
    }
}

impl Eq for Zmp<'_> {}

/// The strings of a [`Zmp`] message.
#[derive(Clone, Debug)]
pub struct Parts<'a>(PartsRepr<'a>);

#[derive(Clone, Debug)]
enum PartsRepr<'a> {
    Wire(&'a [u8]),
    Parts(core::slice::Iter<'a, &'a [u8]>),
}

impl<'a> Iterator for Parts<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        match &mut self.0 {
            PartsRepr::Wire(rest) => {
                // Validated: every string ends with a NUL.
                let end = rest.iter().position(|&b| b == 0)?;
                let part = &rest[..end];
                *rest = &rest[end + 1..];
                Some(part)
            }
            PartsRepr::Parts(iter) => iter.next().copied(),
        }
    }
}

impl<'a> OptionPayload<'a> for Zmp<'a> {
    const OPTION: TelnetOption = TelnetOption::ZMP;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        match payload.last() {
            None => Err(DecodeError::Truncated { offset: 0 }),
            Some(0) => Ok(Zmp(Repr::Wire(payload))),
            Some(_) => Err(DecodeError::MissingTerminator {
                offset: payload.len(),
            }),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        match self.0 {
            Repr::Wire(payload) => sink.put(payload),
            Repr::Parts(parts) => {
                for part in parts {
                    sink.put(part);
                    sink.put(&[0]);
                }
            }
        }
    }
}
