//! TSPEED, Terminal Speed (RFC 1079): the client's transmit and receive
//! line speeds.
//!
//! ```notrust
//! RFC 1079, "Command Meanings":
//!   IAC SB TERMINAL-SPEED SEND IAC SE                           (SEND = 1)
//!   IAC SB TERMINAL-SPEED IS <transmit>,<receive> IAC SE        (IS = 0)
//!   The speeds are decimal numbers in NVT ASCII, bits per second.
//! ```
//!
//! Speeds are decoded as `u32`. Not canonical: leading zeros (`"038400"`)
//! are accepted and dropped when encoding again.
//!
//! ```
//! use telnet_proto::options::{tspeed::TerminalSpeed, OptionPayload};
//!
//! let speed = TerminalSpeed::decode(b"\x0038400,38400")?;
//! assert_eq!(speed, TerminalSpeed::Is { transmit: 38400, receive: 38400 });
//! let mut buf = [0u8; 32];
//! let n = TerminalSpeed::Send.encode(&mut buf).unwrap();
//! assert_eq!(&buf[..n], b"\xff\xfa\x20\x01\xff\xf0");
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

/// A TSPEED subnegotiation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TerminalSpeed {
    /// `SEND`: the server asks for the speeds.
    Send,
    /// `IS <transmit>,<receive>`: the client's answer, in bits per second.
    Is {
        /// The client's transmit speed.
        transmit: u32,
        /// The client's receive speed.
        receive: u32,
    },
}

/// Reads a decimal number at `payload[at..]` up to `end`.
fn number(payload: &[u8], at: usize, end: usize) -> Result<u32, DecodeError> {
    if at == end {
        return match payload.get(at) {
            Some(&byte) => Err(DecodeError::UnexpectedByte { offset: at, byte }),
            None => Err(DecodeError::Truncated { offset: at }),
        };
    }
    let mut value: u32 = 0;
    for (i, &byte) in payload[at..end].iter().enumerate() {
        if !byte.is_ascii_digit() {
            return Err(DecodeError::UnexpectedByte {
                offset: at + i,
                byte,
            });
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u32::from(byte - b'0')))
            .ok_or(DecodeError::NumberTooLarge { offset: at })?;
    }
    Ok(value)
}

/// Writes `value` in decimal to `sink`.
fn put_number<S: PayloadSink + ?Sized>(sink: &mut S, value: u32) {
    let mut digits = [0u8; 10];
    let mut n = value;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    sink.put(&digits[i..]);
}

impl OptionPayload<'_> for TerminalSpeed {
    const OPTION: TelnetOption = TelnetOption::TSPEED;

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        match super::first(payload)? {
            0 => {
                let comma = payload[1..]
                    .iter()
                    .position(|&b| b == b',')
                    .map(|i| i + 1)
                    .ok_or(DecodeError::Truncated {
                        offset: payload.len(),
                    })
                    .or_else(|e| {
                        // No comma: report the first non-digit if there is one.
                        number(payload, 1, payload.len())?;
                        Err(e)
                    })?;
                Ok(TerminalSpeed::Is {
                    transmit: number(payload, 1, comma)?,
                    receive: number(payload, comma + 1, payload.len())?,
                })
            }
            1 if payload.len() == 1 => Ok(TerminalSpeed::Send),
            1 => Err(DecodeError::TrailingBytes { offset: 1 }),
            byte => Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        match *self {
            TerminalSpeed::Send => sink.put(&[1]),
            TerminalSpeed::Is { transmit, receive } => {
                sink.put(&[0]);
                put_number(sink, transmit);
                sink.put(b",");
                put_number(sink, receive);
            }
        }
    }
}
