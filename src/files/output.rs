//! Files, the way out: every file a run writes (exports, `--json`, the study report, `toe fmt`)
//! is staged first and committed only when the whole run has succeeded.
//!
//! Guarantees: a staged file is a complete temporary file beside its final target (the target
//! of a symbolic link, followed to its end), renamed over the target at [`Outputs::commit`];
//! a named pipe or a character device is written as a stream at commit; a directory is an
//! error; nothing is written when the outputs are dropped uncommitted (their temporary files
//! are removed); an existing target keeps its permissions. Temporary files are registered so
//! that an interrupt ([`abandon_all`], called on Ctrl-C) removes them: a stopped run leaves
//! neither a half-written file nor a temporary one.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Whether a write may create the target's folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Folder {
    /// Exports (`export X to "out/x.html"`) create their folder.
    Create,
    /// `--json FILE` writes into an existing folder only.
    MustExist,
}

/// Temporary files of every [`Outputs`] not yet committed or dropped (for [`abandon_all`]).
/// The lock is held through a commit, so an interrupt waits for the renames to finish.
static TEMPORARY: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Removes every temporary file not yet committed (an interrupt's last act).
pub fn abandon_all() {
    let mut g = TEMPORARY.lock().unwrap_or_else(|p| p.into_inner());
    for t in g.drain(..) {
        let _ = std::fs::remove_file(t);
    }
}

fn register(tmp: &Path) {
    let mut g = TEMPORARY.lock().unwrap_or_else(|p| p.into_inner());
    g.push(tmp.to_path_buf());
}

fn unregister(g: &mut Vec<PathBuf>, tmp: &Path) {
    g.retain(|t| t != tmp);
}

/// One staged output.
#[derive(Debug)]
struct Staged {
    /// The path the file ends at (a link's target).
    target: PathBuf,
    how: How,
}

#[derive(Debug)]
enum How {
    /// A complete temporary file beside the target, renamed over it at commit.
    Rename(PathBuf),
    /// A named pipe or a device: the bytes, written at commit.
    Stream(Vec<u8>),
}

/// The outputs of one run, staged until it succeeds.
#[derive(Debug, Default)]
pub struct Outputs {
    staged: Vec<Staged>,
}

/// Where a write to `path` ends: a symbolic link is followed (relative links against their
/// folder) to its last target, which need not exist yet.
pub fn final_target(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&p) {
                Ok(to) => {
                    p = if to.is_absolute() {
                        to
                    } else {
                        p.parent().unwrap_or(Path::new(".")).join(to)
                    }
                }
                Err(_) => return p,
            },
            _ => return p,
        }
    }
    p
}

fn is_stream(m: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        t.is_fifo() || t.is_char_device() || t.is_socket()
    }
    #[cfg(not(unix))]
    {
        let _ = m;
        false
    }
}

impl Outputs {
    /// Stages `bytes` for `target`: a temporary file beside where it ends (or, for a pipe or a
    /// device, the bytes to stream). A second stage of the same target replaces the first.
    pub fn stage(&mut self, target: &Path, bytes: &[u8], folder: Folder) -> std::io::Result<()> {
        let end = final_target(target);
        if let Ok(m) = std::fs::metadata(&end) {
            if m.is_dir() {
                return Err(std::io::Error::other("it is a folder"));
            }
            if is_stream(&m) {
                self.forget(&end);
                self.staged.push(Staged {
                    target: end,
                    how: How::Stream(bytes.to_vec()),
                });
                return Ok(());
            }
        }
        if let Some(dir) = end.parent() {
            if !dir.as_os_str().is_empty() && folder == Folder::Create {
                std::fs::create_dir_all(dir)?;
            }
        }
        let name = end.file_name().and_then(|n| n.to_str()).unwrap_or("output");
        let tmp = end.with_file_name(format!(".{name}.{}.toe-tmp", std::process::id()));
        self.forget(&end);
        register(&tmp);
        let written = (|| {
            let mut f = std::fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
            if let Ok(old) = std::fs::metadata(&end) {
                let _ = std::fs::set_permissions(&tmp, old.permissions());
            }
            Ok(())
        })();
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            let mut g = TEMPORARY.lock().unwrap_or_else(|p| p.into_inner());
            unregister(&mut g, &tmp);
            return Err(e);
        }
        self.staged.push(Staged {
            target: end,
            how: How::Rename(tmp),
        });
        Ok(())
    }

    /// Drops an earlier stage of the same target.
    fn forget(&mut self, end: &Path) {
        let mut g = TEMPORARY.lock().unwrap_or_else(|p| p.into_inner());
        self.staged.retain(|s| {
            if s.target != end {
                return true;
            }
            if let How::Rename(tmp) = &s.how {
                let _ = std::fs::remove_file(tmp);
                unregister(&mut g, tmp);
            }
            false
        });
    }

    /// How many outputs are staged.
    pub fn len(&self) -> usize {
        self.staged.len()
    }

    pub fn is_empty(&self) -> bool {
        self.staged.is_empty()
    }

    /// Puts every staged output in place, in the order staged. On an error the outputs not yet
    /// in place are dropped and the error names the file.
    pub fn commit(&mut self) -> Result<(), (PathBuf, std::io::Error)> {
        let mut g = TEMPORARY.lock().unwrap_or_else(|p| p.into_inner());
        let staged = std::mem::take(&mut self.staged);
        let mut failed = None;
        for s in staged {
            if failed.is_some() {
                if let How::Rename(tmp) = &s.how {
                    let _ = std::fs::remove_file(tmp);
                    unregister(&mut g, tmp);
                }
                continue;
            }
            let r = match &s.how {
                How::Rename(tmp) => {
                    let r = std::fs::rename(tmp, &s.target);
                    if r.is_err() {
                        let _ = std::fs::remove_file(tmp);
                    }
                    unregister(&mut g, tmp);
                    r
                }
                How::Stream(bytes) => std::fs::OpenOptions::new()
                    .write(true)
                    .open(&s.target)
                    .and_then(|mut f| f.write_all(bytes).and_then(|_| f.flush())),
            };
            if let Err(e) = r {
                failed = Some((s.target.clone(), e));
            }
        }
        match failed {
            Some(f) => Err(f),
            None => Ok(()),
        }
    }

    /// Removes every staged temporary file; nothing is written.
    pub fn discard(&mut self) {
        let mut g = TEMPORARY.lock().unwrap_or_else(|p| p.into_inner());
        for s in self.staged.drain(..) {
            if let How::Rename(tmp) = &s.how {
                let _ = std::fs::remove_file(tmp);
                unregister(&mut g, tmp);
            }
        }
    }
}

impl Drop for Outputs {
    fn drop(&mut self) {
        self.discard();
    }
}

/// Writes one file at once: staged and committed (a temporary file beside the target, then a
/// rename; links followed, pipes streamed).
pub fn write_atomically(target: &Path, bytes: &[u8], folder: Folder) -> std::io::Result<()> {
    let mut o = Outputs::default();
    o.stage(target, bytes, folder)?;
    o.commit().map_err(|(_, e)| e)
}

/// Whether two paths name the same file: the same file after links and relative parts are
/// resolved (and, on Unix, the same device and inode, so a hard link counts too). A path that
/// does not exist yet is compared by its resolved folder and name.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return x.dev() == y.dev() && x.ino() == y.ino();
        }
    }
    match (resolved(a), resolved(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

/// A path with links and relative parts resolved; for a file that does not exist, its
/// longest existing folder resolved and the rest of the path applied to it part by part —
/// folders an export will create cannot be links, so `sub/../d.csv` with no `sub` yet is
/// `d.csv`, as it will be once `sub` is created.
pub fn resolved(p: &Path) -> Option<PathBuf> {
    use std::path::Component;
    if let Ok(c) = p.canonicalize() {
        return Some(c);
    }
    let end = final_target(p);
    let mut existing = end.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    let base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
            }
            // `..` or `.` at the end of what is left: resolve it as a component below
            _ => {
                let last = existing.components().next_back()?;
                rest.push(last.as_os_str().to_os_string());
                existing = existing
                    .parent()
                    .map(Path::to_path_buf)
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or_else(|| PathBuf::from("."));
                if existing == Path::new(".") && rest.len() > 64 {
                    return None;
                }
            }
        }
    };
    let mut out = base;
    for part in rest.iter().rev() {
        match Path::new(part).components().next() {
            Some(Component::ParentDir) => {
                out.pop();
            }
            Some(Component::CurDir) | None => {}
            Some(_) => out.push(part),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A target through a folder that does not exist yet resolves as it will once the
    /// folder is made: `new/../d.csv` is `d.csv` (so an export there is seen to be the data).
    #[test]
    fn a_path_through_a_missing_folder_resolves_to_where_it_will_write() {
        let dir = tempfile::tempdir().expect("tmp");
        std::fs::write(dir.path().join("d.csv"), "a\n1\n").expect("file");
        let root = dir.path().canonicalize().expect("canonical");
        let through = dir.path().join("new").join("..").join("d.csv");
        assert_eq!(resolved(&through), Some(root.join("d.csv")));
        assert!(same_file(&through, &dir.path().join("d.csv")));
        let deeper = dir
            .path()
            .join("a")
            .join("b")
            .join("..")
            .join("..")
            .join("x.csv");
        assert_eq!(resolved(&deeper), Some(root.join("x.csv")));
        assert_eq!(
            resolved(&dir.path().join("a").join("x.csv")),
            Some(root.join("a").join("x.csv"))
        );
    }
}
