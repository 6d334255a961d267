//! A [`tokio_util::codec`] codec for applications that live in `Framed`.

use bytes::{Buf, Bytes, BytesMut};
use telnet_proto::options::OptionPayload;
use telnet_proto::{encode, Command, Config, Event, Negotiation, Session, Side, TelnetOption};
use tokio_util::codec::{Decoder, Encoder};

use crate::inflate::{self, Deflater, Inflater};
use crate::{Error, Item};

/// How many decompressed bytes the decoder produces at a time.
const INFLATE_CHUNK: usize = 8 * 1024;

/// A Telnet [`Decoder`] and [`Encoder`] around one
/// [`telnet_proto::Session`].
///
/// The decoder yields owned [`Item`]s, one per core event, in wire order.
/// It parses each received byte once: the bytes the session has parsed are
/// removed from the read buffer and the session keeps its place, so a
/// sequence split between reads costs nothing extra. Data items are slices
/// of the read buffer (no copy).
///
/// Nothing is hidden: the reply the session decides on (a refusal, an
/// acceptance) comes out in the `reply` of [`Item::Negotiation`], and
/// sending it is up to you, because a decoder has no write path. Send it
/// back through the encoder as [`Frame::Negotiation`].
///
/// The encoder takes [`Frame`]s. [`Frame::Enable`] and [`Frame::Disable`]
/// go through the session's RFC 1143 table (nothing is sent when nothing
/// must be); [`Frame::Text`] follows BINARY; [`Frame::EndOfPrompt`]
/// follows EOR and SGA.
///
/// ```
/// use bytes::BytesMut;
/// use telnet_proto::{Negotiation, TelnetOption, Verb};
/// use telnet_tokio::{Frame, Item, TelnetCodec};
/// use tokio_util::codec::{Decoder, Encoder};
///
/// let mut codec = TelnetCodec::new();
/// let mut input = BytesMut::from(&b"hi\xff\xfd\x18"[..]); // "hi", DO TTYPE
/// assert_eq!(codec.decode(&mut input)?, Some(Item::Data("hi".into())));
/// // The default policy refuses: the reply comes with the negotiation,
/// // to be sent back.
/// let Some(Item::Negotiation { received, reply: Some(reply), .. }) = codec.decode(&mut input)? else {
///     panic!()
/// };
/// assert_eq!(received, Negotiation::new(Verb::Do, TelnetOption::TTYPE));
/// assert_eq!(reply, Negotiation::new(Verb::Wont, TelnetOption::TTYPE));
/// assert_eq!(codec.decode(&mut input)?, None);
///
/// let mut output = BytesMut::new();
/// codec.encode(Frame::Negotiation(reply), &mut output)?;
/// codec.encode(Frame::Data(b"\xff"), &mut output)?;
/// assert_eq!(&output[..], b"\xff\xfc\x18\xff\xff");
/// # Ok::<(), telnet_tokio::Error>(())
/// ```
///
/// With the `mccp` feature, the bytes after the compression boundary
/// (including those in the same read) are decompressed before parsing;
/// [`Item::CompressionStart`] and [`Item::CompressionEnd`] mark the
/// boundaries, and corrupt compressed data is an [`Error::Decompress`].
/// Without it, the start of compression is an [`Error::Protocol`]; it only
/// happens if MCCP was enabled.
///
/// The `mccp` feature also compresses what the encoder produces, as frames
/// rather than methods so that they keep their place among the other
/// frames sent through a `Framed`: `Frame::StartCompression` writes
/// `IAC SB MCCP2 IAC SE` (or MCCP3's) and from the next frame on every
/// frame's bytes go through one zlib stream, sync-flushed frame by frame
/// so that the peer can decompress each at once; `Frame::EndCompression`
/// ends the stream. It also ends by itself when the option goes off: the
/// first frame encoded after that (the reply to the peer's `DONT MCCP2`,
/// say) is the last inside the stream. Send `Frame::EndCompression`
/// before closing, so that the peer gets a complete stream.
pub struct TelnetCodec {
    session: Session,
    inflater: Option<Box<Inflater>>,
    /// The compression of what the encoder produces (MCCP2/MCCP3), while
    /// on.
    deflater: Option<Box<Deflater>>,
    /// Decompressed bytes not parsed yet.
    plain: BytesMut,
    /// The compressed stream ended; report it once `plain` is parsed.
    end_pending: bool,
}

impl core::fmt::Debug for TelnetCodec {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TelnetCodec")
            .field("session", &self.session)
            .field("compressed", &self.inflater.is_some())
            .field(
                "output_compression",
                &self.deflater.as_ref().map(|d| d.option()),
            )
            .finish_non_exhaustive()
    }
}

impl Default for TelnetCodec {
    fn default() -> Self {
        Self::new()
    }
}

/// The outcome of parsing one event from a buffer.
enum Step {
    Item(Item),
    Compression(TelnetOption),
    /// An event without an owned form: parse on.
    Skip,
    /// The buffer is used up.
    Empty,
}

impl TelnetCodec {
    /// A codec with the default [`Config`] (refuse every option).
    pub fn new() -> Self {
        Self::with_config(Config::new())
    }

    /// A codec whose session uses `config`.
    pub fn with_config(config: Config) -> Self {
        TelnetCodec {
            session: Session::new(config),
            inflater: None,
            deflater: None,
            plain: BytesMut::new(),
            end_pending: false,
        }
    }

    /// The protocol state: option states, policy.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The protocol state, to change the policy or newline mode.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }

    /// Appends a typed subnegotiation from [`telnet_proto::options`] (a
    /// window size, a terminal type, a GMCP message...) to `dst`, framed and
    /// escaped: the typed counterpart of [`Frame::Subnegotiation`], for
    /// writing into a `Framed`'s write buffer
    /// (`framed.write_buffer_mut()`).
    ///
    /// The bytes are not compressed: while the encoder's output is
    /// (MCCP, feature `mccp`), send the payload as a
    /// [`Frame::Subnegotiation`] instead.
    pub fn encode_option<'a, P: OptionPayload<'a>>(&self, value: &P, dst: &mut BytesMut) {
        let start = dst.len();
        dst.resize(start + value.encoded_len(), 0);
        // The buffer was sized by the encoder's own count.
        let n = value.encode(&mut dst[start..]).unwrap_or(0);
        dst.truncate(start + n);
    }

    /// Whether received data is being decompressed (the peer started MCCP2
    /// or MCCP3). What the encoder produces is another matter: see
    /// `output_compression` (feature `mccp`).
    pub fn is_compressed(&self) -> bool {
        self.inflater.is_some()
    }

    /// The option the encoder's output is compressed under, if it is: from
    /// [`Frame::StartCompression`] until [`Frame::EndCompression`], or
    /// until the first frame encoded after the option went off.
    #[cfg(feature = "mccp")]
    pub fn output_compression(&self) -> Option<TelnetOption> {
        self.deflater.as_ref().map(|d| d.option())
    }

    /// [`Frame::StartCompression`].
    #[cfg(feature = "mccp")]
    fn start_compression(&mut self, option: TelnetOption, dst: &mut BytesMut) -> Result<(), Error> {
        inflate::check_start(&self.session, option)?;
        // A stream whose option went off since the last frame ends first.
        inflate::seal(&mut self.deflater, &self.session, dst, dst.len())?;
        if self.deflater.is_none() {
            tracing::debug!(target: "telnet_tokio", "send SB {option}: output compression starts");
            let _ = encode::put_subnegotiation(option, &[], dst);
            self.deflater = Some(Box::new(Deflater::new(option)));
        }
        Ok(())
    }

    /// Parses one event from the front of `buf` and removes what it used.
    fn step(session: &mut Session, buf: &mut BytesMut) -> Step {
        enum Found {
            Data { offset: usize, len: usize },
            StaticData(&'static [u8]),
            Item(Option<Item>),
            Compression(TelnetOption),
            Nothing,
        }
        let base = buf.as_ptr() as usize;
        let buf_len = buf.len();
        let mut feed = session.feed(&buf[..]);
        let found = match feed.poll_event() {
            None => Found::Nothing,
            Some(Event::Data(d)) => {
                let at = d.as_ptr() as usize;
                if at >= base && at + d.len() <= base + buf_len {
                    Found::Data {
                        offset: at - base,
                        len: d.len(),
                    }
                } else if d == b"\r" {
                    Found::StaticData(b"\r")
                } else {
                    // The only other byte the core hands out from outside
                    // the input is an IAC whose escape was split.
                    Found::StaticData(b"\xff")
                }
            }
            Some(Event::CompressionStart { option, .. }) => Found::Compression(option),
            Some(event) => Found::Item(Item::from_event(&event, Bytes::copy_from_slice)),
        };
        let consumed = feed.consumed();
        match found {
            Found::Nothing => {
                buf.advance(consumed);
                Step::Empty
            }
            Found::Data { offset, len } => {
                let chunk = buf.split_to(consumed).freeze();
                Step::Item(Item::Data(chunk.slice(offset..offset + len)))
            }
            Found::StaticData(bytes) => {
                buf.advance(consumed);
                Step::Item(Item::Data(Bytes::from_static(bytes)))
            }
            Found::Item(item) => {
                buf.advance(consumed);
                item.map_or(Step::Skip, Step::Item)
            }
            Found::Compression(option) => {
                buf.advance(consumed);
                Step::Compression(option)
            }
        }
    }
}

impl Decoder for TelnetCodec {
    type Item = Item;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Item>, Error> {
        loop {
            // Decompressed bytes first: they came before anything in `src`.
            if !self.plain.is_empty() {
                match Self::step(&mut self.session, &mut self.plain) {
                    Step::Item(item) => return Ok(Some(item)),
                    Step::Skip | Step::Empty => continue,
                    Step::Compression(option) => {
                        return Err(Error::Protocol(format!(
                            "{option} compression started again inside the compressed stream"
                        )))
                    }
                }
            }
            if self.end_pending {
                self.end_pending = false;
                return Ok(Some(Item::CompressionEnd));
            }
            if let Some(inflater) = self.inflater.as_deref_mut() {
                if src.is_empty() {
                    return Ok(None);
                }
                self.plain.resize(INFLATE_CHUNK, 0);
                let done = inflater.inflate(src, &mut self.plain)?;
                self.plain.truncate(done.produced);
                src.advance(done.consumed);
                if done.ended {
                    self.inflater = None;
                    self.end_pending = true;
                } else if done.consumed == 0 && done.produced == 0 {
                    return Err(Error::Decompress(
                        "the decompressor made no progress on its input".into(),
                    ));
                }
                continue;
            }
            match Self::step(&mut self.session, src) {
                Step::Item(item) => return Ok(Some(item)),
                Step::Skip => continue,
                Step::Empty => return Ok(None),
                Step::Compression(option) => {
                    self.inflater = Some(Box::new(Inflater::new()?));
                    return Ok(Some(Item::CompressionStart { option }));
                }
            }
        }
    }

    /// At the end of the stream: what is still owed (a held-back CR, a
    /// subnegotiation that never ended, reported as
    /// [`Item::SubnegotiationAborted`]). A compressed stream cut off before
    /// its end is taken as ended: what was decompressed is delivered.
    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Item>, Error> {
        if let Some(item) = self.decode(src)? {
            return Ok(Some(item));
        }
        self.inflater = None;
        Ok(self
            .session
            .finish()
            .and_then(|event| Item::from_event(&event, Bytes::copy_from_slice)))
    }
}

/// Something to send, for [`TelnetCodec`]'s encoder.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Frame<'a> {
    /// Binary-safe data: every 0xFF doubled.
    Data(&'a [u8]),
    /// Text: NVT newlines (`\n` as CR LF, a bare `\r` as CR NUL) and 0xFF
    /// doubled, or only 0xFF doubled while BINARY is on our side.
    Text(&'a [u8]),
    /// A two-byte command, `IAC <code>`. An invalid one
    /// ([`Command::is_valid`]) is an `InvalidInput` error and writes
    /// nothing.
    Command(Command),
    /// A negotiation sent as is, bypassing the RFC 1143 table: use it to
    /// send the `reply` of an [`Item::Negotiation`].
    Negotiation(Negotiation),
    /// Ask for an option through the RFC 1143 table (`WILL` for
    /// [`Side::Local`], `DO` for [`Side::Remote`]); sends nothing if the
    /// option is on or a request is under way.
    Enable(Side, TelnetOption),
    /// Ask to turn an option off through the RFC 1143 table.
    Disable(Side, TelnetOption),
    /// `IAC SB option payload IAC SE`, 0xFF doubled in the payload.
    Subnegotiation(TelnetOption, &'a [u8]),
    /// The end of a prompt: `IAC EOR` if EOR is on our side, else `IAC GA`
    /// unless SGA is on our side, else nothing.
    EndOfPrompt,
    /// Compress what the encoder produces from now on (MCCP2 as the
    /// server, MCCP3 as the client): writes `IAC SB option IAC SE`, and the
    /// bytes of every later frame go out as one zlib stream, flushed
    /// (`Z_SYNC_FLUSH`) at the end of each frame.
    ///
    /// The option must be [`TelnetOption::MCCP2`] with MCCP2 on our side
    /// (we sent `WILL MCCP2` and the peer answered `DO`), or
    /// [`TelnetOption::MCCP3`] with MCCP3 on the peer's side (it sent
    /// `WILL MCCP3` and we answered `DO`); otherwise an `InvalidInput`
    /// error that says which condition failed, and nothing is written.
    /// Nothing is written either if the output is compressed already.
    #[cfg(feature = "mccp")]
    StartCompression(TelnetOption),
    /// End the zlib stream (`Z_FINISH`): later frames go out plain. Writes
    /// nothing when the output is not compressed. The stream also ends by
    /// itself once its option is off (the peer's `DONT MCCP2` or
    /// `WONT MCCP3`, or a [`Frame::Disable`]): the first frame encoded
    /// after that is the last inside it.
    #[cfg(feature = "mccp")]
    EndCompression,
}

impl Encoder<Frame<'_>> for TelnetCodec {
    type Error = Error;

    /// Appends the frame's bytes to `dst`; while the output is compressed
    /// (MCCP), their compressed form, flushed.
    fn encode(&mut self, frame: Frame<'_>, dst: &mut BytesMut) -> Result<(), Error> {
        let start = dst.len();
        // `BytesMut` grows as needed, so the encoders cannot run out of room.
        let _ = match frame {
            Frame::Data(data) => encode::put_data(data, dst),
            Frame::Text(text) => {
                let start = dst.len();
                dst.resize(start + encode::text_len(text), 0);
                let n = self.session.encode_text(text, &mut dst[start..]);
                dst.truncate(start + n.unwrap_or(0));
                n
            }
            Frame::Command(command) => encode::put_command(command.check()?, dst),
            Frame::Negotiation(n) => encode::put_negotiation(n, dst),
            Frame::Enable(side, option) => match self.session.enable(side, option) {
                Some(n) => encode::put_negotiation(n, dst),
                None => Ok(0),
            },
            Frame::Disable(side, option) => match self.session.disable(side, option) {
                Some(n) => encode::put_negotiation(n, dst),
                None => Ok(0),
            },
            Frame::Subnegotiation(option, payload) => {
                encode::put_subnegotiation(option, payload, dst)
            }
            Frame::EndOfPrompt => {
                let mut mark = [0u8; 2];
                let n = match self.session.encode_end_of_record(&mut mark) {
                    Ok(0) => self.session.encode_go_ahead(&mut mark),
                    other => other,
                };
                dst.extend_from_slice(&mark[..n.unwrap_or(0)]);
                n
            }
            #[cfg(feature = "mccp")]
            Frame::StartCompression(option) => return self.start_compression(option, dst),
            #[cfg(feature = "mccp")]
            Frame::EndCompression => {
                inflate::end(&mut self.deflater, dst, start)?;
                return Ok(());
            }
        };
        inflate::seal(&mut self.deflater, &self.session, dst, start)?;
        Ok(())
    }
}
