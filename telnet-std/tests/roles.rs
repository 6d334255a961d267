//! Client and server of this crate against each other, the echo service,
//! the echo example binary, and `interact`.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use support::LIMIT;
use telnet_proto::{Side, TelnetOption};
use telnet_std::pipe::pipe;
use telnet_std::{Builder, Control, Error, Handler, Ready, Telnet};

/// The server's half of the conversation: negotiate, greet, read a line,
/// answer it, return what it learnt.
fn serve<S: Read + Write + Ready>(stream: S) -> (Option<(u16, u16)>, Option<String>, bool) {
    let mut tn = Builder::server()
        .timeout(Some(LIMIT))
        .build(stream)
        .unwrap();
    tn.negotiate(Some(LIMIT)).unwrap();
    tn.write_text("ready\n").unwrap();
    let line = tn.read_until(b"\r\n").unwrap();
    tn.write_text(format!("you said {}", String::from_utf8_lossy(&line)))
        .unwrap();
    let learnt = (
        tn.peer_window_size(),
        tn.peer_terminal_type().map(str::to_owned),
        tn.is_enabled(Side::Local, TelnetOption::ECHO),
    );
    // Wait for the client to close.
    assert_eq!(tn.read_all().unwrap(), b"");
    learnt
}

fn converse<S: Read + Write + Ready>(stream: S) {
    let mut tn = Builder::new()
        .timeout(Some(LIMIT))
        .allow(Side::Remote, TelnetOption::ECHO)
        .allow(Side::Remote, TelnetOption::SGA)
        .window_size(100, 40)
        .terminal_type("XTERM")
        .build(stream)
        .unwrap();
    assert_eq!(tn.read_until(b"ready\r\n").unwrap(), b"ready\r\n");
    assert!(tn.is_enabled(Side::Remote, TelnetOption::ECHO));
    assert!(tn.is_enabled(Side::Remote, TelnetOption::SGA));
    assert!(tn.is_enabled(Side::Local, TelnetOption::NAWS));
    assert!(tn.is_enabled(Side::Local, TelnetOption::TTYPE));
    tn.write_text("hello \u{e9}\n").unwrap();
    assert_eq!(
        tn.read_until(b"\r\n").unwrap(),
        "you said hello \u{e9}\r\n".as_bytes()
    );
}

#[test]
fn client_and_server_over_a_pipe() {
    let (client_end, server_end) = pipe();
    let server = thread::spawn(move || serve(server_end));
    converse(client_end);
    let (size, ttype, echo) = server.join().unwrap();
    assert_eq!(size, Some((100, 40)));
    assert_eq!(ttype.as_deref(), Some("XTERM"));
    assert!(echo);
}

#[test]
fn client_and_server_over_tcp() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || serve(listener.accept().unwrap().0));
    converse(TcpStream::connect(addr).unwrap());
    let (size, ttype, _) = server.join().unwrap();
    assert_eq!(size, Some((100, 40)));
    assert_eq!(ttype.as_deref(), Some("XTERM"));
}

/// Collects every NAWS payload.
struct NawsLog(Arc<Mutex<Vec<Vec<u8>>>>);

impl Handler for NawsLog {
    fn subnegotiation(&mut self, option: TelnetOption, payload: &[u8], _: &mut Control<'_>) {
        if option == TelnetOption::NAWS {
            self.0.lock().unwrap().push(payload.to_vec());
        }
    }
}

#[test]
fn window_size_updates_reach_the_server() {
    let (client_end, server_end) = pipe();
    let server = thread::spawn(move || {
        // Several subnegotiations may come in one read: a handler sees each
        // (read_sb_data keeps only the last).
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let mut tn = Builder::server()
            .timeout(Some(LIMIT))
            .handler(NawsLog(Arc::clone(&sizes)))
            .build(server_end)
            .unwrap();
        while sizes.lock().unwrap().len() < 2 {
            if !tn.process_input(Some(LIMIT)).unwrap() {
                break;
            }
        }
        let sizes = sizes.lock().unwrap().clone();
        sizes
    });
    let mut tn = Builder::new()
        .timeout(Some(LIMIT))
        .window_size(80, 24)
        .build(client_end)
        .unwrap();
    while !tn.is_enabled(Side::Local, TelnetOption::NAWS) {
        assert!(tn.process_input(Some(LIMIT)).unwrap());
    }
    tn.set_window_size(300, 255).unwrap();
    assert_eq!(
        server.join().unwrap(),
        [vec![0, 80, 0, 24], vec![1, 44, 0, 255]]
    );
}

#[test]
fn echo_service_echoes_data_with_iac_doubled() {
    let addr = telnet_std::echo::spawn("127.0.0.1:0").unwrap();
    let mut tn = Builder::new().timeout(Some(LIMIT)).connect(addr).unwrap();
    tn.write(b"bin\xff\x00ary\r\n").unwrap();
    assert_eq!(tn.read_until(b"\r\n").unwrap(), b"bin\xff\x00ary\r\n");

    // The server's offers were refused by our default policy.
    assert!(!tn.is_enabled(Side::Remote, TelnetOption::ECHO));
    tn.get_ref().shutdown(Shutdown::Write).unwrap();
    assert_eq!(tn.read_all().unwrap(), b"");
}

#[test]
fn echo_service_sends_cr_nul_back_on_the_wire() {
    // A raw socket sees the bytes themselves: RFC 854 forbids a bare CR.
    let addr = telnet_std::echo::spawn("127.0.0.1:0").unwrap();
    let mut raw = std::net::TcpStream::connect(addr).unwrap();
    raw.set_read_timeout(Some(LIMIT)).unwrap();
    raw.write_all(b"cr\r\x00nul\r\n").unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 256];
    while !seen.ends_with(b"nul\r\n") {
        let n = raw.read(&mut buf).expect("the echo came back in time");
        assert!(n > 0, "closed early; saw {seen:02x?}");
        seen.extend_from_slice(&buf[..n]);
    }
    // The server's own negotiations come first; the echo is exact.
    assert!(seen.ends_with(b"cr\r\x00nul\r\n"), "{seen:02x?}");
}

/// This crate's built `echo` example, in the `examples` folder next to
/// this test's executable. telnet-tokio has an example called `echo` too,
/// and a build of the whole workspace links whichever it built last to
/// `examples/echo`; so this takes the newest `echo-<hash>` binary whose
/// dependency file names this crate's `examples/echo.rs` (this crate's
/// folder has the crate's name).
fn echo_example_path() -> PathBuf {
    let mut dir = std::env::current_exe().unwrap();
    dir.pop();
    if dir.ends_with("deps") {
        dir.pop();
    }
    let dir = dir.join("examples");
    // Dependency files name sources inside the workspace from its root.
    let source = concat!(env!("CARGO_PKG_NAME"), "/examples/echo.rs");
    let mut newest: Option<(std::time::SystemTime, PathBuf)> = None;
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let Some(binary) = name
            .strip_prefix("echo-")
            .and_then(|n| n.strip_suffix(".d"))
        else {
            continue;
        };
        let binary = dir.join(format!("echo-{binary}"));
        let deps = std::fs::read_to_string(&path).unwrap_or_default();
        let Ok(built) = binary.metadata().and_then(|m| m.modified()) else {
            continue;
        };
        if deps.contains(source) && newest.as_ref().map_or(true, |(time, _)| built > *time) {
            newest = Some((built, binary));
        }
    }
    let (_, path) = newest.unwrap_or_else(|| panic!("{source} not built in {}", dir.display()));
    path
}

/// Kills the child when dropped, so a failing test leaves no process.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn echo_example_binary() {
    let path = echo_example_path();
    // A port that was free a moment ago; the example binds it.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = Killed(
        Command::new(&path)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // Its first line says it listens; reading it is bounded by the
    // connection test below failing if it never comes.
    let stdout = child.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(LIMIT).expect("the example printed nothing");
    assert_eq!(line.trim(), format!("listening on 127.0.0.1:{port}"));

    let mut tn = Telnet::connect_timeout(("127.0.0.1", port), LIMIT).unwrap();
    // Two clients at once: each on its own thread.
    let mut other = Telnet::connect_timeout(("127.0.0.1", port), LIMIT).unwrap();
    tn.write_text("first\n").unwrap();
    other.write_text("second \u{ff}\n").unwrap();
    assert_eq!(tn.read_until(b"\r\n").unwrap(), b"first\r\n");
    assert_eq!(
        other.read_until(b"\r\n").unwrap(),
        "second \u{ff}\r\n".as_bytes()
    );
    tn.get_ref().shutdown(Shutdown::Write).unwrap();
    assert_eq!(tn.read_all().unwrap(), b"");
    assert!(matches!(tn.read_very_lazy(), Err(Error::Eof)));
}

/// A writer that collects into shared memory.
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<u8>>>);

impl Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Shared {
    fn wait_for(&self, want: &[u8]) {
        let start = Instant::now();
        while support::find(&self.0.lock().unwrap(), want).is_none() {
            assert!(start.elapsed() < LIMIT, "never saw {want:?}");
            thread::sleep(Duration::from_millis(5));
        }
    }
}

#[test]
fn interact_both_ways_until_input_ends() {
    let addr = telnet_std::echo::spawn("127.0.0.1:0").unwrap();
    let mut tn = Builder::new().timeout(Some(LIMIT)).connect(addr).unwrap();
    let (mut keyboard, input) = pipe();
    let screen = Shared::default();
    let out = screen.clone();
    let session = thread::spawn(move || {
        let result = tn.interact(input, out);
        (result, tn)
    });
    keyboard.write_all(b"typed\n").unwrap();
    screen.wait_for(b"typed\r\n");
    keyboard.write_all(b"more\r").unwrap();
    keyboard.write_all(b"\n").unwrap();
    screen.wait_for(b"more\r\n");
    drop(keyboard);
    let (result, _tn) = session.join().unwrap();
    result.unwrap();
    assert_eq!(*screen.0.lock().unwrap(), b"typed\r\nmore\r\n");
}

#[test]
fn interact_ends_when_the_peer_closes() {
    let peer = support::Peer::start(vec![support::send("goodbye"), support::Step::Close]);
    let mut tn = Builder::new()
        .timeout(Some(LIMIT))
        .connect(peer.addr)
        .unwrap();
    let (_keyboard, input) = pipe();
    let screen = Shared::default();
    tn.interact(input, screen.clone()).unwrap();
    assert_eq!(*screen.0.lock().unwrap(), b"goodbye");
    drop(tn);
    peer.finish();
}
