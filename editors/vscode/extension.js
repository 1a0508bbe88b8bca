// The kaoping extension: the `kaoping` language (highlighting and editing rules come from
// package.json) and a client that starts `kaoping lsp` on stdio for every rules file.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function serverOptions() {
  const configured = vscode.workspace.getConfiguration("kaoping").get("server.command");
  const command = Array.isArray(configured) && configured.length > 0 ? configured : ["kaoping", "lsp"];
  return { command: command[0], args: command.slice(1), transport: TransportKind.stdio };
}

async function activate(context) {
  client = new LanguageClient(
    "kaoping",
    "kaoping language server",
    serverOptions(),
    {
      documentSelector: [{ language: "kaoping" }],
      synchronize: {
        // a scheme's other files change on disk: check the scheme again
        fileEvents: vscode.workspace.createFileSystemWatcher("**/*.rules"),
      },
    }
  );
  context.subscriptions.push(
    vscode.commands.registerCommand("kaoping.restartServer", () => client.restart())
  );
  await client.start();
}

async function deactivate() {
  if (client) {
    await client.stop();
  }
}

module.exports = { activate, deactivate };
