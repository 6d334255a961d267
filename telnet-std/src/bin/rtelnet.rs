//! `rtelnet`: a Telnet client on `telnet-std`, the successor of
//! `python -m telnetlib [-d] host [port]`.
//!
//! Named `rtelnet` so that it never shadows the system's `telnet`.
//!
//! * Interactive (stdin is a terminal): raw terminal mode (restored on
//!   every exit), local echo while the server does not echo, NAWS at
//!   connect and on every resize, TTYPE from `$TERM`, NEW-ENVIRON `USER`
//!   and `TERM` when the server asks, and `Ctrl-]` for a prompt (`quit`,
//!   `brk`, `ayt`, `ip`, `trace`).
//! * Piped (stdin is not a terminal): stdin goes to the server (`\n` as
//!   CR LF, 0xFF doubled), the decoded data comes out on stdout exactly;
//!   exits 0 when the server closes after the end of stdin was sent. The
//!   end is sent once the server has been quiet for a moment (at most two
//!   seconds after stdin ended), so that its late negotiations are still
//!   answered.
//! * `--demo`: runs the bundled echo server on a free loopback port,
//!   connects to it with the trace on, and exchanges a few lines.

use std::io::{self, IsTerminal, Read, Write};
use std::net::TcpStream;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use telnet_std::telnet_proto::{encode, Command, Side, TelnetOption};
use telnet_std::{Builder, Error, Ready, Telnet};

/// How long the loops wait on the connection before looking at stdin again.
const POLL: Duration = Duration::from_millis(20);

/// Ctrl-]: the escape key.
const ESCAPE: u8 = 0x1d;

/// Piped mode: after the end of stdin, our direction is shut down only once
/// the server has been quiet this long (counted from the end of stdin at
/// the earliest), so that negotiations it sends late (its opening, when a
/// short stdin ended before it arrived, or a next round) are still
/// answered: nothing can be sent after the shutdown.
const LINGER_QUIET: Duration = Duration::from_millis(300);

/// ... and at the latest this long after the end of stdin, for servers that
/// never speak or never stop before they see our end.
const LINGER_MAX: Duration = Duration::from_secs(2);

#[derive(Parser, Debug)]
#[command(
    name = "rtelnet",
    version,
    about = "A Telnet client (RFC 854) built on telnet-std",
    long_about = "A Telnet client (RFC 854) built on telnet-std.\n\n\
        With a terminal on stdin it is interactive (Ctrl-] opens a prompt). \
        With stdin piped it copies stdin to the server (\\n sent as CR LF) and \
        the server's data to stdout, and exits when the server closes.",
    after_help = "Examples:\n  rtelnet --demo\n  rtelnet towel.blinkenlights.nl\n  \
        printf 'GET / HTTP/1.0\\n\\n' | rtelnet example.com 80"
)]
struct Args {
    /// The host to connect to.
    #[arg(required_unless_present = "demo")]
    host: Option<String>,

    /// The TCP port.
    #[arg(default_value_t = 23)]
    port: u16,

    /// Print every negotiation and command, both ways, to stderr
    /// (`RCVD DO NAWS`, `SENT WILL NAWS`); twice (-dd) also the raw bytes.
    #[arg(short = 'd', long = "trace", action = clap::ArgAction::Count)]
    trace: u8,

    /// Give up connecting after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0, value_parser = parse_seconds)]
    connect_timeout: f64,

    /// Accept MCCP2 compression from the server.
    #[arg(long)]
    mccp: bool,

    /// Send input as it is: no NVT newline translation (\n stays LF).
    #[arg(long)]
    raw: bool,

    /// Start the bundled echo server on a free loopback port, connect to it
    /// with the trace on, exchange a few lines, and exit.
    #[arg(long, conflicts_with_all = ["host"])]
    demo: bool,
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    let secs: f64 = s
        .parse()
        .map_err(|_| format!("{s:?} is not a number of seconds"))?;
    if secs.is_finite() && secs > 0.0 && secs < 1e9 {
        Ok(secs)
    } else {
        Err("the timeout must be a positive number of seconds".into())
    }
}

// ---- trace ---------------------------------------------------------------

/// 0: off, 1: negotiations and commands, 2: also raw bytes.
static TRACE_LEVEL: AtomicU8 = AtomicU8::new(0);
/// The terminal is in raw mode: lines need CR LF.
static RAW_TERMINAL: AtomicBool = AtomicBool::new(false);
/// The demo prints its trace on stdout, with the exchange.
static TRACE_TO_STDOUT: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Only the client's own thread is traced (the demo's server runs in
    /// the same process).
    static TRACED_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Writes trace lines to stderr (or stdout for the demo), with CR LF while
/// the terminal is raw.
struct TraceWriter;

impl Write for TraceWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut text = buf.to_vec();
        if RAW_TERMINAL.load(Ordering::Relaxed) {
            text = String::from_utf8_lossy(&text)
                .replace('\n', "\r\n")
                .into_bytes();
        }
        if TRACE_TO_STDOUT.load(Ordering::Relaxed) {
            io::stdout().lock().write_all(&text)?;
        } else {
            io::stderr().lock().write_all(&text)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().flush()?;
        io::stderr().flush()
    }
}

/// Decides per event (the level changes at run time, and only one thread
/// is traced), so every callsite is "sometimes" interesting.
struct TraceFilter;

impl<S> tracing_subscriber::layer::Filter<S> for TraceFilter {
    fn enabled(
        &self,
        meta: &tracing::Metadata<'_>,
        _: &tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        let level = TRACE_LEVEL.load(Ordering::Relaxed);
        let target = meta.target();
        level > 0
            && TRACED_THREAD.with(|t| t.get())
            && ((target == "telnet_std" && *meta.level() != tracing::Level::TRACE)
                || (level > 1 && target == "telnet_std::wire"))
    }

    fn callsite_enabled(
        &self,
        _: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
}

fn install_trace() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::Layer;
    let filter = TraceFilter;
    let layer = tracing_subscriber::fmt::layer()
        .without_time()
        .with_target(false)
        .with_level(false)
        .with_ansi(false)
        .with_writer(|| TraceWriter)
        .with_filter(filter);
    let subscriber = tracing_subscriber::registry().with(layer);
    let _ = tracing::subscriber::set_global_default(subscriber);
    TRACED_THREAD.with(|t| t.set(true));
}

// ---- main ----------------------------------------------------------------

fn main() -> ExitCode {
    let args = Args::parse();
    TRACE_LEVEL.store(args.trace, Ordering::Relaxed);
    install_trace();
    if args.demo {
        return demo(&args);
    }
    let host = args.host.clone().unwrap_or_default();
    let interactive = io::stdin().is_terminal();
    let mut tn = match connect(&args, &host, args.port, interactive) {
        Ok(tn) => tn,
        Err(code) => return code,
    };
    let result = if interactive {
        interactive_session(&mut tn, &args)
    } else {
        piped_session(&mut tn, args.raw)
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = io::stdout().flush();
            eprintln!("rtelnet: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Connects with the client's policy; prints one line and returns the exit
/// code on failure.
fn connect(args: &Args, host: &str, port: u16, interactive: bool) -> Result<Telnet, ExitCode> {
    let timeout = Duration::from_secs_f64(args.connect_timeout);
    let mut builder = Builder::new()
        .connect_timeout(timeout)
        .allow(Side::Remote, TelnetOption::ECHO)
        .allow(Side::Remote, TelnetOption::SGA);
    if let Ok(term) = std::env::var("TERM") {
        if !term.is_empty() {
            builder = builder
                .terminal_type(term.to_uppercase())
                .environment("TERM", term);
        }
    }
    if let Some(user) = std::env::var("USER").ok().filter(|u| !u.is_empty()) {
        builder = builder.environment("USER", user);
    }
    if interactive {
        let (w, h) = crossterm::terminal::size().unwrap_or((80, 24));
        builder = builder
            .window_size(w, h)
            .request(Side::Local, TelnetOption::NAWS);
    }
    if args.mccp {
        builder = builder.mccp();
    }
    match builder.connect((host, port)) {
        Ok(tn) => Ok(tn),
        Err(e) => {
            let why = match &e {
                Error::Timeout => format!("timed out after {}s", args.connect_timeout),
                Error::Io(io) if io.kind() == io::ErrorKind::TimedOut => {
                    format!("timed out after {}s", args.connect_timeout)
                }
                Error::Io(io) => io.to_string(),
                other => other.to_string(),
            };
            eprintln!("rtelnet: cannot connect to {host} port {port}: {why}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// Reads stdin on a thread; an empty chunk is its end.
fn spawn_stdin() -> Receiver<io::Result<Vec<u8>>> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut stdin = io::stdin().lock();
        let mut buf = vec![0u8; 4096];
        loop {
            let chunk = match stdin.read(&mut buf) {
                Ok(n) => Ok(buf[..n].to_vec()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => Err(e),
            };
            let last = !matches!(&chunk, Ok(c) if !c.is_empty());
            if tx.send(chunk).is_err() || last {
                return;
            }
        }
    });
    rx
}

/// What [`pump_output`] saw.
#[derive(PartialEq, Eq)]
enum Pumped {
    /// The server closed the connection.
    Closed,
    /// Nothing arrived within [`POLL`].
    Quiet,
    /// Bytes arrived (data, negotiations) or are waiting to be read.
    Heard,
}

/// Copies what the server sent to stdout.
fn pump_output(tn: &mut Telnet, stdout: &mut impl Write) -> telnet_std::Result<Pumped> {
    match tn.read_very_eager() {
        Ok(data) => {
            if !data.is_empty() {
                stdout.write_all(&data)?;
                stdout.flush()?;
                Ok(Pumped::Heard)
            } else if tn.get_mut().wait_readable(Some(POLL))? {
                Ok(Pumped::Heard)
            } else {
                Ok(Pumped::Quiet)
            }
        }
        Err(Error::Eof) => Ok(Pumped::Closed),
        Err(e) => Err(e),
    }
}

// ---- piped mode --------------------------------------------------------

fn piped_session(tn: &mut Telnet, raw: bool) -> telnet_std::Result<()> {
    let input = spawn_stdin();
    let mut stdout = io::stdout().lock();
    let mut input_open = true;
    // A CR LF may be cut between two chunks of stdin.
    let mut pieces = encode::TextPieces::new();
    // When stdin ended, and when the server was last heard from: the end
    // of our direction waits for the server to be quiet (LINGER_QUIET).
    let mut input_ended: Option<Instant> = None;
    let mut last_heard: Option<Instant> = None;
    let mut write_open = true;
    loop {
        while input_open {
            match input.try_recv() {
                Ok(Ok(chunk)) if chunk.is_empty() => {
                    tn.write_text(pieces.finish())?;
                    input_open = false;
                    input_ended = Some(Instant::now());
                }
                Ok(Ok(chunk)) => {
                    if raw {
                        tn.write(&chunk)?;
                        continue;
                    }
                    let (head, body) = pieces.next(&chunk);
                    tn.write_text([head, body].concat())?;
                }
                Ok(Err(e)) => return Err(Error::Io(e)),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    input_open = false;
                    input_ended = Some(Instant::now());
                }
            }
        }
        match pump_output(tn, &mut stdout)? {
            Pumped::Closed => return Ok(()),
            Pumped::Heard => last_heard = Some(Instant::now()),
            Pumped::Quiet => {}
        }
        if let (true, Some(ended)) = (write_open, input_ended) {
            let quiet_since = last_heard.map(|heard| heard.max(ended));
            if quiet_since.is_some_and(|t| t.elapsed() >= LINGER_QUIET)
                || ended.elapsed() >= LINGER_MAX
            {
                // The end of stdin: the server sees the end of our
                // direction, and closes when it is done.
                tn.shutdown_write()?;
                write_open = false;
            }
        }
    }
}

// ---- interactive mode ----------------------------------------------------

/// Raw terminal mode for as long as it lives.
struct RawMode;

impl RawMode {
    fn enter() -> io::Result<RawMode> {
        crossterm::terminal::enable_raw_mode()?;
        RAW_TERMINAL.store(true, Ordering::Relaxed);
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = crossterm::terminal::disable_raw_mode();
        RAW_TERMINAL.store(false, Ordering::Relaxed);
    }
}

fn interactive_session(tn: &mut Telnet, args: &Args) -> telnet_std::Result<()> {
    // Restore the terminal on a panic too.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = crossterm::terminal::disable_raw_mode();
        default_hook(info);
    }));
    let mut out = io::stdout().lock();
    let _ = write!(
        out,
        "Connected to {} port {}.\nEscape character is '^]'.\n",
        args.host.as_deref().unwrap_or_default(),
        args.port
    );
    let _ = out.flush();
    let _raw = RawMode::enter()?;
    let input = spawn_stdin();
    let mut size = crossterm::terminal::size().ok();
    loop {
        loop {
            match input.try_recv() {
                Ok(Ok(chunk)) if chunk.is_empty() => return Ok(()),
                Ok(Ok(chunk)) => {
                    if keys(tn, &chunk, &input, &mut out, args.raw)? == Flow::Quit {
                        return Ok(());
                    }
                }
                Ok(Err(e)) => return Err(Error::Io(e)),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => return Ok(()),
            }
        }
        let now = crossterm::terminal::size().ok();
        if now != size {
            size = now;
            if let Some((w, h)) = now {
                tn.set_window_size(w, h)?;
            }
        }
        if pump_output(tn, &mut out)? == Pumped::Closed {
            let _ = write!(out, "\r\nConnection closed by foreign host.\r\n");
            let _ = out.flush();
            return Ok(());
        }
    }
}

#[derive(PartialEq, Eq)]
enum Flow {
    Go,
    Quit,
}

/// Sends typed keys, echoing them while the server does not, and runs the
/// escape prompt on Ctrl-].
fn keys(
    tn: &mut Telnet,
    chunk: &[u8],
    input: &Receiver<io::Result<Vec<u8>>>,
    out: &mut impl Write,
    raw: bool,
) -> telnet_std::Result<Flow> {
    let mut rest = chunk;
    while !rest.is_empty() {
        let (keys, escape) = match rest.iter().position(|&b| b == ESCAPE) {
            Some(i) => (&rest[..i], true),
            None => (rest, false),
        };
        send_keys(tn, keys, out, raw)?;
        rest = &rest[keys.len()..];
        if escape {
            rest = &rest[1..];
            if prompt(tn, input, out)? == Flow::Quit {
                return Ok(Flow::Quit);
            }
        }
    }
    Ok(Flow::Go)
}

fn send_keys(
    tn: &mut Telnet,
    keys: &[u8],
    out: &mut impl Write,
    raw: bool,
) -> telnet_std::Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    if !tn.is_enabled(Side::Remote, TelnetOption::ECHO) {
        // The terminal is raw: echo ourselves, Enter as a new line.
        let mut echo = Vec::with_capacity(keys.len());
        for &k in keys {
            match k {
                b'\r' | b'\n' => echo.extend_from_slice(b"\r\n"),
                0x7f | 0x08 => echo.extend_from_slice(b"\x08 \x08"),
                _ => echo.push(k),
            }
        }
        out.write_all(&echo)?;
        out.flush()?;
    }
    if raw {
        return tn.write(keys);
    }
    // Enter gives CR in a raw terminal: send the NVT newline.
    let text: Vec<u8> = keys
        .iter()
        .map(|&k| if k == b'\r' { b'\n' } else { k })
        .collect();
    tn.write_text(&text)
}

/// The Ctrl-] prompt: one command line, read from the raw terminal.
fn prompt(
    tn: &mut Telnet,
    input: &Receiver<io::Result<Vec<u8>>>,
    out: &mut impl Write,
) -> telnet_std::Result<Flow> {
    write!(out, "\r\nrtelnet> ")?;
    out.flush()?;
    let mut line = Vec::new();
    'read: loop {
        let chunk = match input.recv() {
            Ok(Ok(chunk)) if !chunk.is_empty() => chunk,
            _ => return Ok(Flow::Quit),
        };
        for &b in &chunk {
            match b {
                b'\r' | b'\n' => break 'read,
                0x7f | 0x08 => {
                    if line.pop().is_some() {
                        out.write_all(b"\x08 \x08")?;
                    }
                }
                0x03 | 0x04 => return Ok(Flow::Quit),
                _ => {
                    line.push(b);
                    out.write_all(&[b])?;
                }
            }
        }
        out.flush()?;
    }
    out.write_all(b"\r\n")?;
    let command = String::from_utf8_lossy(&line).trim().to_ascii_lowercase();
    match command.as_str() {
        "" | "c" | "continue" => {}
        "q" | "quit" | "close" => {
            write!(out, "Connection closed.\r\n")?;
            out.flush()?;
            return Ok(Flow::Quit);
        }
        "brk" | "break" => tn.send_command(Command::Break)?,
        "ayt" => tn.send_command(Command::AreYouThere)?,
        "ip" => tn.send_command(Command::InterruptProcess)?,
        "trace" | "d" => {
            let on = TRACE_LEVEL.load(Ordering::Relaxed) == 0;
            TRACE_LEVEL.store(u8::from(on), Ordering::Relaxed);
            write!(out, "trace {}\r\n", if on { "on" } else { "off" })?;
        }
        _ => write!(
            out,
            "commands: quit, brk, ayt, ip, trace, continue (or an empty line)\r\n"
        )?,
    }
    out.flush()?;
    Ok(Flow::Go)
}

// ---- demo ----------------------------------------------------------------

fn demo(args: &Args) -> ExitCode {
    match run_demo(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rtelnet: demo failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_demo(args: &Args) -> telnet_std::Result<()> {
    TRACE_TO_STDOUT.store(true, Ordering::Relaxed);
    TRACE_LEVEL.store(args.trace.max(1), Ordering::Relaxed);
    let addr = telnet_std::echo::spawn("127.0.0.1:0")?;
    let mut stdout = io::stdout();
    writeln!(stdout, "echo server (telnet_std::echo) listening on {addr}")?;
    writeln!(stdout, "connecting; negotiation trace follows")?;
    let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
    let mut tn = Builder::new()
        .timeout(Some(Duration::from_secs(10)))
        .allow(Side::Remote, TelnetOption::ECHO)
        .allow(Side::Remote, TelnetOption::SGA)
        .window_size(80, 24)
        .terminal_type("XTERM-256COLOR")
        .build(stream)?;
    let lines: [&[u8]; 2] = [b"hello, telnet\n", b"0xFF goes as IAC IAC: \xff\n"];
    for line in lines {
        writeln!(stdout, "sent     {}", escape(line))?;
        stdout.flush()?;
        tn.write_text(line)?;
        let echoed = tn.read_until(b"\r\n")?;
        writeln!(stdout, "received {}", escape(&echoed))?;
        let expected: Vec<u8> = [&line[..line.len() - 1], b"\r\n"].concat();
        if echoed != expected {
            return Err(Error::Protocol(format!(
                "the echo differs: expected {}",
                escape(&expected)
            )));
        }
    }
    tn.shutdown_write()?;
    let rest = tn.read_all()?;
    if !rest.is_empty() {
        return Err(Error::Protocol(format!(
            "unexpected data: {}",
            escape(&rest)
        )));
    }
    writeln!(
        stdout,
        "server closed the connection; server echo: {}, suppress go-ahead: {}",
        on_off(tn.is_enabled(Side::Remote, TelnetOption::ECHO)),
        on_off(tn.is_enabled(Side::Remote, TelnetOption::SGA)),
    )?;
    stdout.flush()?;
    Ok(())
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

/// Bytes as a quoted string with escapes.
fn escape(bytes: &[u8]) -> String {
    format!("\"{}\"", bytes.escape_ascii())
}
