//! LFLOW, Remote Flow Control (RFC 1372): the server tells the client
//! whether XON/XOFF flow control is done locally, and how output restarts.
//!
//! ```notrust
//! RFC 1372, "Command Meanings" (sent by the side that received WILL):
//!   IAC SB TOGGLE-FLOW-CONTROL OFF IAC SE          (OFF = 0)
//!   IAC SB TOGGLE-FLOW-CONTROL ON IAC SE           (ON = 1)
//!   IAC SB TOGGLE-FLOW-CONTROL RESTART-ANY IAC SE  (RESTART-ANY = 2)
//!   IAC SB TOGGLE-FLOW-CONTROL RESTART-XON IAC SE  (RESTART-XON = 3)
//! ```
//!
//! The payload is exactly one byte; the format is canonical.
//!
//! ```
//! use telnet_proto::options::{lflow::FlowControl, OptionPayload};
//!
//! assert_eq!(FlowControl::decode(&[3])?, FlowControl::RestartXon);
//! let mut buf = [0u8; 8];
//! let n = FlowControl::Off.encode(&mut buf).unwrap();
//! assert_eq!(&buf[..n], b"\xff\xfa\x21\x00\xff\xf0");
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use super::{DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

/// An LFLOW subnegotiation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FlowControl {
    /// `OFF` (0): the client stops doing flow control locally.
    Off,
    /// `ON` (1): the client does flow control locally.
    On,
    /// `RESTART-ANY` (2): any character restarts stopped output.
    RestartAny,
    /// `RESTART-XON` (3): only XON restarts stopped output.
    RestartXon,
}

impl FlowControl {
    /// The subcommand byte.
    pub const fn to_byte(self) -> u8 {
        match self {
            FlowControl::Off => 0,
            FlowControl::On => 1,
            FlowControl::RestartAny => 2,
            FlowControl::RestartXon => 3,
        }
    }
}

impl OptionPayload<'_> for FlowControl {
    const OPTION: TelnetOption = TelnetOption::LFLOW;

    fn decode(payload: &[u8]) -> Result<Self, DecodeError> {
        Ok(match super::only(payload)? {
            0 => FlowControl::Off,
            1 => FlowControl::On,
            2 => FlowControl::RestartAny,
            3 => FlowControl::RestartXon,
            byte => return Err(DecodeError::UnexpectedByte { offset: 0, byte }),
        })
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        sink.put(&[self.to_byte()]);
    }
}
