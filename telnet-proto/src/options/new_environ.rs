//! NEW-ENVIRON, the Telnet Environment Option (RFC 1572): the client's
//! environment variables (`USER`, `DISPLAY`, ...) and user-defined ones.
//!
//! ```notrust
//! RFC 1572, "Command Names and Codes" and "Command Meanings":
//!   IS 0  SEND 1  INFO 2          VAR 0  VALUE 1  ESC 2  USERVAR 3
//!   IAC SB NEW-ENVIRON SEND [ type [ name ] ] ... IAC SE
//!     the server asks for variables; an empty list asks for all of
//!     them, a type without a name for all variables of that type
//!   IAC SB NEW-ENVIRON IS type name [ VALUE value ] ... IAC SE
//!     the client's answer; a name without VALUE is undefined, with an
//!     empty VALUE it is defined and empty
//!   IAC SB NEW-ENVIRON INFO type name [ VALUE value ] ... IAC SE
//!     the client's unsolicited update
//!   type is VAR or USERVAR. Inside a name or value, the bytes VAR,
//!   VALUE, ESC and USERVAR are sent preceded by ESC.
//! ```
//!
//! Decoding checks the whole list once; [`Environ::vars`] then iterates
//! over it without allocating or failing. Names and values are
//! [`EnvStr`]s that borrow the payload in its escaped form: compare them
//! with [`EnvStr::eq_bytes`], iterate over their bytes with
//! [`EnvStr::bytes`], or unescape them into a buffer of yours with
//! [`EnvStr::unescape_into`]. The format is canonical: a decoded message
//! encodes back to the same bytes.
//!
//! ```
//! use telnet_proto::options::new_environ::{EnvCommand, EnvStr, Environ, VarKind, Variable};
//! use telnet_proto::options::OptionPayload;
//!
//! // The server asks for everything; the client answers.
//! assert!(Environ::decode(&[1])?.is_send_all());
//! let vars = [
//!     Variable::new(VarKind::Var, b"USER", Some(b"alice")),
//!     Variable::new(VarKind::User, b"LANG", Some(b"C\x02UTF-8")),
//! ];
//! let answer = Environ::new(EnvCommand::Is, &vars);
//! let mut payload = [0u8; 64];
//! let n = answer.encode_payload(&mut payload).unwrap();
//! assert_eq!(&payload[..n], b"\x00\x00USER\x01alice\x03LANG\x01C\x02\x02UTF-8");
//!
//! // The server reads it back.
//! let received = Environ::decode(&payload[..n])?;
//! let mut buf = [0u8; 16];
//! for var in received.vars() {
//!     if var.name.eq_bytes(b"LANG") {
//!         let value = var.value.unwrap().unescape_into(&mut buf).unwrap();
//!         assert_eq!(value, b"C\x02UTF-8");
//!     }
//! }
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use core::fmt;

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::encode::BufferTooSmall;
use crate::TelnetOption;

/// The IS command code (0).
pub const IS: u8 = 0;
/// The SEND command code (1).
pub const SEND: u8 = 1;
/// The INFO command code (2).
pub const INFO: u8 = 2;
/// The VAR type code (0).
pub const VAR: u8 = 0;
/// The VALUE code (1).
pub const VALUE: u8 = 1;
/// The ESC code (2): the next byte is part of a name or value.
pub const ESC: u8 = 2;
/// The USERVAR type code (3).
pub const USERVAR: u8 = 3;

/// What a message does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum EnvCommand {
    /// `IS`: the answer to a SEND.
    Is,
    /// `SEND`: a request for variables.
    Send,
    /// `INFO`: an unsolicited update of variables that changed.
    Info,
}

impl EnvCommand {
    /// The command byte.
    pub const fn to_byte(self) -> u8 {
        match self {
            EnvCommand::Is => IS,
            EnvCommand::Send => SEND,
            EnvCommand::Info => INFO,
        }
    }
}

/// Which name space a variable is in.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum VarKind {
    /// `VAR`: a well-known variable (`USER`, `JOB`, `ACCT`, `PRINTER`,
    /// `SYSTEMTYPE`, `DISPLAY`).
    Var,
    /// `USERVAR`: any other variable.
    User,
}

/// The VAR and VALUE codes in use. RFC 1408 implementations disagree
/// about them (RFC 1571); NEW-ENVIRON always uses the standard ones.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub(crate) struct Codes {
    pub(crate) var: u8,
    pub(crate) value: u8,
}

impl Codes {
    pub(crate) const STANDARD: Codes = Codes {
        var: VAR,
        value: VALUE,
    };
    pub(crate) const REVERSED: Codes = Codes {
        var: VALUE,
        value: VAR,
    };
}

/// Whether `byte` must be escaped inside a name or value.
const fn special(byte: u8) -> bool {
    byte <= USERVAR
}

/// A variable name or value: borrowed, either as received (escaped with
/// ESC) or as given to be sent (plain).
///
/// Equality compares the unescaped bytes, so a received name equals the
/// plain name it spells.
#[derive(Clone, Copy)]
pub struct EnvStr<'a> {
    bytes: &'a [u8],
    escaped: bool,
}

impl<'a> EnvStr<'a> {
    /// A plain string to send; bytes that need it are escaped when it is
    /// encoded.
    pub const fn new(plain: &'a [u8]) -> Self {
        EnvStr {
            bytes: plain,
            escaped: false,
        }
    }

    /// A string as it appears in a payload, ESC bytes included. The caller
    /// guarantees that an ESC is never last (decoding checks this).
    pub(crate) const fn escaped(raw: &'a [u8]) -> Self {
        EnvStr {
            bytes: raw,
            escaped: true,
        }
    }

    /// The bytes as carried: escaped if received, plain if built with
    /// [`new`](Self::new).
    pub fn raw(&self) -> &'a [u8] {
        self.bytes
    }

    /// The bytes unescaped, without copying, when no unescaping is
    /// needed; `None` when the string contains an ESC.
    pub fn as_plain(&self) -> Option<&'a [u8]> {
        (!self.escaped || !self.bytes.contains(&ESC)).then_some(self.bytes)
    }

    /// The unescaped bytes, one at a time.
    pub fn bytes(&self) -> Bytes<'a> {
        Bytes {
            rest: self.bytes,
            escaped: self.escaped,
        }
    }

    /// The unescaped length.
    pub fn len(&self) -> usize {
        self.bytes().count()
    }

    /// Whether the string is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Whether the unescaped bytes are `other`.
    pub fn eq_bytes(&self, other: &[u8]) -> bool {
        self.bytes().eq(other.iter().copied())
    }

    /// Writes the unescaped bytes at the start of `buf` and returns them;
    /// if they do not fit, writes nothing and says how much room they
    /// need.
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], BufferTooSmall> {
        let required = self.len();
        if buf.len() < required {
            return Err(BufferTooSmall {
                required,
                available: buf.len(),
            });
        }
        for (slot, byte) in buf.iter_mut().zip(self.bytes()) {
            *slot = byte;
        }
        Ok(&buf[..required])
    }

    /// Writes the string escaped for the wire.
    fn write<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        if self.escaped {
            sink.put(self.bytes);
            return;
        }
        let mut start = 0;
        for (i, &byte) in self.bytes.iter().enumerate() {
            if special(byte) {
                sink.put(&self.bytes[start..i]);
                sink.put(&[ESC, byte]);
                start = i + 1;
            }
        }
        sink.put(&self.bytes[start..]);
    }
}

impl PartialEq for EnvStr<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.bytes().eq(other.bytes())
    }
}

impl Eq for EnvStr<'_> {}

impl fmt::Debug for EnvStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for byte in self.bytes() {
            write!(f, "{}", core::ascii::escape_default(byte))?;
        }
        f.write_str("\"")
    }
}

/// The unescaped bytes of an [`EnvStr`].
#[derive(Clone, Debug)]
pub struct Bytes<'a> {
    rest: &'a [u8],
    escaped: bool,
}

impl Iterator for Bytes<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        if self.escaped && first == ESC {
            // An ESC is never last in a decoded string.
            let (&byte, rest) = rest.split_first()?;
            self.rest = rest;
            return Some(byte);
        }
        self.rest = rest;
        Some(first)
    }
}

/// One variable of a message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Variable<'a> {
    /// `VAR` or `USERVAR`.
    pub kind: VarKind,
    /// The name; in a SEND, empty means every variable of this kind.
    pub name: EnvStr<'a>,
    /// The value: `None` when the variable is undefined (IS, INFO) and
    /// always in a SEND.
    pub value: Option<EnvStr<'a>>,
}

impl<'a> Variable<'a> {
    /// A variable from plain bytes.
    pub const fn new(kind: VarKind, name: &'a [u8], value: Option<&'a [u8]>) -> Self {
        Variable {
            kind,
            name: EnvStr::new(name),
            value: match value {
                Some(value) => Some(EnvStr::new(value)),
                None => None,
            },
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Repr<'a> {
    /// The list part of a checked payload.
    Wire(&'a [u8]),
    /// Variables to send.
    List(&'a [Variable<'a>]),
}

/// A NEW-ENVIRON message (and, through [`environ`](super::environ), an
/// OLD-ENVIRON one).
#[derive(Clone, Copy, Debug)]
pub struct Environ<'a> {
    /// IS, SEND or INFO.
    pub command: EnvCommand,
    vars: Repr<'a>,
    codes: Codes,
}

impl<'a> Environ<'a> {
    /// A message with these variables. In a SEND only the kinds and
    /// names are written, never values.
    pub const fn new(command: EnvCommand, vars: &'a [Variable<'a>]) -> Self {
        Environ {
            command,
            vars: Repr::List(vars),
            codes: Codes::STANDARD,
        }
    }

    /// An empty SEND: "send me all your variables".
    pub const fn send_all() -> Self {
        Environ::new(EnvCommand::Send, &[])
    }

    /// Whether this is a SEND with an empty list: everything is asked for.
    pub fn is_send_all(&self) -> bool {
        self.command == EnvCommand::Send && self.vars().next().is_none()
    }

    /// The variables, in order.
    pub fn vars(&self) -> Vars<'a> {
        Vars {
            repr: match self.vars {
                Repr::Wire(list) => VarsRepr::Wire(list),
                Repr::List(vars) => VarsRepr::List(vars.iter()),
            },
            codes: self.codes,
            send: self.command == EnvCommand::Send,
        }
    }

    /// Whether VAR and VALUE have their codes swapped (only for
    /// OLD-ENVIRON; see [`environ`](super::environ)).
    pub fn is_reversed(&self) -> bool {
        self.codes == Codes::REVERSED
    }

    /// This message, to be written with VAR and VALUE swapped (`true`) or
    /// standard (`false`). Only for OLD-ENVIRON peers that need it.
    #[must_use]
    pub fn with_reversed(mut self, reversed: bool) -> Self {
        self.codes = if reversed {
            Codes::REVERSED
        } else {
            Codes::STANDARD
        };
        self
    }

    /// Checks `payload` under `codes`.
    pub(crate) fn decode_with(payload: &'a [u8], codes: Codes) -> Result<Self, DecodeError> {
        let command = match super::first(payload)? {
            IS => EnvCommand::Is,
            SEND => EnvCommand::Send,
            INFO => EnvCommand::Info,
            byte => return Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        };
        check(payload, codes, command == EnvCommand::Send)?;
        Ok(Environ {
            command,
            vars: Repr::Wire(&payload[1..]),
            codes,
        })
    }

    pub(crate) fn write<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        sink.put(&[self.command.to_byte()]);
        let send = self.command == EnvCommand::Send;
        for var in self.vars() {
            let kind = match var.kind {
                VarKind::Var => self.codes.var,
                VarKind::User => USERVAR,
            };
            sink.put(&[kind]);
            var.name.write(sink);
            if let (Some(value), false) = (var.value, send) {
                sink.put(&[self.codes.value]);
                value.write(sink);
            }
        }
    }
}

impl PartialEq for Environ<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.command == other.command && self.vars().eq(other.vars())
    }
}

impl Eq for Environ<'_> {}

/// Where a name or value that starts at `at` ends: the next unescaped
/// type or VALUE byte, or the end. An ESC at the very end is an error.
fn string_end(payload: &[u8], mut at: usize) -> Result<usize, DecodeError> {
    while let Some(&byte) = payload.get(at) {
        match byte {
            ESC if at + 1 == payload.len() => {
                return Err(DecodeError::Truncated {
                    offset: payload.len(),
                })
            }
            ESC => at += 2,
            VAR | VALUE | USERVAR => return Ok(at),
            _ => at += 1,
        }
    }
    Ok(at)
}

/// Checks the list after the command byte.
fn check(payload: &[u8], codes: Codes, send: bool) -> Result<(), DecodeError> {
    let mut at = 1;
    while let Some(&kind) = payload.get(at) {
        if kind != codes.var && kind != USERVAR {
            return Err(DecodeError::UnexpectedByte {
                offset: at,
                byte: kind,
            });
        }
        at = string_end(payload, at + 1)?;
        if payload.get(at) == Some(&codes.value) {
            if send {
                return Err(DecodeError::UnexpectedByte {
                    offset: at,
                    byte: codes.value,
                });
            }
            at = string_end(payload, at + 1)?;
        }
    }
    Ok(())
}

/// The variables of an [`Environ`] message.
#[derive(Clone, Debug)]
pub struct Vars<'a> {
    repr: VarsRepr<'a>,
    codes: Codes,
    send: bool,
}

#[derive(Clone, Debug)]
enum VarsRepr<'a> {
    Wire(&'a [u8]),
    List(core::slice::Iter<'a, Variable<'a>>),
}

impl<'a> Iterator for Vars<'a> {
    type Item = Variable<'a>;

    fn next(&mut self) -> Option<Variable<'a>> {
        let rest = match &mut self.repr {
            VarsRepr::List(iter) => {
                let var = *iter.next()?;
                return Some(if self.send {
                    Variable { value: None, ..var }
                } else {
                    var
                });
            }
            VarsRepr::Wire(rest) => rest,
        };
        // The list was checked when decoded: each variable starts with a
        // type byte and no string ends in an ESC, so `string_end` cannot
        // fail here.
        let (&kind, _) = rest.split_first()?;
        let kind = if kind == USERVAR {
            VarKind::User
        } else {
            VarKind::Var
        };
        let name_end = string_end(rest, 1).ok()?;
        let name = EnvStr::escaped(&rest[1..name_end]);
        let (value, end) = if rest.get(name_end) == Some(&self.codes.value) {
            let value_end = string_end(rest, name_end + 1).ok()?;
            (
                Some(EnvStr::escaped(&rest[name_end + 1..value_end])),
                value_end,
            )
        } else {
            (None, name_end)
        };
        *rest = &rest[end..];
        Some(Variable { kind, name, value })
    }
}

impl<'a> OptionPayload<'a> for Environ<'a> {
    const OPTION: TelnetOption = TelnetOption::NEW_ENVIRON;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        Environ::decode_with(payload, Codes::STANDARD)
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        self.write(sink);
    }
}
