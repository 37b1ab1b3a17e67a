// The program the extension starts (resolve.js), with programs faked by `run`: toe in
// ~/.cargo/bin first, ncurses' toe on the PATH refused with a message, `toe.path` honoured.
const test = require("node:test");
const assert = require("node:assert");
const { findToe } = require("../resolve");

const TOE = "toe 0.1.0 — configurational studies (NCA and fsQCA)";
const NCURSES = "ncurses 6.4.20221231";

function fake(programs) {
  return (command) => {
    if (!(command in programs)) throw new Error("ENOENT");
    return programs[command];
  };
}

test("toe in ~/.cargo/bin comes before the PATH", () => {
  const r = findToe("", "/home/r", fake({ "/home/r/.cargo/bin/toe": TOE, toe: NCURSES }));
  assert.deepStrictEqual(r, { command: "/home/r/.cargo/bin/toe", version: TOE });
});

test("ncurses' toe alone is refused with a message that says what to do", () => {
  const r = findToe("", "/home/r", fake({ toe: NCURSES }));
  assert.ok(r.error.includes('answered "ncurses 6.4.20221231"'), r.error);
  assert.ok(r.error.includes("~/.cargo/bin before /usr/bin"), r.error);
});

test("toe on the PATH is taken when it is toe", () => {
  assert.strictEqual(findToe("toe", "/home/r", fake({ toe: TOE })).command, "toe");
});

test("the setting wins, and is checked too", () => {
  assert.strictEqual(findToe("/opt/toe/bin/toe", "/h", fake({ "/opt/toe/bin/toe": TOE })).command, "/opt/toe/bin/toe");
  assert.ok(findToe("/usr/bin/toe", "/h", fake({ "/usr/bin/toe": NCURSES })).error);
  assert.ok(findToe("/nowhere/toe", "/h", fake({})).error.includes("could be started"));
});
