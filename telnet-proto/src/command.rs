//! Two-byte commands ([`Command`]) and three-byte negotiations ([`Negotiation`]).

use core::fmt;

use crate::consts;
use crate::{Side, TelnetOption};

/// A two-byte Telnet command, `IAC <code>`, that is neither a negotiation
/// nor a subnegotiation.
///
/// The thirteen codes of RFC 854, RFC 885 and RFC 1184 have their own
/// variants; any other byte after `IAC` (including a stray `SE`, and every
/// value below 236) is reported as [`Command::Unknown`] so that nothing the
/// peer sent disappears.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Command {
    /// NOP (241): no operation.
    Nop,
    /// DM (242): Data Mark, the end of a Synch.
    DataMark,
    /// BRK (243): Break.
    Break,
    /// IP (244): Interrupt Process.
    InterruptProcess,
    /// AO (245): Abort Output.
    AbortOutput,
    /// AYT (246): Are You There.
    AreYouThere,
    /// EC (247): Erase Character.
    EraseCharacter,
    /// EL (248): Erase Line.
    EraseLine,
    /// GA (249): Go Ahead.
    GoAhead,
    /// EOR (239): End Of Record (RFC 885).
    EndOfRecord,
    /// EOF (236): End Of File (RFC 1184).
    EndOfFile,
    /// SUSP (237): Suspend (RFC 1184).
    Suspend,
    /// ABORT (238): Abort (RFC 1184).
    Abort,
    /// Any other byte after `IAC`: a stray `SE` (240) or a code no RFC
    /// defines. Never `IAC`, `SB` or a negotiation verb (250 to 255) from
    /// the parser; one built with such a code is not a command
    /// ([`is_valid`](Command::is_valid) is false) and the encoders refuse
    /// it, since `IAC SB` or `IAC WILL` on the wire would swallow what
    /// follows.
    Unknown(u8),
}

impl Command {
    /// The command for a byte that followed `IAC`.
    ///
    /// Returns `None` for the bytes that are not two-byte commands: `IAC`
    /// (an escaped data byte), `SB`, `DO`, `DONT`, `WILL` and `WONT`.
    pub const fn from_byte(code: u8) -> Option<Command> {
        Some(match code {
            consts::NOP => Command::Nop,
            consts::DM => Command::DataMark,
            consts::BRK => Command::Break,
            consts::IP => Command::InterruptProcess,
            consts::AO => Command::AbortOutput,
            consts::AYT => Command::AreYouThere,
            consts::EC => Command::EraseCharacter,
            consts::EL => Command::EraseLine,
            consts::GA => Command::GoAhead,
            consts::EOR => Command::EndOfRecord,
            consts::EOF => Command::EndOfFile,
            consts::SUSP => Command::Suspend,
            consts::ABORT => Command::Abort,
            consts::SB..=consts::IAC => return None,
            other => Command::Unknown(other),
        })
    }

    /// Whether `IAC <code>` is a two-byte command: true for every command
    /// but an [`Unknown`](Command::Unknown) holding `SB`, a negotiation
    /// verb or `IAC` (250 to 255), which the parser never produces and
    /// the encoders refuse to send.
    pub const fn is_valid(self) -> bool {
        !matches!(self, Command::Unknown(consts::SB..=consts::IAC))
    }

    /// The command if it is valid ([`is_valid`](Command::is_valid)), else
    /// an error naming its code.
    pub const fn check(self) -> Result<Command, InvalidCommand> {
        if self.is_valid() {
            Ok(self)
        } else {
            Err(InvalidCommand(self.to_byte()))
        }
    }

    /// The byte that follows `IAC` on the wire (for an invalid command,
    /// see [`is_valid`](Command::is_valid), a byte that is not a command).
    pub const fn to_byte(self) -> u8 {
        match self {
            Command::Nop => consts::NOP,
            Command::DataMark => consts::DM,
            Command::Break => consts::BRK,
            Command::InterruptProcess => consts::IP,
            Command::AbortOutput => consts::AO,
            Command::AreYouThere => consts::AYT,
            Command::EraseCharacter => consts::EC,
            Command::EraseLine => consts::EL,
            Command::GoAhead => consts::GA,
            Command::EndOfRecord => consts::EOR,
            Command::EndOfFile => consts::EOF,
            Command::Suspend => consts::SUSP,
            Command::Abort => consts::ABORT,
            Command::Unknown(code) => code,
        }
    }

    /// The command's conventional abbreviation (`"AYT"`), or `None` for
    /// [`Command::Unknown`].
    pub const fn name(self) -> Option<&'static str> {
        Some(match self {
            Command::Nop => "NOP",
            Command::DataMark => "DM",
            Command::Break => "BRK",
            Command::InterruptProcess => "IP",
            Command::AbortOutput => "AO",
            Command::AreYouThere => "AYT",
            Command::EraseCharacter => "EC",
            Command::EraseLine => "EL",
            Command::GoAhead => "GA",
            Command::EndOfRecord => "EOR",
            Command::EndOfFile => "EOF",
            Command::Suspend => "SUSP",
            Command::Abort => "ABORT",
            Command::Unknown(_) => return None,
        })
    }

    /// The two bytes `IAC <code>` (for an invalid command, see
    /// [`is_valid`](Command::is_valid), bytes that are not a command: send
    /// commands through [`encode::command`](crate::encode::command), which
    /// checks).
    pub const fn to_bytes(self) -> [u8; 2] {
        [consts::IAC, self.to_byte()]
    }
}

/// A [`Command::Unknown`] holding a code that is not a command (250 to
/// 255: `SB`, a negotiation verb or `IAC`), which cannot be sent: see
/// [`Command::check`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct InvalidCommand(pub u8);

impl fmt::Display for InvalidCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "IAC {} is not a two-byte command (250 to 255 are SB, the negotiation verbs and IAC)",
            self.0
        )
    }
}

impl core::error::Error for InvalidCommand {}

impl fmt::Display for Command {
    /// `AYT`, or `IAC 240` for an unknown code.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "IAC {}", self.to_byte()),
        }
    }
}

/// The four negotiation verbs of RFC 854.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[repr(u8)]
pub enum Verb {
    /// `WILL` (251): the sender enables, or offers to enable, the option on its side.
    Will = consts::WILL,
    /// `WONT` (252): the sender disables, or refuses, the option on its side.
    Wont = consts::WONT,
    /// `DO` (253): the sender asks the receiver to enable the option on the receiver's side.
    Do = consts::DO,
    /// `DONT` (254): the sender asks the receiver to disable the option on the receiver's side.
    Dont = consts::DONT,
}

impl Verb {
    /// The verb for a wire byte, or `None` if the byte is not one.
    pub const fn from_byte(code: u8) -> Option<Verb> {
        match code {
            consts::WILL => Some(Verb::Will),
            consts::WONT => Some(Verb::Wont),
            consts::DO => Some(Verb::Do),
            consts::DONT => Some(Verb::Dont),
            _ => None,
        }
    }

    /// The wire byte.
    pub const fn to_byte(self) -> u8 {
        self as u8
    }

    /// Which side of the option a negotiation with this verb is about, as
    /// its receiver sees it: `WILL`/`WONT` are about the sender's own side
    /// ([`Side::Remote`]), `DO`/`DONT` about the receiver's
    /// ([`Side::Local`]). For a received negotiation, this is the side
    /// that [`Event::Negotiation`](crate::Event::Negotiation)'s `changed`
    /// is about.
    pub const fn received_side(self) -> Side {
        match self {
            Verb::Will | Verb::Wont => Side::Remote,
            Verb::Do | Verb::Dont => Side::Local,
        }
    }

    /// Whether the verb asks for or announces the option on (`WILL`, `DO`)
    /// rather than off (`WONT`, `DONT`).
    pub const fn is_enable(self) -> bool {
        matches!(self, Verb::Will | Verb::Do)
    }

    /// `"WILL"`, `"WONT"`, `"DO"` or `"DONT"`.
    pub const fn name(self) -> &'static str {
        match self {
            Verb::Will => "WILL",
            Verb::Wont => "WONT",
            Verb::Do => "DO",
            Verb::Dont => "DONT",
        }
    }
}

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A negotiation, `IAC <verb> <option>`: received from the peer, or to be
/// sent to it.
///
/// [`Display`](fmt::Display) prints the readable form used in traces:
/// `DO NAWS`, `WONT OPTION 77`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Negotiation {
    /// What is asked or announced.
    pub verb: Verb,
    /// About which option.
    pub option: TelnetOption,
}

impl Negotiation {
    /// A negotiation from its parts.
    pub const fn new(verb: Verb, option: TelnetOption) -> Self {
        Negotiation { verb, option }
    }

    /// The three wire bytes `IAC <verb> <option>`.
    pub const fn to_bytes(self) -> [u8; 3] {
        [consts::IAC, self.verb.to_byte(), self.option.0]
    }
}

impl fmt::Display for Negotiation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.verb, self.option)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_bytes_round_trip() {
        for code in 0..=255u8 {
            match Command::from_byte(code) {
                Some(cmd) => assert_eq!(cmd.to_byte(), code),
                None => assert!(code >= consts::SB),
            }
        }
        assert_eq!(Command::from_byte(consts::SE), Some(Command::Unknown(240)));
        assert_eq!(Command::from_byte(0), Some(Command::Unknown(0)));
    }

    #[test]
    fn verb_bytes_round_trip() {
        for verb in [Verb::Will, Verb::Wont, Verb::Do, Verb::Dont] {
            assert_eq!(Verb::from_byte(verb.to_byte()), Some(verb));
        }
        assert_eq!(Verb::from_byte(consts::SB), None);
    }

    #[test]
    fn display_is_readable() {
        extern crate std;
        use std::string::ToString;
        let n = Negotiation::new(Verb::Do, TelnetOption::NAWS);
        assert_eq!(n.to_string(), "DO NAWS");
        assert_eq!(n.to_bytes(), [255, 253, 31]);
        assert_eq!(Command::AreYouThere.to_string(), "AYT");
        assert_eq!(Command::Unknown(240).to_string(), "IAC 240");
    }
}
