//! Byte values of the Telnet command codes (RFC 854, RFC 885, RFC 1184).
//!
//! These are the raw wire values. Most code wants [`Command`](crate::Command),
//! [`Verb`](crate::Verb) and [`TelnetOption`](crate::TelnetOption) instead;
//! these constants are for building or inspecting bytes by hand.

/// Interpret As Command: introduces every command; doubled in data (RFC 854).
pub const IAC: u8 = 255;
/// Refuse, or demand that the peer stop, an option on its side (RFC 854).
pub const DONT: u8 = 254;
/// Ask the peer to enable, or confirm that it enables, an option on its side (RFC 854).
pub const DO: u8 = 253;
/// Refuse, or announce that we stop, an option on our side (RFC 854).
pub const WONT: u8 = 252;
/// Offer, or confirm that we enable, an option on our side (RFC 854).
pub const WILL: u8 = 251;
/// Subnegotiation Begin (RFC 854).
pub const SB: u8 = 250;
/// Go Ahead (RFC 854).
pub const GA: u8 = 249;
/// Erase Line (RFC 854).
pub const EL: u8 = 248;
/// Erase Character (RFC 854).
pub const EC: u8 = 247;
/// Are You There (RFC 854).
pub const AYT: u8 = 246;
/// Abort Output (RFC 854).
pub const AO: u8 = 245;
/// Interrupt Process (RFC 854).
pub const IP: u8 = 244;
/// Break (RFC 854).
pub const BRK: u8 = 243;
/// Data Mark, the data part of a Synch (RFC 854).
pub const DM: u8 = 242;
/// No Operation (RFC 854).
pub const NOP: u8 = 241;
/// Subnegotiation End (RFC 854).
pub const SE: u8 = 240;
/// End Of Record (RFC 885).
pub const EOR: u8 = 239;
/// Abort, the LINEMODE "abort process" character (RFC 1184).
pub const ABORT: u8 = 238;
/// Suspend process (RFC 1184).
pub const SUSP: u8 = 237;
/// End Of File (RFC 1184).
pub const EOF: u8 = 236;

/// Carriage return.
pub const CR: u8 = b'\r';
/// Line feed.
pub const LF: u8 = b'\n';
/// NUL, which follows a bare CR in NVT data (RFC 854).
pub const NUL: u8 = 0;
