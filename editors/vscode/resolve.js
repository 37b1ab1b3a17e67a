// Which program serves the language: `toe.path` when the user set it, else ~/.cargo/bin/toe
// (where `cargo install` puts it), else `toe` on the PATH — the first that answers
// `--version` as toe does ("toe 0.1.0 — configurational studies …"). ncurses installs a
// program called `toe` too (/usr/bin/toe on Debian, Ubuntu and macOS): it is refused with a
// message that says how to fix the PATH. No dependency on VS Code, so node can test it.
const { execFileSync } = require("child_process");
const os = require("os");
const path = require("path");

const SIGNATURE = "configurational studies";

/** What a program says to `--version` (null when it cannot be run). */
function versionOf(command, run = execFileSync) {
  try {
    return String(run(command, ["--version"], { timeout: 5000, encoding: "utf8" })).trim();
  } catch (e) {
    return null;
  }
}

/**
 * The program to start: { command, version } or { error }.
 * configured: the `toe.path` setting ("" or "toe" when not set); home: the home folder;
 * run: how to run a program (execFileSync; a test passes its own).
 */
function findToe(configured, home = os.homedir(), run = execFileSync) {
  const candidates = [];
  if (configured && configured !== "toe") {
    candidates.push(configured);
  } else {
    candidates.push(path.join(home, ".cargo", "bin", process.platform === "win32" ? "toe.exe" : "toe"));
    candidates.push("toe");
  }
  const tried = [];
  for (const command of candidates) {
    const version = versionOf(command, run);
    if (version && version.startsWith("toe ") && version.includes(SIGNATURE)) {
      return { command, version };
    }
    if (version !== null) {
      tried.push(`\`${command}\` answered "${version.split("\n")[0]}"`);
    }
  }
  const found = tried.length ? ` (${tried.join("; ")})` : " (no program named toe could be started)";
  return {
    error:
      `The toe language server was not found${found}. ` +
      "Install it with `cargo install --locked --path .` in the toe repository, and put " +
      "~/.cargo/bin before /usr/bin on your PATH (ncurses has a different program called toe), " +
      "or set `toe.path` to the program.",
  };
}

module.exports = { findToe, versionOf, SIGNATURE };
