//! Option codes: [`TelnetOption`] and its named constants.

use core::fmt;

/// A Telnet option code (RFC 855): the byte after `DO`, `DONT`, `WILL`,
/// `WONT` and `SB`.
///
/// Every value from 0 to 255 is a valid `TelnetOption`; the associated
/// constants name the ones with a specification. [`Display`](fmt::Display)
/// prints the name where one is known (`NAWS`) and the number otherwise
/// (`OPTION 77`), which is what debug traces want.
///
/// ```
/// use telnet_proto::TelnetOption;
///
/// assert_eq!(TelnetOption::NAWS, TelnetOption(31));
/// assert_eq!(TelnetOption::NAWS.to_string(), "NAWS");
/// assert_eq!(TelnetOption(77).name(), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TelnetOption(pub u8);

macro_rules! options {
    ($( $(#[$doc:meta])* $name:ident = $value:literal, $text:literal; )*) => {
        impl TelnetOption {
            $( $(#[$doc])* pub const $name: TelnetOption = TelnetOption($value); )*

            /// The option's conventional name (`"NAWS"`, `"NEW-ENVIRON"`),
            /// or `None` for a code with no known specification.
            pub const fn name(self) -> Option<&'static str> {
                match self.0 {
                    $( $value => Some($text), )*
                    _ => None,
                }
            }
        }
    };
}

options! {
    /// Binary Transmission, RFC 856.
    BINARY = 0, "BINARY";
    /// Echo, RFC 857.
    ECHO = 1, "ECHO";
    /// Reconnection, NIC 15391 of the 1977 Telnet protocol handbook.
    RCP = 2, "RCP";
    /// Suppress Go Ahead, RFC 858.
    SGA = 3, "SGA";
    /// Approximate Message Size Negotiation, NIC 15393.
    NAMS = 4, "NAMS";
    /// Status, RFC 859.
    STATUS = 5, "STATUS";
    /// Timing Mark, RFC 860.
    TIMING_MARK = 6, "TIMING-MARK";
    /// Remote Controlled Transmission and Echoing, RFC 726.
    RCTE = 7, "RCTE";
    /// Output Line Width, NIC 20196.
    NAOL = 8, "NAOL";
    /// Output Page Size, NIC 20197.
    NAOP = 9, "NAOP";
    /// Output Carriage-Return Disposition, RFC 652.
    NAOCRD = 10, "NAOCRD";
    /// Output Horizontal Tab Stops, RFC 653.
    NAOHTS = 11, "NAOHTS";
    /// Output Horizontal Tab Disposition, RFC 654.
    NAOHTD = 12, "NAOHTD";
    /// Output Formfeed Disposition, RFC 655.
    NAOFFD = 13, "NAOFFD";
    /// Output Vertical Tabstops, RFC 656.
    NAOVTS = 14, "NAOVTS";
    /// Output Vertical Tab Disposition, RFC 657.
    NAOVTD = 15, "NAOVTD";
    /// Output Linefeed Disposition, RFC 658.
    NAOLFD = 16, "NAOLFD";
    /// Extended ASCII, RFC 698.
    XASCII = 17, "XASCII";
    /// Logout, RFC 727.
    LOGOUT = 18, "LOGOUT";
    /// Byte Macro, RFC 735.
    BM = 19, "BM";
    /// Data Entry Terminal, RFC 1043 (first RFC 732).
    DET = 20, "DET";
    /// SUPDUP, RFC 736.
    SUPDUP = 21, "SUPDUP";
    /// SUPDUP Output, RFC 749.
    SUPDUP_OUTPUT = 22, "SUPDUP-OUTPUT";
    /// Send Location, RFC 779.
    SNDLOC = 23, "SNDLOC";
    /// Terminal Type, RFC 1091.
    TTYPE = 24, "TTYPE";
    /// End of Record, RFC 885.
    EOR = 25, "EOR";
    /// TACACS User Identification, RFC 927.
    TUID = 26, "TUID";
    /// Output Marking, RFC 933.
    OUTMRK = 27, "OUTMRK";
    /// Terminal Location Number, RFC 946.
    TTYLOC = 28, "TTYLOC";
    /// Telnet 3270 Regime, RFC 1041.
    VT3270REGIME = 29, "3270-REGIME";
    /// X.3 PAD, RFC 1053.
    X3PAD = 30, "X.3-PAD";
    /// Negotiate About Window Size, RFC 1073.
    NAWS = 31, "NAWS";
    /// Terminal Speed, RFC 1079.
    TSPEED = 32, "TSPEED";
    /// Remote Flow Control, RFC 1372.
    LFLOW = 33, "LFLOW";
    /// Linemode, RFC 1184.
    LINEMODE = 34, "LINEMODE";
    /// X Display Location, RFC 1096.
    XDISPLOC = 35, "XDISPLOC";
    /// Environment (the old one), RFC 1408.
    OLD_ENVIRON = 36, "OLD-ENVIRON";
    /// Authentication, RFC 2941.
    AUTHENTICATION = 37, "AUTHENTICATION";
    /// Encryption, RFC 2946.
    ENCRYPT = 38, "ENCRYPT";
    /// New Environment, RFC 1572.
    NEW_ENVIRON = 39, "NEW-ENVIRON";
    /// TN3270 Enhancements, RFC 2355.
    TN3270E = 40, "TN3270E";
    /// XAUTH (Earhart; no RFC).
    XAUTH = 41, "XAUTH";
    /// Charset, RFC 2066.
    CHARSET = 42, "CHARSET";
    /// Remote Serial Port (Barnes; no RFC).
    RSP = 43, "RSP";
    /// Com Port Control, RFC 2217.
    COM_PORT_OPTION = 44, "COM-PORT-OPTION";
    /// Suppress Local Echo (Atmar; no RFC).
    SUPPRESS_LOCAL_ECHO = 45, "SUPPRESS-LOCAL-ECHO";
    /// Start TLS (draft-altman-telnet-starttls; no RFC).
    TLS = 46, "START-TLS";
    /// Kermit, RFC 2840.
    KERMIT = 47, "KERMIT";
    /// Send URL (Croft; no RFC).
    SEND_URL = 48, "SEND-URL";
    /// Forward X (Altman; no RFC).
    FORWARD_X = 49, "FORWARD-X";
    /// MUD Server Data Protocol (MSDP, from the MUD community's specification; no RFC).
    MSDP = 69, "MSDP";
    /// MUD Server Status Protocol (MSSP, from the MUD community's specification; no RFC).
    MSSP = 70, "MSSP";
    /// MUD Client Compression Protocol v2, server to client (MCCP2; no RFC).
    MCCP2 = 86, "MCCP2";
    /// MUD Client Compression Protocol v3, client to server (MCCP3; no RFC).
    MCCP3 = 87, "MCCP3";
    /// Zenith MUD Protocol (ZMP; no RFC).
    ZMP = 93, "ZMP";
    /// Telnet Pragma Logon (McGregory; no RFC).
    PRAGMA_LOGON = 138, "PRAGMA-LOGON";
    /// Telnet SSPI Logon (McGregory; no RFC).
    SSPI_LOGON = 139, "SSPI-LOGON";
    /// Telnet Pragma Heartbeat (McGregory; no RFC).
    PRAGMA_HEARTBEAT = 140, "PRAGMA-HEARTBEAT";
    /// Generic MUD Communication Protocol (GMCP; no RFC).
    GMCP = 201, "GMCP";
    /// Extended-Options-List, RFC 861.
    EXOPL = 255, "EXOPL";
}

impl From<u8> for TelnetOption {
    fn from(code: u8) -> Self {
        TelnetOption(code)
    }
}

impl From<TelnetOption> for u8 {
    fn from(option: TelnetOption) -> Self {
        option.0
    }
}

impl fmt::Display for TelnetOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.pad(name),
            None => f.pad(number_name(self.0, &mut [0; 10])),
        }
    }
}

/// `OPTION 123` in `buf`, without allocating, so that `Display` can pad it.
fn number_name(code: u8, buf: &mut [u8; 10]) -> &str {
    buf[..7].copy_from_slice(b"OPTION ");
    let mut len = 7;
    if code >= 100 {
        buf[len] = b'0' + code / 100;
        len += 1;
    }
    if code >= 10 {
        buf[len] = b'0' + code / 10 % 10;
        len += 1;
    }
    buf[len] = b'0' + code % 10;
    len += 1;
    // ASCII by construction, so the fallback is never taken.
    core::str::from_utf8(&buf[..len]).unwrap_or("OPTION")
}

impl fmt::Debug for TelnetOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{name}({})", self.0),
            None => write!(f, "TelnetOption({})", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut seen = 0;
        for code in 0..=255u8 {
            if let Some(name) = TelnetOption(code).name() {
                seen += 1;
                for other in (code as u16 + 1)..=255 {
                    assert_ne!(TelnetOption(other as u8).name(), Some(name));
                }
            }
        }
        // 0..=49, the six MUD options, the three McGregory options and EXOPL.
        assert_eq!(seen, 50 + 6 + 3 + 1);
    }

    #[test]
    fn display_pads_names_and_numbers() {
        extern crate std;
        use std::format;
        assert_eq!(format!("[{:<6}]", TelnetOption::NAWS), "[NAWS  ]");
        assert_eq!(format!("{}", TelnetOption(7)), "RCTE");
        assert_eq!(format!("{}", TelnetOption(77)), "OPTION 77");
        assert_eq!(format!("{}", TelnetOption(100)), "OPTION 100");
        assert_eq!(format!("{}", TelnetOption(50)), "OPTION 50");
        assert_eq!(format!("{:>11}", TelnetOption(5 + 200)), " OPTION 205");
    }
}
