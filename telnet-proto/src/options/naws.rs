//! NAWS, Negotiate About Window Size (RFC 1073): the client's terminal
//! width and height.
//!
//! ```notrust
//! RFC 1073, "Command Meanings":
//!   IAC SB NAWS <16-bit width> <16-bit height> IAC SE
//!   sent by the client, after WILL NAWS, whenever the size changes;
//!   the values are unsigned, most significant byte first, and a value
//!   of 255 must be doubled (IAC IAC) like any other data byte.
//!   A value of zero means the size in that dimension is not known.
//! ```
//!
//! The client (the side with NAWS on [`Side::Local`](crate::Side::Local))
//! sends [`WindowSize`]; the server decodes it. Many clients send their
//! size right after `WILL NAWS`, before the server's `DO` arrives: the core
//! delivers that subnegotiation like any other and decoding does not look
//! at the option state, so accept it.
//!
//! The format is canonical: every four-byte payload decodes, and encodes
//! back to the same bytes.
//!
//! ```
//! use telnet_proto::options::{naws::WindowSize, OptionPayload};
//!
//! let size = WindowSize::decode(&[0, 80, 0, 24])?;
//! assert_eq!(size, WindowSize { width: 80, height: 24 });
//!
//! // 255 is doubled on the wire.
//! let mut buf = [0u8; 16];
//! let n = WindowSize { width: 255, height: 24 }.encode(&mut buf).unwrap();
//! assert_eq!(&buf[..n], b"\xff\xfa\x1f\x00\xff\xff\x00\x18\xff\xf0");
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

/// A terminal's size in characters; 0 means unknown (RFC 1073).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct WindowSize {
    /// Columns.
    pub width: u16,
    /// Rows.
    pub height: u16,
}

impl OptionPayload<'_> for WindowSize {
    const OPTION: TelnetOption = TelnetOption::NAWS;

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        match *payload {
            [w0, w1, h0, h1] => Ok(WindowSize {
                width: u16::from_be_bytes([w0, w1]),
                height: u16::from_be_bytes([h0, h1]),
            }),
            _ if payload.len() < 4 => Err(DecodeError::Truncated {
                offset: payload.len(),
            }),
            _ => Err(DecodeError::TrailingBytes { offset: 4 }),
        }
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        let [w0, w1] = self.width.to_be_bytes();
        let [h0, h1] = self.height.to_be_bytes();
        sink.put(&[w0, w1, h0, h1]);
    }

    fn encoded_len(&self) -> usize {
        crate::encode::subnegotiation_len(Self::OPTION, &self.payload())
    }

    fn encode(&self, dst: &mut [u8]) -> Result<usize, crate::BufferTooSmall> {
        crate::encode::subnegotiation(Self::OPTION, &self.payload(), dst)
    }
}

impl WindowSize {
    /// A size of `width` columns and `height` rows.
    pub const fn new(width: u16, height: u16) -> Self {
        WindowSize { width, height }
    }

    /// The four payload bytes.
    pub const fn payload(&self) -> [u8; 4] {
        let [w0, w1] = self.width.to_be_bytes();
        let [h0, h1] = self.height.to_be_bytes();
        [w0, w1, h0, h1]
    }
}
