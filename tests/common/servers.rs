//! Real servers on 127.0.0.1 for the tests: `git daemon` (`git://`) and an
//! unprivileged `sshd` (`ssh://`). Each is stopped when dropped.
//! (tests/sync.rs still has its own copies of these two.)

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::isolate;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// Waits until `port` answers; false when `child` ended or time ran out.
fn answers(child: &mut Child, port: u16) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        if let Ok(Some(_)) = child.try_wait() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// `git daemon` serving `base`, pushes allowed.
pub struct Daemon {
    child: Child,
    pub port: u16,
}

impl Daemon {
    pub fn start(base: &Path, home: &Path) -> Daemon {
        for _ in 0..5 {
            let port = free_port();
            let mut cmd = Command::new("git");
            isolate(&mut cmd, home);
            cmd.args([
                "daemon",
                "--export-all",
                "--enable=receive-pack",
                "--reuseaddr",
                "--listen=127.0.0.1",
                &format!("--port={port}"),
                &format!("--base-path={}", base.display()),
                &base.display().to_string(),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
            let mut child = cmd.spawn().expect("git daemon starts");
            if answers(&mut child, port) {
                return Daemon { child, port };
            }
            stop(&mut child);
        }
        panic!("git daemon did not start");
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}

const SSHD: &str = "/usr/sbin/sshd";

/// An `sshd` as the user running the tests, accepting one key, which is
/// put in `client_home/.ssh` (with the server's host key trusted there).
pub struct Sshd {
    child: Child,
    pub port: u16,
    pub user: String,
}

impl Sshd {
    /// None (with a note on stderr) when sshd is not installed.
    pub fn start(dir: &Path, client_home: &Path) -> Option<Sshd> {
        let keygen_found = Command::new("ssh-keygen").arg("-V").output().is_ok();
        if !Path::new(SSHD).exists() || !keygen_found {
            eprintln!("skipped: sshd or ssh-keygen is not installed");
            return None;
        }
        let _ = std::fs::create_dir_all("/run/sshd");
        let keygen = |path: &Path| {
            let ok = Command::new("ssh-keygen")
                .args(["-q", "-t", "ed25519", "-N", "", "-f"])
                .arg(path)
                .status()
                .expect("ssh-keygen runs")
                .success();
            assert!(ok, "ssh-keygen");
        };
        let host = dir.join("hostkey");
        keygen(&host);
        let ssh = client_home.join(".ssh");
        std::fs::create_dir_all(&ssh).unwrap();
        keygen(&ssh.join("id_ed25519"));
        let authorized = dir.join("authorized_keys");
        std::fs::copy(ssh.join("id_ed25519.pub"), &authorized).unwrap();
        let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
            .unwrap()
            .trim()
            .to_string();
        for _ in 0..5 {
            let port = free_port();
            let config = dir.join("sshd_config");
            std::fs::write(
                &config,
                format!(
                    "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nAuthorizedKeysFile {}\n\
                     PasswordAuthentication no\nKbdInteractiveAuthentication no\n\
                     PubkeyAuthentication yes\nPermitRootLogin prohibit-password\n\
                     StrictModes no\nUsePAM no\nPidFile none\n",
                    host.display(),
                    authorized.display()
                ),
            )
            .unwrap();
            let mut child = Command::new(SSHD)
                .args(["-D", "-e", "-f"])
                .arg(&config)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("sshd starts");
            if answers(&mut child, port) {
                let host_key = std::fs::read_to_string(dir.join("hostkey.pub")).unwrap();
                std::fs::write(
                    ssh.join("known_hosts"),
                    format!("[127.0.0.1]:{port} {host_key}"),
                )
                .unwrap();
                return Some(Sshd { child, port, user });
            }
            stop(&mut child);
        }
        eprintln!("skipped: sshd did not start");
        None
    }

    /// The address of the repository at `path`.
    pub fn url(&self, path: &Path) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}{}",
            self.user,
            self.port,
            path.display()
        )
    }
}

impl Drop for Sshd {
    fn drop(&mut self) {
        stop(&mut self.child);
    }
}
