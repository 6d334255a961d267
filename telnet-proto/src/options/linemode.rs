//! LINEMODE (RFC 1184): the client edits lines locally and sends them
//! whole, under the server's control.
//!
//! ```notrust
//! RFC 1184, section 2 ("Command Names and Codes") and 3 (meanings):
//!   MODE 1, FORWARDMASK 2, SLC 3
//!   IAC SB LINEMODE MODE <mask> IAC SE
//!     mask bits: EDIT 1, TRAPSIG 2, MODE_ACK 4, SOFT_TAB 8, LIT_ECHO 16
//!   IAC SB LINEMODE DO FORWARDMASK <mask0 ... mask31> IAC SE
//!   IAC SB LINEMODE DONT | WILL | WONT FORWARDMASK IAC SE
//!   IAC SB LINEMODE SLC <function> <modifier> <char> ... IAC SE
//!     modifier: level in the low two bits (NOSUPPORT 0, CANTCHANGE 1,
//!     VALUE 2, DEFAULT 3) and flags ACK 128, FLUSHIN 64, FLUSHOUT 32
//!   A mask or character byte of 255 is sent doubled, as IAC IAC.
//! ```
//!
//! The doubling of 255 is the frame's escaping, done by
//! [`OptionPayload::encode`] and undone by the core. The format is
//! canonical (undefined mode bits and modifier bits are kept).
//!
//! ```
//! use telnet_proto::options::linemode::{Linemode, Mode, Slc, SlcLevel, SLC_IP};
//! use telnet_proto::options::OptionPayload;
//!
//! let msg = Linemode::decode(&[1, 0x03])?;
//! assert_eq!(msg, Linemode::Mode(Mode::EDIT | Mode::TRAPSIG));
//!
//! // Interrupt is ^C, value changeable, flush both ways.
//! let slc = Linemode::decode(&[3, SLC_IP, 0x62, 0x03])?;
//! let triplet = slc.slcs().next().unwrap();
//! assert_eq!(triplet.level, SlcLevel::Value);
//! assert!(triplet.flags.contains(Slc::FLUSHIN | Slc::FLUSHOUT));
//! assert_eq!(triplet.value, 0x03);
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use core::ops::BitOr;

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::consts::{DO, DONT, WILL, WONT};
use crate::TelnetOption;

/// The MODE subcommand (1).
pub const MODE: u8 = 1;
/// The FORWARDMASK subcommand (2).
pub const FORWARDMASK: u8 = 2;
/// The SLC subcommand (3).
pub const SLC: u8 = 3;
/// The longest forward mask: 32 bytes, one bit per character 0-255.
pub const MAX_FORWARDMASK: usize = 32;

/// SLC function 1: SYNCH.
pub const SLC_SYNCH: u8 = 1;
/// SLC function 2: BRK.
pub const SLC_BRK: u8 = 2;
/// SLC function 3: IP (interrupt process).
pub const SLC_IP: u8 = 3;
/// SLC function 4: AO (abort output).
pub const SLC_AO: u8 = 4;
/// SLC function 5: AYT (are you there).
pub const SLC_AYT: u8 = 5;
/// SLC function 6: EOR (end of record).
pub const SLC_EOR: u8 = 6;
/// SLC function 7: ABORT.
pub const SLC_ABORT: u8 = 7;
/// SLC function 8: EOF.
pub const SLC_EOF: u8 = 8;
/// SLC function 9: SUSP.
pub const SLC_SUSP: u8 = 9;
/// SLC function 10: EC (erase character).
pub const SLC_EC: u8 = 10;
/// SLC function 11: EL (erase line).
pub const SLC_EL: u8 = 11;
/// SLC function 12: EW (erase word).
pub const SLC_EW: u8 = 12;
/// SLC function 13: RP (reprint line).
pub const SLC_RP: u8 = 13;
/// SLC function 14: LNEXT (literal next).
pub const SLC_LNEXT: u8 = 14;
/// SLC function 15: XON.
pub const SLC_XON: u8 = 15;
/// SLC function 16: XOFF.
pub const SLC_XOFF: u8 = 16;
/// SLC function 17: FORW1 (forwarding character 1).
pub const SLC_FORW1: u8 = 17;
/// SLC function 18: FORW2 (forwarding character 2).
pub const SLC_FORW2: u8 = 18;

/// The MODE mask.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Mode(pub u8);

impl Mode {
    /// 1: the client edits lines locally.
    pub const EDIT: Mode = Mode(1);
    /// 2: the client turns interrupt characters into IP, BRK, ...
    pub const TRAPSIG: Mode = Mode(2);
    /// 4: this MODE acknowledges one received.
    pub const MODE_ACK: Mode = Mode(4);
    /// 8: the client expands tabs.
    pub const SOFT_TAB: Mode = Mode(8);
    /// 16: the client echoes non-printable characters literally.
    pub const LIT_ECHO: Mode = Mode(16);

    /// Whether every bit of `other` is set.
    pub const fn contains(self, other: Mode) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for Mode {
    type Output = Mode;
    fn bitor(self, other: Mode) -> Mode {
        Mode(self.0 | other.0)
    }
}

/// The support level of an SLC triplet (the modifier's low two bits).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SlcLevel {
    /// 0: the function is not supported.
    NoSupport,
    /// 1: the value cannot be changed.
    CantChange,
    /// 2: the value is this one.
    Value,
    /// 3: use the default value.
    Default,
}

impl SlcLevel {
    const fn from_bits(bits: u8) -> Self {
        match bits & 3 {
            0 => SlcLevel::NoSupport,
            1 => SlcLevel::CantChange,
            2 => SlcLevel::Value,
            _ => SlcLevel::Default,
        }
    }

    const fn to_bits(self) -> u8 {
        match self {
            SlcLevel::NoSupport => 0,
            SlcLevel::CantChange => 1,
            SlcLevel::Value => 2,
            SlcLevel::Default => 3,
        }
    }
}

/// The flags of an SLC modifier: the bits above the level.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct SlcFlags(pub u8);

impl SlcFlags {
    /// Whether every flag of `other` is set.
    pub const fn contains(self, other: SlcFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for SlcFlags {
    type Output = SlcFlags;
    fn bitor(self, other: SlcFlags) -> SlcFlags {
        SlcFlags(self.0 | other.0)
    }
}

/// One SLC triplet: a special character's function, level, flags and value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Slc {
    /// The function (`SLC_IP`, `SLC_EC`, ...).
    pub function: u8,
    /// The support level.
    pub level: SlcLevel,
    /// The flags ([`Slc::ACK`], [`Slc::FLUSHIN`], [`Slc::FLUSHOUT`]; other
    /// bits are kept as received).
    pub flags: SlcFlags,
    /// The character.
    pub value: u8,
}

impl Slc {
    /// 128: this triplet acknowledges one received.
    pub const ACK: SlcFlags = SlcFlags(128);
    /// 64: flush input when the function is performed.
    pub const FLUSHIN: SlcFlags = SlcFlags(64);
    /// 32: flush output when the function is performed.
    pub const FLUSHOUT: SlcFlags = SlcFlags(32);

    /// The three wire bytes.
    pub const fn to_bytes(self) -> [u8; 3] {
        [
            self.function,
            self.level.to_bits() | (self.flags.0 & !3),
            self.value,
        ]
    }

    /// A triplet from its three wire bytes.
    pub const fn from_bytes([function, modifier, value]: [u8; 3]) -> Self {
        Slc {
            function,
            level: SlcLevel::from_bits(modifier),
            flags: SlcFlags(modifier & !3),
            value,
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum SlcRepr<'a> {
    /// Triplets from a payload (length a multiple of 3).
    Wire(&'a [u8]),
    /// Triplets to send.
    List(&'a [Slc]),
}

/// The triplets of an SLC message.
#[derive(Clone, Copy, Debug)]
pub struct SlcList<'a>(SlcRepr<'a>);

impl<'a> SlcList<'a> {
    /// Triplets to send.
    pub const fn new(slcs: &'a [Slc]) -> Self {
        SlcList(SlcRepr::List(slcs))
    }

    /// The triplets, in order.
    pub fn iter(&self) -> Slcs<'a> {
        Slcs(*self)
    }
}

impl PartialEq for SlcList<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for SlcList<'_> {}

/// The triplets of an [`SlcList`].
#[derive(Clone, Debug)]
pub struct Slcs<'a>(SlcList<'a>);

impl Iterator for Slcs<'_> {
    type Item = Slc;

    fn next(&mut self) -> Option<Slc> {
        match &mut (self.0).0 {
            SlcRepr::Wire(rest) => {
                let (&[function, modifier, value], tail) = rest.split_first_chunk::<3>()?;
                *rest = tail;
                Some(Slc::from_bytes([function, modifier, value]))
            }
            SlcRepr::List(list) => {
                let (&first, tail) = list.split_first()?;
                *list = tail;
                Some(first)
            }
        }
    }
}

/// A LINEMODE subnegotiation.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Linemode<'a> {
    /// `MODE <mask>`.
    Mode(Mode),
    /// `DO FORWARDMASK <mask>`: forward a line at each character whose
    /// bit is set (bit 7 of byte 0 is character 0); 1 to 32 bytes.
    DoForwardMask(&'a [u8]),
    /// `DONT FORWARDMASK`.
    DontForwardMask,
    /// `WILL FORWARDMASK`.
    WillForwardMask,
    /// `WONT FORWARDMASK`.
    WontForwardMask,
    /// `SLC <triplets>`.
    Slc(SlcList<'a>),
}

impl<'a> Linemode<'a> {
    /// The triplets of an SLC message (none for other messages).
    pub fn slcs(&self) -> Slcs<'a> {
        match self {
            Linemode::Slc(list) => list.iter(),
            _ => SlcList::new(&[]).iter(),
        }
    }
}

impl<'a> OptionPayload<'a> for Linemode<'a> {
    const OPTION: TelnetOption = TelnetOption::LINEMODE;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        let len = payload.len();
        match super::first(payload)? {
            MODE => match payload {
                [_, mask] => Ok(Linemode::Mode(Mode(*mask))),
                [_] => Err(DecodeError::Truncated { offset: 1 }),
                _ => Err(DecodeError::TrailingBytes { offset: 2 }),
            },
            SLC if (len - 1) % 3 != 0 => Err(DecodeError::Truncated { offset: len }),
            SLC => Ok(Linemode::Slc(SlcList(SlcRepr::Wire(&payload[1..])))),
            verb @ (DO | DONT | WILL | WONT) => {
                match payload.get(1) {
                    None => return Err(DecodeError::Truncated { offset: 1 }),
                    Some(&FORWARDMASK) => {}
                    Some(&byte) => return Err(DecodeError::UnexpectedByte { offset: 1, byte }),
                }
                let mask = &payload[2..];
                match verb {
                    DO if mask.is_empty() => Err(DecodeError::Truncated { offset: 2 }),
                    DO if mask.len() > MAX_FORWARDMASK => Err(DecodeError::TrailingBytes {
                        offset: 2 + MAX_FORWARDMASK,
                    }),
                    DO => Ok(Linemode::DoForwardMask(mask)),
                    _ if !mask.is_empty() => Err(DecodeError::TrailingBytes { offset: 2 }),
                    DONT => Ok(Linemode::DontForwardMask),
                    WILL => Ok(Linemode::WillForwardMask),
                    _ => Ok(Linemode::WontForwardMask),
                }
            }
            byte => Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        match *self {
            Linemode::Mode(mode) => sink.put(&[MODE, mode.0]),
            Linemode::DoForwardMask(mask) => {
                sink.put(&[DO, FORWARDMASK]);
                sink.put(mask);
            }
            Linemode::DontForwardMask => sink.put(&[DONT, FORWARDMASK]),
            Linemode::WillForwardMask => sink.put(&[WILL, FORWARDMASK]),
            Linemode::WontForwardMask => sink.put(&[WONT, FORWARDMASK]),
            Linemode::Slc(list) => {
                sink.put(&[SLC]);
                for slc in list.iter() {
                    sink.put(&slc.to_bytes());
                }
            }
        }
    }
}
