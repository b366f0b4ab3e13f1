// Runs the extension's activate() under Node with test/vscode-stub.js in place of VS Code:
// the real vscode-languageclient starts the real `launchcheck lsp` (the binary named by
// LAUNCHCHECK_BIN, set as the `launchcheck.path` setting), opens FILE of the repository REPO,
// and prints as JSON the diagnostics VS Code would show and the hover at LINE:CHARACTER.
//
//   node test/activate.js REPO FILE LINE CHARACTER
'use strict';

const fs = require('fs');
const path = require('path');
const Module = require('module');
const stub = require('./vscode-stub');

const load = Module._load;
Module._load = function (request, ...rest) {
  return request === 'vscode' ? stub.vscode : load.call(this, request, ...rest);
};

const TIMEOUT_MS = 30000;

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main() {
  const [repo, file, line, character] = process.argv.slice(2);
  if (!process.env.LAUNCHCHECK_BIN || !repo || !file) {
    throw new Error('usage: LAUNCHCHECK_BIN=... node test/activate.js REPO FILE LINE CHARACTER');
  }
  const { vscode, recorded, events, settings, textDocument } = stub;
  settings['launchcheck.path'] = process.env.LAUNCHCHECK_BIN;
  const root = path.resolve(repo);
  const full = path.join(root, file);
  const document = textDocument(full, 'toml', fs.readFileSync(full, 'utf8'));
  vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(root), name: path.basename(root), index: 0 }];
  vscode.workspace.textDocuments.push(document);

  const extension = require('../extension.js');
  const context = { subscriptions: [], extensionPath: path.resolve(__dirname, '..') };
  const arrived = new Promise((resolve) => {
    events.diagnostics.event((uri) => {
      const entries = recorded.collections.map((c) => c.get(uri)).find((d) => d && d.length > 0);
      if (uri.toString() === document.uri.toString() && entries) resolve(entries);
    });
  });
  await within(extension.activate(context), 'activate()');
  const diagnostics = await within(arrived, 'diagnostics');

  const providers = recorded.providers.registerHoverProvider || [];
  if (providers.length === 0) throw new Error('the client registered no hover provider');
  const token = new vscode.CancellationTokenSource().token;
  const hover = await within(
    Promise.resolve(providers[0].provideHover(document, new vscode.Position(Number(line), Number(character)), token)),
    'hover',
  );
  const hoverText = hover ? hover.contents.map((c) => (typeof c === 'string' ? c : c.value)).join('\n') : null;

  const result = {
    diagnostics: diagnostics.map((d) => ({
      code: d.code && typeof d.code === 'object' ? d.code.value : d.code,
      href: d.code && typeof d.code === 'object' && d.code.target ? d.code.target.toString() : null,
      line: d.range.start.line,
      character: d.range.start.character,
      severity: d.severity,
      source: d.source,
      message: d.message,
    })),
    hover: hoverText,
    commands: Object.keys(recorded.providers.commands || {}),
  };
  await within(Promise.resolve(extension.deactivate()), 'deactivate()');
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`${error.stack || error}\n${stub.recorded.output.join('\n')}\n`);
    process.exit(1);
  },
);
