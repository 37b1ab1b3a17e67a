// The client side of the toe extension: starts `toe lsp` for .toe files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("toe").get("path") || "toe";
  const serverOptions = { command, args: ["lsp"] };
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
