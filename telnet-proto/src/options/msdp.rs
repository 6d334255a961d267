//! MSDP, the MUD Server Data Protocol (option 69): named values, tables
//! and arrays, nested.
//!
//! ```notrust
//! VAR 1, VAL 2, TABLE_OPEN 3, TABLE_CLOSE 4, ARRAY_OPEN 5, ARRAY_CLOSE 6
//!   message := pair+
//!   pair    := VAR <name> ( VAL value )+
//!   value   := <bytes> | TABLE_OPEN pair* TABLE_CLOSE
//!                      | ARRAY_OPEN ( VAL value )* ARRAY_CLOSE
//!   Names and string values are any bytes but the six codes.
//!   IAC SB MSDP VAR "HEALTH" VAL "500" IAC SE
//!   IAC SB MSDP VAR "REPORT" VAL "HEALTH" VAL "MANA" IAC SE
//!   IAC SB MSDP VAR "ROOM" VAL TABLE_OPEN VAR "VNUM" VAL "6008"
//!       VAR "EXITS" VAL TABLE_OPEN VAR "n" VAL "6011" TABLE_CLOSE
//!       TABLE_CLOSE IAC SE
//! ```
//!
//! [`Msdp::decode`] checks the whole structure once (balanced, every VAR
//! with a value, nothing but values in arrays, at most [`MAX_DEPTH`]
//! levels); [`Msdp::tokens`] then walks it without allocating, and
//! [`Tokens::depth`] says how deep each token is. [`Builder`] writes a
//! message into a slice. The format is canonical: a message is kept as the
//! bytes it came in.
//!
//! ```
//! use telnet_proto::options::msdp::{Builder, Msdp, Token};
//! use telnet_proto::options::OptionPayload;
//!
//! let mut buf = [0u8; 64];
//! let mut b = Builder::new(&mut buf);
//! b.var(b"ROOM").table_open().var(b"VNUM").val(b"6008");
//! b.var(b"EXITS").array_open().val(b"n").val(b"e").array_close();
//! b.table_close();
//! let msg = b.finish().unwrap();
//!
//! let mut tokens = msg.tokens();
//! assert_eq!(tokens.next(), Some(Token::Var(b"ROOM")));
//! assert_eq!(tokens.next(), Some(Token::TableOpen));
//! assert_eq!(tokens.depth(), 1);
//! assert_eq!(tokens.next(), Some(Token::Var(b"VNUM")));
//! assert_eq!(tokens.next(), Some(Token::Val(b"6008")));
//! assert_eq!(tokens.count(), 6); // EXITS [ n e ] }
//!
//! // The same bytes, received.
//! let again = Msdp::decode(msg.payload())?;
//! assert_eq!(again, msg);
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use core::fmt;

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::encode::BufferTooSmall;
use crate::TelnetOption;

/// The VAR code (1).
pub const VAR: u8 = 1;
/// The VAL code (2).
pub const VAL: u8 = 2;
/// The TABLE_OPEN code (3).
pub const TABLE_OPEN: u8 = 3;
/// The TABLE_CLOSE code (4).
pub const TABLE_CLOSE: u8 = 4;
/// The ARRAY_OPEN code (5).
pub const ARRAY_OPEN: u8 = 5;
/// The ARRAY_CLOSE code (6).
pub const ARRAY_CLOSE: u8 = 6;

/// The deepest nesting of tables and arrays a message may have: 64.
pub const MAX_DEPTH: usize = 64;

/// One element of a message.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Token<'a> {
    /// `VAR <name>`.
    Var(&'a [u8]),
    /// `VAL <bytes>`: a string value.
    Val(&'a [u8]),
    /// `VAL TABLE_OPEN`: a table value begins.
    TableOpen,
    /// `TABLE_CLOSE`.
    TableClose,
    /// `VAL ARRAY_OPEN`: an array value begins.
    ArrayOpen,
    /// `ARRAY_CLOSE`.
    ArrayClose,
}

const fn is_code(byte: u8) -> bool {
    matches!(byte, VAR..=ARRAY_CLOSE)
}

/// The end of the string starting at `at`.
fn string_end(payload: &[u8], at: usize) -> usize {
    payload[at..]
        .iter()
        .position(|&b| is_code(b))
        .map_or(payload.len(), |i| at + i)
}

/// The token at `at` (which is inside `payload`) and where the next starts.
fn token(payload: &[u8], at: usize) -> Result<(Token<'_>, usize), DecodeError> {
    let byte = payload[at];
    let unexpected = |offset: usize| DecodeError::UnexpectedByte {
        offset,
        byte: payload[offset],
    };
    match byte {
        VAR => {
            let end = string_end(payload, at + 1);
            Ok((Token::Var(&payload[at + 1..end]), end))
        }
        VAL => match payload.get(at + 1) {
            Some(&TABLE_OPEN) => Ok((Token::TableOpen, at + 2)),
            Some(&ARRAY_OPEN) => Ok((Token::ArrayOpen, at + 2)),
            _ => {
                let end = string_end(payload, at + 1);
                Ok((Token::Val(&payload[at + 1..end]), end))
            }
        },
        TABLE_CLOSE => Ok((Token::TableClose, at + 1)),
        ARRAY_CLOSE => Ok((Token::ArrayClose, at + 1)),
        _ => Err(unexpected(at)),
    }
}

/// Checks the structure of a whole payload.
fn check(payload: &[u8]) -> Result<(), DecodeError> {
    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Expect {
        /// At the start of a table (or the message): a VAR or the close.
        Pair,
        /// After a VAR: a value.
        Value,
        /// After a value in a table: another value, a VAR or the close.
        More,
    }
    if payload.is_empty() {
        return Err(DecodeError::Truncated { offset: 0 });
    }
    // Bit i of `arrays` is set when level i + 1 is an array.
    let mut arrays: u64 = 0;
    let mut depth = 0usize;
    let mut expect = Expect::Pair;
    let mut at = 0;
    while at < payload.len() {
        let (tok, next) = token(payload, at)?;
        let in_array = depth > 0 && arrays & (1 << (depth - 1)) != 0;
        let unexpected = DecodeError::UnexpectedByte {
            offset: at,
            byte: payload[at],
        };
        match tok {
            Token::Var(_) if in_array || expect == Expect::Value => return Err(unexpected),
            Token::Var(_) => expect = Expect::Value,
            Token::Val(_) | Token::TableOpen | Token::ArrayOpen => {
                if !in_array && expect == Expect::Pair {
                    return Err(unexpected);
                }
                expect = Expect::More;
                if matches!(tok, Token::TableOpen | Token::ArrayOpen) {
                    if depth == MAX_DEPTH {
                        return Err(DecodeError::TooDeep { offset: at });
                    }
                    let array = tok == Token::ArrayOpen;
                    arrays = (arrays & !(1 << depth)) | (u64::from(array) << depth);
                    depth += 1;
                    expect = Expect::Pair;
                }
            }
            Token::TableClose if depth == 0 || in_array || expect == Expect::Value => {
                return Err(unexpected)
            }
            Token::ArrayClose if !in_array => return Err(unexpected),
            Token::TableClose | Token::ArrayClose => {
                depth -= 1;
                expect = Expect::More;
            }
        }
        at = next;
    }
    if depth > 0 {
        return Err(DecodeError::MissingTerminator { offset: at });
    }
    if expect == Expect::Value {
        return Err(DecodeError::Truncated { offset: at });
    }
    Ok(())
}

/// A checked MSDP message.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Msdp<'a> {
    payload: &'a [u8],
}

impl<'a> Msdp<'a> {
    /// The payload bytes.
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The tokens, in order.
    pub fn tokens(&self) -> Tokens<'a> {
        Tokens {
            payload: self.payload,
            at: 0,
            depth: 0,
        }
    }
}

impl fmt::Debug for Msdp<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.tokens()).finish()
    }
}

/// The tokens of an [`Msdp`] message.
#[derive(Clone, Debug)]
pub struct Tokens<'a> {
    payload: &'a [u8],
    at: usize,
    depth: usize,
}

impl Tokens<'_> {
    /// The nesting depth after the last token returned: 0 at the top
    /// level, 1 inside one table or array, ... (after a `TableOpen` it is
    /// the depth of the table's contents; after its `TableClose`, the
    /// depth of the table itself).
    pub fn depth(&self) -> usize {
        self.depth
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if self.at >= self.payload.len() {
            return None;
        }
        // The message was checked, so every position reached is a token.
        let (tok, next) = token(self.payload, self.at).ok()?;
        self.at = next;
        match tok {
            Token::TableOpen | Token::ArrayOpen => self.depth += 1,
            Token::TableClose | Token::ArrayClose => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        Some(tok)
    }
}

impl<'a> OptionPayload<'a> for Msdp<'a> {
    const OPTION: TelnetOption = TelnetOption::MSDP;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        check(payload)?;
        Ok(Msdp { payload })
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        sink.put(self.payload);
    }
}

/// Why [`Builder::finish`] failed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BuildError {
    /// The buffer was too small for the message.
    BufferTooSmall(BufferTooSmall),
    /// The calls did not make a well-formed message (a name or value
    /// holding one of the six codes, a VAR without a value, an unclosed
    /// table); the error is the one decoding the bytes gives.
    Invalid(DecodeError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::BufferTooSmall(e) => write!(f, "MSDP message: {e}"),
            BuildError::Invalid(e) => write!(f, "malformed MSDP message: {e}"),
        }
    }
}

impl core::error::Error for BuildError {}

/// Writes an MSDP message into a slice, element by element.
///
/// Each call appends while the message still fits; once something does
/// not fit, nothing more is written, and [`finish`](Self::finish) reports
/// the size the whole message needs. `finish` also checks the message, so
/// the calls cannot produce bytes that a peer would fail to decode.
#[derive(Debug)]
pub struct Builder<'b> {
    buf: &'b mut [u8],
    required: usize,
    /// The first name or value byte that is one of the six codes.
    invalid: Option<DecodeError>,
}

impl<'b> Builder<'b> {
    /// A builder writing at the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        Builder {
            buf,
            required: 0,
            invalid: None,
        }
    }

    fn push(&mut self, parts: &[&[u8]]) -> &mut Self {
        for part in parts {
            let end = self.required + part.len();
            if end <= self.buf.len() {
                self.buf[self.required..end].copy_from_slice(part);
            }
            self.required = end;
        }
        self
    }

    /// Notes a name or value that would be read as structure.
    fn check_text(&mut self, text: &[u8]) {
        if self.invalid.is_none() {
            if let Some(i) = text.iter().position(|&b| is_code(b)) {
                self.invalid = Some(DecodeError::UnexpectedByte {
                    offset: self.required + 1 + i,
                    byte: text[i],
                });
            }
        }
    }

    /// `VAR <name>`. A name holding one of the six codes makes
    /// [`finish`](Self::finish) fail.
    pub fn var(&mut self, name: &[u8]) -> &mut Self {
        self.check_text(name);
        self.push(&[&[VAR], name])
    }

    /// `VAL <value>`: a string value. A value holding one of the six codes
    /// makes [`finish`](Self::finish) fail.
    pub fn val(&mut self, value: &[u8]) -> &mut Self {
        self.check_text(value);
        self.push(&[&[VAL], value])
    }

    /// `VAL TABLE_OPEN`: a table value begins.
    pub fn table_open(&mut self) -> &mut Self {
        self.push(&[&[VAL, TABLE_OPEN]])
    }

    /// `TABLE_CLOSE`.
    pub fn table_close(&mut self) -> &mut Self {
        self.push(&[&[TABLE_CLOSE]])
    }

    /// `VAL ARRAY_OPEN`: an array value begins.
    pub fn array_open(&mut self) -> &mut Self {
        self.push(&[&[VAL, ARRAY_OPEN]])
    }

    /// `ARRAY_CLOSE`.
    pub fn array_close(&mut self) -> &mut Self {
        self.push(&[&[ARRAY_CLOSE]])
    }

    /// The size of the message so far.
    pub fn len(&self) -> usize {
        self.required
    }

    /// Whether nothing was added yet.
    pub fn is_empty(&self) -> bool {
        self.required == 0
    }

    /// The message, checked; or why there is none.
    pub fn finish(self) -> Result<Msdp<'b>, BuildError> {
        if self.required > self.buf.len() {
            return Err(BuildError::BufferTooSmall(BufferTooSmall {
                required: self.required,
                available: self.buf.len(),
            }));
        }
        if let Some(error) = self.invalid {
            return Err(BuildError::Invalid(error));
        }
        let payload: &'b [u8] = &self.buf[..self.required];
        Msdp::decode(payload).map_err(BuildError::Invalid)
    }
}
