//! TTYPE, Terminal Type (RFC 1091), with the MUD Terminal Type Standard
//! (MTTS) that MUD clients speak over it.
//!
//! ```notrust
//! RFC 1091, "Command Meanings":
//!   IAC SB TERMINAL-TYPE SEND IAC SE        (SEND = 1) from the server
//!   IAC SB TERMINAL-TYPE IS <name> IAC SE   (IS = 0) from the client
//!   Each SEND is answered with the client's next terminal type; after
//!   the last one the client sends the last type again, and a further
//!   SEND starts the list over. Names are NVT ASCII, case-insensitive,
//!   at most 40 characters.
//! ```
//!
//! [`TerminalType`] is the payload. [`Cycle`] is the server's side of the
//! list: it says when to ask again and stops when a name repeats, and it
//! reads MTTS (`"MTTS 271"`, see [`Mtts`]). [`Answers`] is the client's
//! side: the next name for each SEND.
//!
//! Names are decoded as UTF-8 (a non-UTF-8 name is
//! [`DecodeError::InvalidUtf8`]) and not limited to 40 bytes. The format is
//! canonical.
//!
//! ```
//! use telnet_proto::options::ttype::{Cycle, Mtts, Next, TerminalType};
//! use telnet_proto::options::OptionPayload;
//!
//! // The server asks; tintin++ answers three names, then repeats the last.
//! let mut cycle = Cycle::new();
//! for payload in [&b"\x00TINTIN++"[..], b"\x00xterm", b"\x00MTTS 271"] {
//!     let TerminalType::Is(name) = TerminalType::decode(payload)? else { unreachable!() };
//!     assert_eq!(cycle.handle_is(name), Next::SendAgain);
//! }
//! assert_eq!(cycle.handle_is("MTTS 271"), Next::Done);
//! assert_eq!(cycle.first(), Some("TINTIN++"));
//! let mtts = cycle.mtts().unwrap();
//! assert!(mtts.contains(Mtts::ANSI | Mtts::UTF8 | Mtts::COLORS_256 | Mtts::TRUECOLOR));
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use core::fmt;

use super::{utf8, DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

/// The IS subcommand code (0).
pub const IS: u8 = 0;
/// The SEND subcommand code (1).
pub const SEND: u8 = 1;

/// A TTYPE subnegotiation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TerminalType<'a> {
    /// `SEND`: the server asks for the (next) terminal type.
    Send,
    /// `IS <name>`: the client's answer.
    Is(&'a str),
}

impl<'a> OptionPayload<'a> for TerminalType<'a> {
    const OPTION: TelnetOption = TelnetOption::TTYPE;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        match super::first(payload)? {
            IS => Ok(TerminalType::Is(utf8(&payload[1..], 1)?)),
            SEND if payload.len() == 1 => Ok(TerminalType::Send),
            SEND => Err(DecodeError::TrailingBytes { offset: 1 }),
            byte => Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        match self {
            TerminalType::Send => sink.put(&[SEND]),
            TerminalType::Is(name) => {
                sink.put(&[IS]);
                sink.put(name.as_bytes());
            }
        }
    }
}

/// MTTS bit flags: what a MUD client announces with a terminal type of
/// `"MTTS <n>"` (the MUD Terminal Type Standard).
///
/// ```
/// use telnet_proto::options::ttype::Mtts;
///
/// let mtts = Mtts::parse("MTTS 271").unwrap();
/// assert_eq!(mtts, Mtts::ANSI | Mtts::VT100 | Mtts::UTF8 | Mtts::COLORS_256 | Mtts::TRUECOLOR);
/// assert_eq!(mtts.to_string(), "MTTS 271");
/// assert_eq!(Mtts::parse("xterm"), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Mtts(pub u32);

impl Mtts {
    /// 1: ANSI colour codes.
    pub const ANSI: Mtts = Mtts(1);
    /// 2: VT100 codes.
    pub const VT100: Mtts = Mtts(2);
    /// 4: UTF-8 text.
    pub const UTF8: Mtts = Mtts(4);
    /// 8: 256 colours.
    pub const COLORS_256: Mtts = Mtts(8);
    /// 16: mouse tracking.
    pub const MOUSE_TRACKING: Mtts = Mtts(16);
    /// 32: OSC colour palette.
    pub const OSC_COLOR_PALETTE: Mtts = Mtts(32);
    /// 64: the client is used with a screen reader.
    pub const SCREEN_READER: Mtts = Mtts(64);
    /// 128: the client is a proxy.
    pub const PROXY: Mtts = Mtts(128);
    /// 256: 24-bit colour.
    pub const TRUECOLOR: Mtts = Mtts(256);
    /// 512: the MUD New-Environ Standard.
    pub const MNES: Mtts = Mtts(512);
    /// 1024: the MUD Server Link Protocol.
    pub const MSLP: Mtts = Mtts(1024);
    /// 2048: the connection is encrypted (TLS).
    pub const SSL: Mtts = Mtts(2048);

    /// The flags of a terminal type `"MTTS <decimal>"` (the prefix in any
    /// case), or `None` for any other name.
    pub fn parse(name: &str) -> Option<Mtts> {
        let (prefix, digits) = name.split_at_checked(5)?;
        if !prefix.eq_ignore_ascii_case("MTTS ") || digits.is_empty() {
            return None;
        }
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(Mtts)
    }

    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: Mtts) -> bool {
        self.0 & other.0 == other.0
    }

    /// `"MTTS <n>"` written into `buf`, for a client's answer without
    /// allocating.
    pub fn write_name(self, buf: &mut [u8; 15]) -> &str {
        let mut digits = [0u8; 10];
        let mut n = self.0;
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let len = 5 + digits.len() - i;
        buf[..5].copy_from_slice(b"MTTS ");
        buf[5..len].copy_from_slice(&digits[i..]);
        // ASCII by construction.
        core::str::from_utf8(&buf[..len]).unwrap_or("MTTS 0")
    }
}

impl core::ops::BitOr for Mtts {
    type Output = Mtts;
    fn bitor(self, other: Mtts) -> Mtts {
        Mtts(self.0 | other.0)
    }
}

impl fmt::Display for Mtts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.write_name(&mut [0; 15]))
    }
}

/// What a [`Cycle`] wants after an answer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Next {
    /// Send `SEND` again: the client may have more names.
    SendAgain,
    /// The list is complete: ask no more.
    Done,
}

/// The longest name a [`Cycle`] compares in full; longer names are compared
/// by this many bytes and their length.
pub const MAX_NAME: usize = 64;

/// How many answers a [`Cycle`] takes at most before it stops asking, so
/// that a client that never repeats cannot keep the server asking forever.
pub const MAX_ANSWERS: usize = 16;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
struct Name {
    bytes: [u8; MAX_NAME],
    len: usize,
}

impl Name {
    fn new(name: &str) -> Name {
        let mut stored = Name {
            bytes: [0; MAX_NAME],
            len: name.len(),
        };
        let keep = name.len().min(MAX_NAME);
        stored.bytes[..keep].copy_from_slice(&name.as_bytes()[..keep]);
        stored
    }

    fn kept(&self) -> &[u8] {
        &self.bytes[..self.len.min(MAX_NAME)]
    }

    /// RFC 1091: names are compared without regard to case.
    fn same(&self, other: &Name) -> bool {
        self.len == other.len && self.kept().eq_ignore_ascii_case(other.kept())
    }
}

/// The server's side of terminal-type cycling (RFC 1091 with MTTS).
///
/// Send `SEND` once the client's TTYPE is on (the
/// [`Event::Negotiation`](crate::Event::Negotiation) for the client's
/// `WILL TTYPE` has `changed: Some(true)`), give every `IS` name to
/// [`handle_is`](Self::handle_is), and send `SEND` again while it answers
/// [`Next::SendAgain`]. It stops when a name repeats (the previous one, as
/// RFC 1091 has the client signal the end, or the first one, for clients
/// that start over) or after [`MAX_ANSWERS`] answers.
///
/// The first name is the client's preferred type; an `"MTTS <n>"` name
/// anywhere in the list gives [`mtts`](Self::mtts).
#[derive(Clone, Debug, Default)]
pub struct Cycle {
    first: Option<Name>,
    last: Option<Name>,
    answers: usize,
    mtts: Option<Mtts>,
    done: bool,
}

impl Cycle {
    /// A cycle that has not heard an answer yet.
    pub const fn new() -> Self {
        Cycle {
            first: None,
            last: None,
            answers: 0,
            mtts: None,
            done: false,
        }
    }

    /// Takes the client's next `IS` name.
    pub fn handle_is(&mut self, name: &str) -> Next {
        if self.done {
            return Next::Done;
        }
        self.answers += 1;
        let stored = Name::new(name);
        let repeated = self.last.as_ref().is_some_and(|last| last.same(&stored))
            || self.first.as_ref().is_some_and(|first| first.same(&stored));
        if let Some(mtts) = Mtts::parse(name) {
            self.mtts = Some(mtts);
        }
        if self.first.is_none() {
            self.first = Some(stored);
        }
        self.last = Some(stored);
        if repeated || self.answers >= MAX_ANSWERS {
            self.done = true;
            return Next::Done;
        }
        Next::SendAgain
    }

    /// Whether the cycle is over.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// The number of answers taken.
    pub fn answers(&self) -> usize {
        self.answers
    }

    /// The first name the client gave: its preferred terminal type. A name
    /// longer than [`MAX_NAME`] bytes is cut there (at a character
    /// boundary).
    pub fn first(&self) -> Option<&str> {
        self.first.as_ref().map(|name| {
            let kept = name.kept();
            match core::str::from_utf8(kept) {
                Ok(s) => s,
                // Cut inside a character: up to the last whole one.
                Err(e) => core::str::from_utf8(&kept[..e.valid_up_to()]).unwrap_or(""),
            }
        })
    }

    /// The MTTS flags the client announced, if it did.
    pub fn mtts(&self) -> Option<Mtts> {
        self.mtts
    }
}

/// The client's side: which name to answer each `SEND` with.
///
/// Gives the names in order, then the last one again (which tells the
/// server the list is over), and after that starts over (RFC 1091).
///
/// ```
/// use telnet_proto::options::ttype::Answers;
///
/// let mut answers = Answers::new(&["TINTIN++", "xterm", "MTTS 271"]);
/// let said: Vec<_> = (0..5).map(|_| answers.next_name()).collect();
/// assert_eq!(said, ["TINTIN++", "xterm", "MTTS 271", "MTTS 271", "TINTIN++"]);
/// ```
#[derive(Clone, Debug)]
pub struct Answers<'n> {
    names: &'n [&'n str],
    next: usize,
}

impl<'n> Answers<'n> {
    /// Answers from `names`, most preferred first. With no names the
    /// answer is `"UNKNOWN"`.
    pub const fn new(names: &'n [&'n str]) -> Self {
        Answers { names, next: 0 }
    }

    /// The name for the next `SEND`.
    pub fn next_name(&mut self) -> &'n str {
        let Some(last) = self.names.len().checked_sub(1) else {
            return "UNKNOWN";
        };
        // A round is every name, then the last one once more.
        let at = self.next;
        self.next = (at + 1) % (self.names.len() + 1);
        self.names[at.min(last)]
    }
}
