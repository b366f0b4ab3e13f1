// Starts `launchcheck lsp` for the TOML files of a workspace and hands it to VS Code through
// vscode-languageclient: the server does the checking, this file only starts and restarts it.
'use strict';

const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function createClient() {
  const configured = vscode.workspace.getConfiguration('launchcheck').get('path');
  const command = typeof configured === 'string' && configured.trim() !== '' ? configured : 'launchcheck';
  // The server finds the repository from the workspace folder, as `launchcheck check` would.
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [{ scheme: 'file', language: 'toml' }],
    synchronize: {
      // Saved or generated files change the context (plans, roster, launchcheck.toml).
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.toml'),
    },
  };
  return new LanguageClient('launchcheck', 'launchcheck', serverOptions, clientOptions);
}

async function restart() {
  if (client) {
    const old = client;
    client = undefined;
    await old.stop();
  }
  client = createClient();
  await client.start();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('launchcheck.restart', restart),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('launchcheck.path')) {
        return restart();
      }
      return undefined;
    }),
    { dispose: () => deactivate() },
  );
  await restart();
  return { client: () => client };
}

function deactivate() {
  const old = client;
  client = undefined;
  return old ? old.stop() : undefined;
}

module.exports = { activate, deactivate };
