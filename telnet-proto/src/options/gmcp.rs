//! GMCP, the Generic MUD Communication Protocol (option 201): a package
//! name and an optional JSON document.
//!
//! ```notrust
//! IAC SB GMCP <Package.SubPackage.Message> [ SP <JSON> ] IAC SE
//!   The name is case-insensitive ASCII; one space separates it from the
//!   JSON text, which is UTF-8 and may be left out.
//! ```
//!
//! [`Gmcp`] splits the payload without copying: the name and the JSON text
//! are slices of it. The JSON is not parsed (that needs a JSON library and,
//! usually, allocation); hand [`Gmcp::data`] to the parser you use. The
//! whole payload must be UTF-8. The format is canonical: the split is at
//! the first space, and a name followed by a space and nothing else
//! decodes with `Some("")` as its data.
//!
//! ```
//! use telnet_proto::options::{gmcp::Gmcp, OptionPayload};
//!
//! let msg = Gmcp::decode(br#"Char.Vitals {"hp": 100, "mp": 50}"#)?;
//! assert_eq!(msg.package, "Char.Vitals");
//! assert_eq!(msg.data, Some(r#"{"hp": 100, "mp": 50}"#));
//! assert_eq!((msg.module(), msg.message()), ("Char", "Vitals"));
//! assert!(msg.is("char.vitals"));
//!
//! let hello = Gmcp::new("Core.Hello", Some(r#"{"client":"x","version":"1"}"#));
//! let mut buf = [0u8; 64];
//! let n = hello.encode(&mut buf).unwrap();
//! assert!(buf[..n].starts_with(b"\xff\xfa\xc9Core.Hello {"));
//! # Ok::<(), telnet_proto::options::DecodeError>(())
//! ```

use super::{utf8, DecodeError, OptionPayload, PayloadSink};
use crate::TelnetOption;

/// A GMCP message.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Gmcp<'a> {
    /// The full message name, `Package.SubPackage.Message`; never empty,
    /// never contains a space.
    pub package: &'a str,
    /// The JSON text after the space, if there was a space.
    pub data: Option<&'a str>,
}

impl<'a> Gmcp<'a> {
    /// A message named `package` (which should not contain a space: the
    /// first space separates the data) with optional JSON `data`.
    pub const fn new(package: &'a str, data: Option<&'a str>) -> Self {
        Gmcp { package, data }
    }

    /// The name up to its last `.`: `"Char.Items"` of `"Char.Items.List"`,
    /// or the whole name if it has no dot.
    pub fn module(&self) -> &'a str {
        self.package
            .rsplit_once('.')
            .map_or(self.package, |(module, _)| module)
    }

    /// The name after its last `.`: `"List"` of `"Char.Items.List"`, or
    /// the whole name if it has no dot.
    pub fn message(&self) -> &'a str {
        self.package
            .rsplit_once('.')
            .map_or(self.package, |(_, message)| message)
    }

    /// Whether the name is `name`, ignoring ASCII case (GMCP names are
    /// case-insensitive).
    pub fn is(&self, name: &str) -> bool {
        self.package.eq_ignore_ascii_case(name)
    }
}

impl<'a> OptionPayload<'a> for Gmcp<'a> {
    const OPTION: TelnetOption = TelnetOption::GMCP;

    fn decode(payload: &'a [u8]) -> Result<Self, DecodeError> {
        let text = utf8(payload, 0)?;
        let (package, data) = match text.split_once(' ') {
            Some((package, data)) => (package, Some(data)),
            None => (text, None),
        };
        if package.is_empty() {
            return match payload.first() {
                Some(&byte) => Err(DecodeError::UnexpectedByte { offset: 0, byte }),
                None => Err(DecodeError::Truncated { offset: 0 }),
            };
        }
        Ok(Gmcp { package, data })
    }

    fn write_payload<S: PayloadSink + ?Sized>(&self, sink: &mut S) {
        sink.put(self.package.as_bytes());
        if let Some(data) = self.data {
            sink.put(b" ");
            sink.put(data.as_bytes());
        }
    }
}
