// A stand-in for the `vscode` module, just large enough for vscode-languageclient to run the
// extension against a real server under plain Node: documents, diagnostics collections and
// language feature registrations are recorded so that test/activate.js can look at them.
'use strict';

const path = require('path');
const { pathToFileURL, fileURLToPath } = require('url');

class Disposable {
  constructor(callOnDispose) { this._callOnDispose = callOnDispose; }
  static from(...items) { return new Disposable(() => items.forEach((i) => i && i.dispose && i.dispose())); }
  dispose() { if (this._callOnDispose) { this._callOnDispose(); this._callOnDispose = undefined; } }
}

class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArg, disposables) => {
      const bound = thisArg ? listener.bind(thisArg) : listener;
      this._listeners.add(bound);
      const d = new Disposable(() => this._listeners.delete(bound));
      if (Array.isArray(disposables)) disposables.push(d);
      return d;
    };
  }
  fire(value) { for (const l of [...this._listeners]) l(value); }
  dispose() { this._listeners.clear(); }
}

class Uri {
  constructor(scheme, fsPath, text) { this.scheme = scheme; this.fsPath = fsPath; this.path = fsPath; this._text = text; }
  static file(p) { const abs = path.resolve(p); return new Uri('file', abs, pathToFileURL(abs).href); }
  static parse(text) {
    if (text.startsWith('file:')) return new Uri('file', fileURLToPath(text), text);
    return new Uri(text.split(':')[0], text, text);
  }
  toString() { return this._text; }
  toJSON() { return this._text; }
  with() { return this; }
}

class Position {
  constructor(line, character) { this.line = line; this.character = character; }
}
class Range {
  constructor(a, b, c, d) {
    if (typeof a === 'number') { this.start = new Position(a, b); this.end = new Position(c, d); } else { this.start = a; this.end = b; }
  }
}
class Location { constructor(uri, range) { this.uri = uri; this.range = range; } }
class Diagnostic { constructor(range, message, severity) { this.range = range; this.message = message; this.severity = severity; } }
class MarkdownString {
  constructor(value = '', supportThemeIcons) { this.value = value; this.supportThemeIcons = supportThemeIcons; }
  appendMarkdown(v) { this.value += v; return this; }
  appendText(v) { this.value += v; return this; }
  appendCodeblock(v) { this.value += `\n\`\`\`\n${v}\n\`\`\`\n`; return this; }
}
class Hover { constructor(contents, range) { this.contents = Array.isArray(contents) ? contents : [contents]; this.range = range; } }
class CodeActionKind {
  constructor(value) { this.value = value; }
  append(part) { return new CodeActionKind(this.value ? `${this.value}.${part}` : part); }
  contains(other) { return this.value === '' || other.value === this.value || other.value.startsWith(`${this.value}.`); }
  intersects(other) { return this.contains(other) || other.contains(this); }
}
for (const [name, value] of [['Empty', ''], ['QuickFix', 'quickfix'], ['Refactor', 'refactor'],
  ['RefactorExtract', 'refactor.extract'], ['RefactorInline', 'refactor.inline'],
  ['RefactorRewrite', 'refactor.rewrite'], ['Source', 'source'],
  ['SourceOrganizeImports', 'source.organizeImports'], ['SourceFixAll', 'source.fixAll']]) {
  CodeActionKind[name] = new CodeActionKind(value);
}
class CancellationError extends Error {}
class CancellationTokenSource {
  constructor() {
    const emitter = new EventEmitter();
    this.token = { isCancellationRequested: false, onCancellationRequested: emitter.event };
    this._emitter = emitter;
  }
  cancel() { this.token.isCancellationRequested = true; this._emitter.fire(); }
  dispose() {}
}

/** Any other class the client names: keeps its constructor arguments. */
function recordClass(name) {
  const C = class { constructor(...args) { this.args = args; } };
  Object.defineProperty(C, 'name', { value: name });
  return C;
}

function textDocument(file, languageId, text) {
  const lines = text.split('\n');
  return {
    uri: Uri.file(file),
    fileName: file,
    languageId,
    version: 1,
    isClosed: false,
    isDirty: false,
    isUntitled: false,
    lineCount: lines.length,
    getText: () => text,
    lineAt: (n) => ({ text: lines[typeof n === 'number' ? n : n.line] }),
    save: async () => true,
  };
}

const events = new Proxy({}, { get: (target, name) => (target[name] ||= new EventEmitter()) });
const recorded = { collections: [], providers: {}, output: [] };
const settings = {};

function matchOne(filter, document) {
  if (typeof filter === 'string') return filter === document.languageId ? 10 : 0;
  if (filter.language && filter.language !== document.languageId) return 0;
  if (filter.scheme && filter.scheme !== document.uri.scheme) return 0;
  return 10;
}

const languages = new Proxy({
  match(selector, document) {
    const filters = Array.isArray(selector) ? selector : [selector];
    return Math.max(0, ...filters.map((f) => matchOne(f, document)));
  },
  createDiagnosticCollection(name) {
    const entries = new Map();
    const collection = {
      name,
      entries,
      set(uri, diagnostics) {
        if (Array.isArray(uri)) { for (const [u, d] of uri) collection.set(u, d); return; }
        entries.set(uri.toString(), diagnostics || []);
        events.diagnostics.fire(uri);
      },
      get: (uri) => entries.get(uri.toString()),
      delete: (uri) => entries.delete(uri.toString()),
      clear: () => entries.clear(),
      forEach: (fn) => entries.forEach((d, u) => fn(Uri.parse(u), d, collection)),
      dispose() {},
    };
    recorded.collections.push(collection);
    return collection;
  },
  getLanguages: async () => ['toml'],
}, {
  get(target, name) {
    if (name in target) return target[name];
    if (typeof name === 'string' && name.startsWith('register')) {
      // registerHoverProvider(selector, provider, ...) and the like: keep the provider.
      return (selector, provider) => {
        (recorded.providers[name] ||= []).push(provider);
        return new Disposable();
      };
    }
    return () => new Disposable();
  },
});

const outputChannel = (name) => ({
  name,
  append: (v) => recorded.output.push(v),
  appendLine: (v) => recorded.output.push(v),
  replace() {}, clear() {}, show() {}, hide() {}, dispose() {},
  info: (v) => recorded.output.push(v), warn: (v) => recorded.output.push(v),
  error: (v) => recorded.output.push(v), debug() {}, trace() {},
  onDidChangeLogLevel: events.logLevel.event, logLevel: 0,
});

const workspace = {
  textDocuments: [],
  workspaceFolders: [],
  getWorkspaceFolder: () => workspace.workspaceFolders[0],
  getConfiguration: (section) => ({
    get: (key, fallback) => {
      const value = settings[section ? `${section}.${key}` : key];
      return value === undefined ? fallback : value;
    },
    has: () => false,
    inspect: () => undefined,
    update: async () => {},
  }),
  createFileSystemWatcher: () => ({
    onDidCreate: events.fsCreate.event, onDidChange: events.fsChange.event,
    onDidDelete: events.fsDelete.event, dispose() {},
  }),
  applyEdit: async () => true,
  openTextDocument: async (uri) => workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()),
  fs: {},
};
for (const name of ['onDidOpenTextDocument', 'onDidCloseTextDocument', 'onDidChangeTextDocument',
  'onDidSaveTextDocument', 'onWillSaveTextDocument', 'onDidChangeConfiguration',
  'onDidChangeWorkspaceFolders', 'onDidCreateFiles', 'onDidRenameFiles', 'onDidDeleteFiles',
  'onWillCreateFiles', 'onWillRenameFiles', 'onWillDeleteFiles', 'onDidChangeNotebookDocument',
  'onDidOpenNotebookDocument', 'onDidCloseNotebookDocument', 'onDidSaveNotebookDocument']) {
  workspace[name] = events[name].event;
}

const window = {
  createOutputChannel: outputChannel,
  showErrorMessage: async (m) => { recorded.output.push(`error message: ${m}`); },
  showWarningMessage: async (m) => { recorded.output.push(`warning message: ${m}`); },
  showInformationMessage: async (m) => { recorded.output.push(`information message: ${m}`); },
  showTextDocument: async () => undefined,
  activeTextEditor: undefined,
  visibleTextEditors: [],
  onDidChangeActiveTextEditor: events.activeEditor.event,
  onDidChangeVisibleTextEditors: events.visibleEditors.event,
  tabGroups: { all: [], onDidChangeTabs: events.tabs.event, onDidChangeTabGroups: events.tabGroups.event },
  withProgress: async (options, task) => task({ report() {} }, new CancellationTokenSource().token),
  createStatusBarItem: () => ({ show() {}, hide() {}, dispose() {} }),
};

const known = {
  version: '1.82.0',
  env: { appName: 'stub', language: 'en', openExternal: async () => true, machineId: 'stub', sessionId: 'stub' },
  Disposable, EventEmitter, Uri, Position, Range, Location, Diagnostic, MarkdownString, Hover,
  CancellationError, CancellationTokenSource, CodeActionKind,
  DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
  DiagnosticTag: { Unnecessary: 1, Deprecated: 2 },
  ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
  languages, workspace, window,
  commands: {
    registerCommand: (name, fn) => { (recorded.providers.commands ||= {})[name] = fn; return new Disposable(); },
    executeCommand: async () => undefined,
  },
  extensions: { all: [], getExtension: () => undefined, onDidChange: events.extensions.event },
  notebooks: new Proxy({}, { get: () => () => new Disposable() }),
};

const classes = {};
const vscode = new Proxy(known, {
  get(target, name) {
    if (name in target) return target[name];
    if (typeof name === 'string' && /^[A-Z]/.test(name)) return (classes[name] ||= recordClass(name));
    return undefined;
  },
});

module.exports = { vscode, recorded, events, settings, textDocument };
