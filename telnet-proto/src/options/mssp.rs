//! MSSP, the MUD Server Status Protocol (option 70): a server's name,
//! player count and other facts for MUD listing sites.
//!
//! ```notrust
//! MSSP_VAR 1, MSSP_VAL 2
//!   IAC SB MSSP VAR "NAME" VAL "Example MUD" VAR "PLAYERS" VAL "52"
//!       VAR "CODEBASE" VAL "Merc" VAL "Diku" IAC SE
//!   A variable may have several values (one VAL each). Names and values
//!   are any bytes but VAR, VAL, NUL and IAC.
//! ```
//!
//! [`Mssp::vars`] iterates over the variables, and each variable's
//! [`values`](Variable::values) over its values, without allocating. An
//! empty payload, a VAR without a value, or a first byte that is not VAR
//! is an error. The format is canonical.
//!
//! ```
//! use telnet_proto::options::mssp::{Entry, Mssp};
//! use telnet_proto::options::OptionPayload;
//!
//! let entries = [
//!     Entry::new(b"NAME", &[b"Example MUD"]),
//!     Entry::new(b"CODEBASE", &[b"Merc", b"Diku"]),
//! ];
//! let mut payload = [0u8; 64];
//! let n = Mssp::new(&entries).encode_payload(&mut payload).unwrap();
//! assert_eq!(&payload[..n], b"\x01NAME\x02Example MUD\x01CODEBASE\x02Merc\x02Diku");
//!
//! let received = Mssp::decode(&payload[..n])?;
//! let codebase = received.vars().find(|v| v.name == b"CODEBASE").unwrap();
//! assert_eq!(codebase.values().collect::<Vec<_>>(), [&b"Merc"[..], b"Diku"]);
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

/// The MSSP_VAR code (1).
pub const VAR: u8 = 1;
/// The MSSP_VAL code (2).
pub const VAL: u8 = 2;

/// A variable to send: a name and its values.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Entry<'a> {
    /// The name (`NAME`, `PLAYERS`, `UPTIME`, ...).
    pub name: &'a [u8],
    /// The values, at least one.
    pub values: &'a [&'a [u8]],
}

impl<'a> Entry<'a> {
    /// A variable with these values.
    pub const fn new(name: &'a [u8], values: &'a [&'a [u8]]) -> Self {
        Entry { name, values }
    }
}

#[derive(Clone, Copy, Debug)]
enum Repr<'a> {
    Wire(&'a [u8]),
    List(&'a [Entry<'a>]),
}

/// An MSSP message.
#[derive(Clone, Copy, Debug)]
pub struct Mssp<'a>(Repr<'a>);

impl<'a> Mssp<'a> {
    /// A message with these variables. Names and values must not contain
    /// VAR or VAL bytes, and each entry needs a value, or the peer cannot
    /// decode the message.
    pub const fn new(entries: &'a [Entry<'a>]) -> Self {
        Mssp(Repr::List(entries))
    }

    /// The variables, in order.
    pub fn vars(&self) -> Vars<'a> {
        Vars(self.0)
    }
}

impl PartialEq for Mssp<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.vars().eq(other.vars())
    }
}

impl Eq for Mssp<'_> {}

/// A variable of a message.
#[derive(Clone, Copy, Debug)]
pub struct Variable<'a> {
    /// The name.
    pub name: &'a [u8],
    values: Repr<'a>,
}

impl<'a> Variable<'a> {
    /// The values, in order (at least one).
    pub fn values(&self) -> Values<'a> {
        Values(match self.values {
            Repr::Wire(values) => ValuesRepr::Wire(values),
            Repr::List(entries) => {
                ValuesRepr::List(entries.first().map_or(&[][..], |e| e.values).iter())
            }
        })
    }

    /// The first value.
    pub fn value(&self) -> &'a [u8] {
        self.values().next().unwrap_or_default()
    }
}

impl PartialEq for Variable<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.values().eq(other.values())
    }
}

impl Eq for Variable<'_> {}

/// The values of a [`Variable`].
#[derive(Clone, Debug)]
pub struct Values<'a>(ValuesRepr<'a>);

#[derive(Clone, Debug)]
enum ValuesRepr<'a> {
    /// `VAL a VAL b ...`, up to the next VAR.
    Wire(&'a [u8]),
    List(core::slice::Iter<'a, &'a [u8]>),
}

impl<'a> Iterator for Values<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        match &mut self.0 {
            ValuesRepr::Wire(rest) => {
                let body = rest.strip_prefix(&[VAL])?;
                let end = body.iter().position(|&b| b == VAL).unwrap_or(body.len());
                *rest = &body[end..];
                Some(&body[..end])
            }
            ValuesRepr::List(iter) => iter.next().copied(),
        }
    }
}

/// The variables of an [`Mssp`] message.
#[derive(Clone, Debug)]
pub struct Vars<'a>(Repr<'a>);

impl<'a> Iterator for Vars<'a> {
    type Item = Variable<'a>;

    fn next(&mut self) -> Option<Variable<'a>> {
        match &mut self.0 {
            Repr::Wire(rest) => {
                // Checked: starts with VAR, each VAR has a VAL.
                let body = rest.strip_prefix(&[VAR])?;
                let name_end = body.iter().position(|&b| b == VAL)?;
                let values_end = body.iter().position(|&b| b == VAR).unwrap_or(body.len());
                let var = Variable {
                    name: &body[..name_end],
                    values: Repr::Wire(&body[name_end..values_end]),
                };
                *rest = &body[values_end..];
                Some(var)
            }
            Repr::List(entries) => {
                let (first, tail) = entries.split_first()?;
                let var = Variable {
                    name: first.name,
                    values: Repr::List(core::slice::from_ref(first)),
                };
                *entries = tail;
                Some(var)
            }
        }
    }
}

impl<'a> OptionPayload<'a> for Mssp<'a> {
    const OPTION: TelnetOption = TelnetOption::MSSP;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        match super::first(payload)? {
            VAR => {}
            byte => return Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        }
        // Each VAR must be followed by a name and at least one VAL.
        let mut after_var = false;
        for (i, &byte) in payload.iter().enumerate() {
            match byte {
                VAR if after_var => return Err(DecodeError::UnexpectedByte { offset: i, byte }),
                VAR => after_var = true,
                VAL => after_var = false,
                _ => {}
            }
        }
        if after_var {
            return Err(DecodeError::Truncated {
                offset: payload.len(),
            });
        }
        Ok(Mssp(Repr::Wire(payload)))
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        for var in self.vars() {
            sink.put(&[VAR]);
            sink.put(var.name);
            for value in var.values() {
                sink.put(&[VAL]);
                sink.put(value);
            }
        }
    }
}
