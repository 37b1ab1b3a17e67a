// The client side of the toe extension: finds the toe program (resolve.js: the setting,
// ~/.cargo/bin, then the PATH, refusing ncurses' `toe`) and starts `toe lsp` for .toe files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");
const { findToe } = require("./resolve");

let client;

function activate(context) {
  const configured = vscode.workspace.getConfiguration("toe").get("path") || "";
  const found = findToe(configured);
  if (found.error) {
    vscode.window.showErrorMessage(found.error);
    return undefined;
  }
  const serverOptions = { command: found.command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "toe" }],
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.{csv,xlsx,sav,zsav,dta,toe}"),
    },
  };
  client = new LanguageClient("toe", "toe", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
