//! A byte-at-a-time reference parser with the crate's documented
//! behaviour: RFC 854 framing, the recoveries documented in
//! `telnet_proto`'s crate docs, NVT newline handling, RFC 1143 answers (via
//! [`RefTable`]) and MCCP start detection. It produces the events a
//! [`Session`](telnet_proto::Session) must produce, with data merged.

use telnet_proto::{Command, Negotiation, Newline, Policy, Side, TelnetOption, Verb};

use crate::qmethod::RefTable;
use crate::{push_merged, Owned};

const IAC: u8 = 255;
const SB: u8 = 250;
const SE: u8 = 240;
const CR: u8 = b'\r';
const LF: u8 = b'\n';
const NUL: u8 = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Data,
    Iac,
    Verb(Verb),
    SbOption,
    SbOptionIac,
    Sb,
    SbIac,
}

/// The reference parser.
#[derive(Clone, Debug)]
pub struct Model {
    state: State,
    /// The negotiation table, shared with the checks of the targets.
    pub table: RefTable,
    policy: Policy,
    manual: bool,
    newline: Newline,
    capacity: usize,
    cr_held: bool,
    sb_option: TelnetOption,
    sb_payload: Vec<u8>,
    /// Events so far, data merged.
    pub events: Vec<Owned>,
}

impl Model {
    /// A model starting from `table`, as a session configured so.
    pub fn new(
        table: RefTable,
        policy: Policy,
        manual: bool,
        newline: Newline,
        capacity: usize,
    ) -> Model {
        Model {
            state: State::Data,
            table,
            policy,
            manual,
            newline,
            capacity,
            cr_held: false,
            sb_option: TelnetOption(0),
            sb_payload: Vec::new(),
            events: Vec::new(),
        }
    }

    fn emit(&mut self, event: Owned) {
        push_merged(&mut self.events, event);
    }

    fn nvt(&self) -> bool {
        self.newline != Newline::Raw
            && !self
                .table
                .get(Side::Remote, TelnetOption::BINARY)
                .is_enabled()
    }

    /// A CR held back is decided by a byte that is not plain data.
    fn flush_cr(&mut self) {
        if std::mem::take(&mut self.cr_held) {
            self.emit(Owned::Data(vec![CR]));
        }
    }

    /// One byte of application data (an escaped 0xFF included).
    fn data(&mut self, byte: u8, escaped: bool) {
        if !self.nvt() {
            self.emit(Owned::Data(vec![byte]));
            return;
        }
        if std::mem::take(&mut self.cr_held) {
            match byte {
                NUL if !escaped => {
                    self.emit(Owned::Data(vec![CR]));
                    return;
                }
                LF if !escaped && self.newline == Newline::Translate => {
                    self.emit(Owned::Data(vec![LF]));
                    return;
                }
                _ => self.emit(Owned::Data(vec![CR])),
            }
        }
        if byte == CR && !escaped {
            self.cr_held = true;
        } else {
            self.emit(Owned::Data(vec![byte]));
        }
    }

    /// One received byte.
    pub fn byte(&mut self, byte: u8) {
        match self.state {
            State::Data => {
                if byte == IAC {
                    self.flush_cr();
                    self.state = State::Iac;
                } else {
                    self.data(byte, false);
                }
            }
            State::Iac => self.after_iac(byte),
            State::Verb(verb) => {
                self.state = State::Data;
                self.negotiation(Negotiation::new(verb, TelnetOption(byte)));
            }
            State::SbOption => {
                if byte == IAC {
                    self.state = State::SbOptionIac;
                } else {
                    self.start_sb(byte);
                }
            }
            State::SbOptionIac => match byte {
                IAC => self.start_sb(IAC),
                SE => {
                    self.state = State::Data;
                    self.emit(Owned::Aborted {
                        option: None,
                        len: 0,
                    });
                }
                _ => {
                    self.emit(Owned::Aborted {
                        option: None,
                        len: 0,
                    });
                    self.after_iac(byte);
                }
            },
            State::Sb => {
                if byte == IAC {
                    self.state = State::SbIac;
                } else {
                    self.sb_payload.push(byte);
                }
            }
            State::SbIac => match byte {
                IAC => {
                    self.sb_payload.push(IAC);
                    self.state = State::Sb;
                }
                SE => {
                    self.state = State::Data;
                    self.end_sb();
                }
                _ => {
                    self.emit(Owned::Aborted {
                        option: Some(self.sb_option),
                        len: self.sb_payload.len(),
                    });
                    self.after_iac(byte);
                }
            },
        }
    }

    fn after_iac(&mut self, byte: u8) {
        self.state = State::Data;
        if byte == IAC {
            self.data(IAC, true);
        } else if byte == SB {
            self.state = State::SbOption;
        } else if let Some(verb) = Verb::from_byte(byte) {
            self.state = State::Verb(verb);
        } else {
            self.emit(Owned::Command(
                Command::from_byte(byte).unwrap_or(Command::Unknown(byte)),
            ));
        }
    }

    fn start_sb(&mut self, option: u8) {
        self.state = State::Sb;
        self.sb_option = TelnetOption(option);
        self.sb_payload.clear();
    }

    fn end_sb(&mut self) {
        let option = self.sb_option;
        let len = self.sb_payload.len();
        if len > self.capacity {
            self.emit(Owned::Overflow { option, len });
        } else if (option == TelnetOption::MCCP2
            && self.table.get(Side::Remote, option).is_enabled())
            || (option == TelnetOption::MCCP3 && self.table.get(Side::Local, option).is_enabled())
        {
            self.emit(Owned::CompressionStart { option });
        } else {
            let payload = std::mem::take(&mut self.sb_payload);
            self.emit(Owned::Subnegotiation { option, payload });
        }
    }

    fn negotiation(&mut self, received: Negotiation) {
        if self.manual {
            self.emit(Owned::Negotiation {
                received,
                reply: None,
                changed: None,
            });
            return;
        }
        let expected = self.table.receive(received, &self.policy);
        self.emit(Owned::Negotiation {
            received,
            reply: expected.reply,
            changed: expected.changed,
        });
    }

    /// The end of the input, as `Session::finish`.
    pub fn finish(&mut self) {
        let state = std::mem::replace(&mut self.state, State::Data);
        if std::mem::take(&mut self.cr_held) {
            self.emit(Owned::Data(vec![CR]));
            return;
        }
        match state {
            State::Sb | State::SbIac => self.emit(Owned::Aborted {
                option: Some(self.sb_option),
                len: self.sb_payload.len(),
            }),
            State::SbOption | State::SbOptionIac => self.emit(Owned::Aborted {
                option: None,
                len: 0,
            }),
            State::Data | State::Iac | State::Verb(_) => {}
        }
    }
}
