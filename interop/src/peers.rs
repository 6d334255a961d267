//! The real peers: how each is found and started on 127.0.0.1.
//!
//! Servers are returned running and listening; clients are returned
//! running, connected (or connecting) to the given port. Anything that
//! cannot be found or started panics with a message naming it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;

use crate::net::{free_port, wait_listening};
use crate::process::{require_program, Peer, PATIENCE};

/// The directory of the Python peers (`interop/peers`).
pub fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("peers")
}

/// The Python interpreter for the Python peers: `$INTEROP_PYTHON` (ci.sh
/// points it at the virtual environment holding telnetlib3), else
/// `python3`.
pub fn python() -> PathBuf {
    match std::env::var_os("INTEROP_PYTHON") {
        Some(p) => require_program(&p.to_string_lossy(), "python3 (INTEROP_PYTHON)"),
        None => require_program("python3", "python3"),
    }
}

/// Panics unless `python()` can import `module`.
fn require_python_module(module: &str, how: &str) -> PathBuf {
    let python = python();
    let out = Command::new(&python)
        .args(["-W", "ignore", "-c", &format!("import {module}")])
        .output()
        .unwrap_or_else(|e| panic!("interop peer missing: cannot run {}: {e}", python.display()));
    assert!(
        out.status.success(),
        "interop peer missing: {} cannot import {module} ({how}): {}",
        python.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    python
}

fn localhost(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

fn started(mut peer: Peer, port: u16) -> (Peer, SocketAddr) {
    if let Err(e) = wait_listening(port, PATIENCE) {
        let _ = peer.is_running();
        panic!(
            "interop peer {} did not start listening: {e}\n{}",
            peer.name(),
            peer.describe_output()
        );
    }
    (peer, localhost(port))
}

/// busybox telnetd (Debian's busybox-static; plain `busybox` lacks the
/// applet), serving `/bin/cat` on a pty.
pub fn busybox_telnetd() -> (Peer, SocketAddr) {
    let busybox = require_program("busybox", "busybox-static");
    let port = free_port();
    let peer = Peer::spawn(
        "busybox telnetd",
        Command::new(busybox).args([
            "telnetd",
            "-F",
            "-p",
            &port.to_string(),
            "-b",
            "127.0.0.1",
            "-f",
            "/dev/null",
            "-l",
            "/bin/cat",
        ]),
    );
    started(peer, port)
}

/// inetutils telnetd, one process per connection under socat, serving
/// `/bin/cat` (never a login program).
pub fn inetutils_telnetd() -> (Peer, SocketAddr) {
    let socat = require_program("socat", "socat");
    let telnetd = require_program("/usr/sbin/telnetd", "inetutils-telnetd");
    let port = free_port();
    let peer = Peer::spawn(
        "inetutils telnetd (under socat)",
        Command::new(socat).args([
            &format!("TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork"),
            &format!("EXEC:\"{} -h -E /bin/cat\",nofork", telnetd.display()),
        ]),
    );
    started(peer, port)
}

/// libtelnet's `telnet-chatd` (libtelnet-utils): a chat room that offers
/// MCCP2 and ECHO. It binds every interface; the tests only use 127.0.0.1.
pub fn telnet_chatd() -> (Peer, SocketAddr) {
    let chatd = require_program("telnet-chatd", "libtelnet-utils");
    let port = free_port();
    let peer = Peer::spawn("telnet-chatd", Command::new(chatd).arg(port.to_string()));
    started(peer, port)
}

/// `peers/telnetlib_server.py`: a one-connection echo server that
/// negotiates as Python's telnetlib does.
pub fn telnetlib_server() -> (Peer, SocketAddr) {
    let python = python();
    let mut peer = Peer::spawn(
        "telnetlib-style server",
        Command::new(python).arg(scripts_dir().join("telnetlib_server.py")),
    );
    let port = peer.announced_port();
    (peer, localhost(port))
}

/// `peers/telnetlib3_server.py`: a telnetlib3 echo server.
pub fn telnetlib3_server() -> (Peer, SocketAddr) {
    let python = require_python_module(
        "telnetlib3",
        "pip install telnetlib3, as interop/ci.sh does",
    );
    let mut peer = Peer::spawn(
        "telnetlib3 server",
        Command::new(python).arg(scripts_dir().join("telnetlib3_server.py")),
    );
    let port = peer.announced_port();
    (peer, localhost(port))
}

/// Runs `command` (a shell command line) under `script`, which gives it a
/// pseudo-terminal of 80 columns and 24 rows with `TERM=xterm`. What the
/// test writes to the peer's stdin arrives as typed on that terminal.
pub fn in_terminal(name: &str, command: &str) -> Peer {
    let script = require_program("script", "bsdutils");
    require_program("stty", "coreutils");
    Peer::spawn(
        name,
        Command::new(script)
            .args([
                "-qfec",
                &format!("stty rows 24 cols 80; exec {command}"),
                "/dev/null",
            ])
            .env("TERM", "xterm"),
    )
}

/// inetutils `telnet` in a terminal, connecting to 127.0.0.1:`port`.
pub fn inetutils_telnet(port: u16) -> Peer {
    let telnet = require_program("inetutils-telnet", "inetutils-telnet");
    in_terminal(
        "inetutils telnet",
        &format!("{} 127.0.0.1 {port}", telnet.display()),
    )
}

/// busybox `telnet` in a terminal, connecting to 127.0.0.1:`port`.
pub fn busybox_telnet(port: u16) -> Peer {
    let busybox = require_program("busybox", "busybox-static");
    in_terminal(
        "busybox telnet",
        &format!("{} telnet 127.0.0.1 {port}", busybox.display()),
    )
}

/// libtelnet's `telnet-client`, reading lines from its stdin (no terminal
/// needed), connecting to 127.0.0.1:`port`.
pub fn libtelnet_client(port: u16) -> Peer {
    let client = require_program("telnet-client", "libtelnet-utils");
    Peer::spawn(
        "libtelnet telnet-client",
        Command::new(client)
            .args(["127.0.0.1", &port.to_string()])
            .env("TERM", "xterm"),
    )
}

/// tintin++ in a terminal, opening a session to 127.0.0.1:`port`.
pub fn tintin(port: u16) -> Peer {
    let tintin = require_program("tt++", "tintin++");
    in_terminal(
        "tintin++",
        &format!(
            "{} -G -e '#session interop 127.0.0.1 {port}'",
            tintin.display()
        ),
    )
}

/// `peers/telnetlib_client.py`: Python's telnetlib reads the greeting
/// line, writes `payload`, reads through `expect`.
pub fn telnetlib_client(port: u16, payload: &[u8], expect: &[u8]) -> Peer {
    telnetlib_client_with(port, payload, expect, &[])
}

/// [`telnetlib_client`] with extra arguments (`--no-greeting`: write the
/// payload at once, for servers that send no greeting).
pub fn telnetlib_client_with(port: u16, payload: &[u8], expect: &[u8], extra: &[&str]) -> Peer {
    let python = require_python_module("telnetlib", "Python 3.12 or older");
    Peer::spawn(
        "Python telnetlib client",
        Command::new(python)
            .args([
                "-W".into(),
                "ignore".into(),
                scripts_dir().join("telnetlib_client.py").into_os_string(),
                port.to_string().into(),
                hex(payload).into(),
                hex(expect).into(),
            ])
            .args(extra),
    )
}

/// `peers/telnetlib3_client.py`: a telnetlib3 client reads the greeting
/// line, writes `payload`, reads through `expect`.
pub fn telnetlib3_client(port: u16, payload: &[u8], expect: &[u8]) -> Peer {
    telnetlib3_client_with(port, payload, expect, &[])
}

/// [`telnetlib3_client`] with extra arguments (`--no-greeting`).
pub fn telnetlib3_client_with(port: u16, payload: &[u8], expect: &[u8], extra: &[&str]) -> Peer {
    let python = require_python_module(
        "telnetlib3",
        "pip install telnetlib3, as interop/ci.sh does",
    );
    Peer::spawn(
        "telnetlib3 client",
        Command::new(python)
            .args([
                scripts_dir().join("telnetlib3_client.py").into_os_string(),
                port.to_string().into(),
                hex(payload).into(),
                hex(expect).into(),
            ])
            .args(extra),
    )
}

/// Lower-case hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of lower-case or upper-case hexadecimal.
///
/// # Panics
///
/// On anything that is not an even number of hex digits.
pub fn unhex(text: &str) -> Vec<u8> {
    let text = text.trim();
    assert!(text.len() % 2 == 0, "odd-length hex {text:?}");
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&text[i..i + 2], 16).unwrap_or_else(|_| panic!("bad hex {text:?}"))
        })
        .collect()
}

/// One of our binaries, built by interop/ci.sh into `$INTEROP_BIN_DIR`
/// (`telnet-std-echo`, `telnet-tokio-echo`, ...).
///
/// # Panics
///
/// When `INTEROP_BIN_DIR` is unset or the binary is not there.
pub fn our_binary(name: &str) -> PathBuf {
    let dir = std::env::var_os("INTEROP_BIN_DIR").unwrap_or_else(|| {
        panic!("INTEROP_BIN_DIR is unset: run interop/ci.sh, which builds our binaries ({name})")
    });
    let path = PathBuf::from(dir).join(name);
    assert!(
        path.is_file(),
        "our binary {} is missing: run interop/ci.sh, which builds it",
        path.display()
    );
    path
}

/// One of our echo examples (`telnet-std-echo` or `telnet-tokio-echo`),
/// started with `--port 0`; returns it and the address it announced with
/// `listening on ADDR`.
pub fn our_echo(name: &str) -> (Peer, SocketAddr) {
    our_echo_with(name, &[])
}

/// [`our_echo`] with more arguments (`--mccp`).
pub fn our_echo_with(name: &str, extra: &[&str]) -> (Peer, SocketAddr) {
    let mut peer = Peer::spawn(
        name,
        Command::new(our_binary(name))
            .args(["--port", "0"])
            .args(extra),
    );
    let line = peer
        .wait_for_line("listening on", PATIENCE)
        .unwrap_or_else(|e| panic!("our echo example did not start: {e}"));
    let addr = line
        .parse()
        .unwrap_or_else(|_| panic!("{name}: bad address in {line:?}"));
    (peer, addr)
}
