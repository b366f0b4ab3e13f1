//! `launchcheck lsp`: a language server over stdio. Diagnostics come from the `check`
//! pipeline itself, run over the repository on disk with the open buffers in place of their
//! saved text, so an editor shows exactly what `launchcheck check FILE` would say; hover,
//! completion, go to definition and quick fixes read the same schemas, roster and ids.
//!
//! Built on rust-analyzer's `lsp-server`: a synchronous message loop over channels, which
//! suits a program whose work is plain function calls parallelised with rayon (no async
//! runtime to host, no futures to pin).

mod assist;
mod overlay;
mod position;
mod symbols;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::Value;

use crate::check::{self, Options};
use crate::config::Config;
use crate::diagnostic::{Finding, Level};
use crate::error::{Error, Result};
use crate::source::Files;
use crate::tree::WorkTree;

use overlay::{DiskCache, Overlay};
use position::LineIndex;

/// How long edits must pause before a burst of them is re-checked; a lone edit after a quiet
/// spell is checked at once. A re-check of one document costs 10–20 ms even in a repository
/// of 10,000 launches, so the pause can be short and diagnostics still arrive within 50 ms.
const QUIET: Duration = Duration::from_millis(20);

/// Serves one client on stdin/stdout until it says `exit`; exit status 0 after a
/// `shutdown`, 1 without one (as the protocol asks).
pub fn serve(options: &Options) -> Result<u8> {
    let (connection, io_threads) = Connection::stdio();
    let code = serve_on(&connection, options)?;
    drop(connection);
    io_threads
        .join()
        .map_err(|e| Error::io("the editor connection failed", e))?;
    Ok(code)
}

fn protocol_error(e: lsp_server::ProtocolError) -> Error {
    Error::new(format!("language server protocol error: {e}"))
}

fn serve_on(connection: &Connection, options: &Options) -> Result<u8> {
    let (id, params) = connection.initialize_start().map_err(protocol_error)?;
    let mut options = options.clone();
    if options.root.is_none() {
        options.root = workspace_root(&params);
    }
    let capabilities = lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::FULL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..Default::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec!["\"".into(), "=".into(), "[".into(), " ".into()]),
            ..Default::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            },
        )),
        ..Default::default()
    };
    let result = serde_json::json!({
        "capabilities": capabilities,
        "serverInfo": {"name": "launchcheck", "version": env!("CARGO_PKG_VERSION")},
    });
    connection
        .initialize_finish(id, result)
        .map_err(protocol_error)?;
    let mut server = Server::new(connection, options)?;
    server.run()
}

/// The folder the client opened, when `--root` does not name one.
fn workspace_root(params: &Value) -> Option<PathBuf> {
    let folder = params
        .pointer("/workspaceFolders/0/uri")
        .or_else(|| params.get("rootUri"))
        .and_then(Value::as_str)?;
    url::Url::parse(folder).ok()?.to_file_path().ok()
}

/// A fix a diagnostic suggests, offered as a code action where the diagnostic is.
#[derive(Clone)]
struct Fix {
    range: lsp::Range,
    title: String,
    edit: lsp::TextEdit,
    diagnostic: lsp::Diagnostic,
}

struct Server<'c> {
    connection: &'c Connection,
    /// The canonical repository root, for turning URIs into root-relative paths.
    root: PathBuf,
    config: Config,
    config_path: Option<PathBuf>,
    options: Options,
    disk: DiskCache,
    /// Open documents inside the repository: root-relative path → text.
    texts: BTreeMap<String, String>,
    uris: HashMap<String, lsp::Uri>,
    /// What the last run suggested per open document.
    fixes: HashMap<String, Vec<Fix>>,
    symbols: symbols::Symbols,
    /// When edits are waiting to be checked: the time of the last one.
    pending: Option<Instant>,
    last_publish: Option<Instant>,
    /// The last tool error shown, so that one broken policy is not reported on every key.
    last_error: Option<String>,
}

impl<'c> Server<'c> {
    fn new(connection: &'c Connection, options: Options) -> Result<Self> {
        let located = check::locate(&options)?;
        let root = std::fs::canonicalize(&located.root).map_err(|e| {
            Error::io(
                format!(
                    "cannot open the repository root `{}`",
                    located.root.display()
                ),
                e,
            )
        })?;
        let mut server = Server {
            connection,
            config: Config::default(),
            config_path: located.config_path.clone(),
            disk: DiskCache::new(WorkTree::new(&root)?),
            root,
            options,
            texts: BTreeMap::new(),
            uris: HashMap::new(),
            fixes: HashMap::new(),
            symbols: symbols::Symbols::default(),
            pending: None,
            last_publish: None,
            last_error: None,
        };
        server.reload_config();
        Ok(server)
    }

    /// Reads the configuration; a broken one is shown and the defaults apply meanwhile.
    fn reload_config(&mut self) {
        match check::load_config(self.config_path.as_deref(), &self.root) {
            Ok(config) => self.config = config,
            Err(error) => {
                self.show_error(&error);
                self.config = Config::default();
            }
        }
        self.symbols = symbols::Symbols::default();
    }

    fn run(&mut self) -> Result<u8> {
        loop {
            let message = match self.pending {
                Some(at) => {
                    let wait = (at + QUIET).saturating_duration_since(Instant::now());
                    match self.connection.receiver.recv_timeout(wait) {
                        Ok(message) => message,
                        Err(e) if e.is_timeout() => {
                            self.publish();
                            continue;
                        }
                        Err(_) => return Ok(1),
                    }
                }
                None => match self.connection.receiver.recv() {
                    Ok(message) => message,
                    Err(_) => return Ok(1),
                },
            };
            match message {
                Message::Request(request) => {
                    if request.method == "shutdown" {
                        return match self.connection.handle_shutdown(&request) {
                            Ok(_) => Ok(0),
                            Err(e) => Err(protocol_error(e)),
                        };
                    }
                    let id = request.id.clone();
                    let answer = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.answer(request)
                    }));
                    let response = match answer {
                        Ok(response) => response,
                        Err(_) => Response::new_err(
                            id,
                            ErrorCode::InternalError as i32,
                            "launchcheck failed on this request".into(),
                        ),
                    };
                    self.send(response.into());
                }
                Message::Notification(notification) => {
                    if notification.method == "exit" {
                        return Ok(1);
                    }
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.notified(notification)
                    }));
                }
                Message::Response(_) => {}
            }
        }
    }

    fn send(&self, message: Message) {
        let _ = self.connection.sender.send(message);
    }

    fn notify<N: lsp::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_owned(), params).into());
    }

    fn show_error(&mut self, error: &Error) {
        let text = format!("launchcheck: {error}");
        if self.last_error.as_deref() == Some(text.as_str()) {
            return;
        }
        self.last_error = Some(text.clone());
        self.notify::<lsp::notification::ShowMessage>(lsp::ShowMessageParams {
            typ: lsp::MessageType::ERROR,
            message: text,
        });
    }

    /// The root-relative path of a document URI inside the repository.
    fn path_of(&self, uri: &lsp::Uri) -> Option<String> {
        let file = url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()?;
        let file = canonical_lenient(&file);
        let relative = file.strip_prefix(&self.root).ok()?;
        let path = relative.to_str()?.replace(std::path::MAIN_SEPARATOR, "/");
        (!path.is_empty()).then_some(path)
    }

    fn uri_of(&self, path: &str) -> Option<lsp::Uri> {
        if let Some(uri) = self.uris.get(path) {
            return Some(uri.clone());
        }
        let url = url::Url::from_file_path(self.root.join(path)).ok()?;
        lsp::Uri::from_str(url.as_str()).ok()
    }

    fn notified(&mut self, notification: Notification) {
        use lsp::notification::{
            DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
            DidOpenTextDocument, DidSaveTextDocument, Notification as _,
        };
        let params = notification.params;
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(params) else {
                    return;
                };
                let Some(path) = self.path_of(&p.text_document.uri) else {
                    return;
                };
                self.uris.insert(path.clone(), p.text_document.uri);
                self.edited(path, p.text_document.text);
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(params)
                else {
                    return;
                };
                let Some(path) = self.path_of(&p.text_document.uri) else {
                    return;
                };
                // Full synchronisation: the last change without a range is the whole text.
                let Some(text) = p
                    .content_changes
                    .into_iter()
                    .rev()
                    .find(|c| c.range.is_none())
                    .map(|c| c.text)
                else {
                    return;
                };
                if self.texts.contains_key(&path) {
                    self.edited(path, text);
                }
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(params)
                else {
                    return;
                };
                let uri = p.text_document.uri;
                if let Some(path) = self.path_of(&uri) {
                    self.texts.remove(&path);
                    self.uris.remove(&path);
                    self.fixes.remove(&path);
                    self.disk.forget(&path);
                    self.symbols
                        .refresh(&path, None, &self.disk_overlay_text(&path));
                    self.pending = Some(Instant::now());
                }
                self.notify::<lsp::notification::PublishDiagnostics>(
                    lsp::PublishDiagnosticsParams::new(uri, Vec::new(), None),
                );
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(params) else {
                    return;
                };
                if let Some(path) = self.path_of(&p.text_document.uri) {
                    self.disk.forget(&path);
                    self.saved(&path);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(params)
                else {
                    return;
                };
                for change in p.changes {
                    if let Some(path) = self.path_of(&change.uri) {
                        self.disk.forget(&path);
                        self.saved(&path);
                    }
                }
                self.pending = Some(Instant::now());
            }
            _ => {}
        }
    }

    /// A file written to disk: the configuration is read again when it was the one.
    fn saved(&mut self, path: &str) {
        let is_config = self
            .config_path
            .as_deref()
            .and_then(|c| std::fs::canonicalize(c).ok())
            .is_some_and(|c| c == self.root.join(path));
        if is_config {
            self.reload_config();
            self.pending = Some(Instant::now());
        } else if !self.texts.contains_key(path) {
            let text = self.disk_overlay_text(path);
            self.symbols.refresh(path, None, &text);
        }
    }

    /// The text a path has on disk (empty when unreadable).
    fn disk_overlay_text(&self, path: &str) -> String {
        let overlay = Overlay {
            disk: &self.disk,
            open: &self.texts,
            hidden: None,
        };
        symbols::read_text(&overlay, path, self.config.files.max_file_bytes)
    }

    fn edited(&mut self, path: String, text: String) {
        self.symbols.refresh(&path, Some(&text), "");
        self.texts.insert(path, text);
        let quiet = self.last_publish.is_none_or(|at| at.elapsed() >= QUIET);
        // A lone edit is checked at once; one in a burst waits for the typing to pause.
        if quiet {
            self.publish();
        } else {
            self.pending = Some(Instant::now());
        }
    }

    /// Runs the pipeline with every open document as a reported file and publishes each
    /// one's findings (an edit to a plan changes what the launches that link it show).
    fn publish(&mut self) {
        self.pending = None;
        self.last_publish = Some(Instant::now());
        if self.texts.is_empty() {
            return;
        }
        self.ensure_symbols();
        let open: Vec<String> = self.texts.keys().cloned().collect();
        // The pipeline would find the related launches itself, by searching every file's
        // text; leaving out those the symbols show unrelated makes a re-check follow the
        // size of the edit, not of the repository.
        let hidden = self.symbols.unrelated(&open);
        let only: HashSet<String> = open.into_iter().collect();
        let mut options = self.options.clone();
        options.allow_empty = true;
        options.paths.clear();
        let overlay = Overlay {
            disk: &self.disk,
            open: &self.texts,
            hidden: Some(&hidden),
        };
        let outcome = check::run_on(&overlay, &self.config, &options, Some(only));
        let (files, findings) = match outcome {
            Ok(report) => {
                self.last_error = None;
                (report.files, report.findings)
            }
            Err(mut error) => {
                let shown = error.diagnostics.take();
                self.show_error(&error);
                shown.unwrap_or_default()
            }
        };
        let mut by_path: HashMap<String, (Vec<lsp::Diagnostic>, Vec<Fix>)> = self
            .texts
            .keys()
            .map(|p| (p.clone(), Default::default()))
            .collect();
        let mut indexes: HashMap<usize, LineIndex<'_>> = HashMap::new();
        for finding in &findings {
            let path = &files.get(finding.file).path;
            let Some((diagnostics, fixes)) = by_path.get_mut(path) else {
                continue;
            };
            let diagnostic = self.diagnostic(finding, &files, &mut indexes);
            let text = &files.get(finding.file).text;
            let index = indexes
                .entry(finding.file)
                .or_insert_with(|| LineIndex::new(text));
            fixes.extend(assist::fixes(finding, text, index, &diagnostic));
            diagnostics.push(diagnostic);
        }
        for (path, (diagnostics, fixes)) in by_path {
            let Some(uri) = self.uri_of(&path) else {
                continue;
            };
            self.fixes.insert(path, fixes);
            self.notify::<lsp::notification::PublishDiagnostics>(
                lsp::PublishDiagnosticsParams::new(uri, diagnostics, None),
            );
        }
    }

    fn diagnostic<'f>(
        &self,
        finding: &Finding,
        files: &'f Files,
        indexes: &mut HashMap<usize, LineIndex<'f>>,
    ) -> lsp::Diagnostic {
        let mut range_in = |file: usize, span: &std::ops::Range<usize>| {
            indexes
                .entry(file)
                .or_insert_with(|| LineIndex::new(&files.get(file).text))
                .range(span)
        };
        let range = range_in(finding.file, &finding.span);
        let mut related: Vec<lsp::DiagnosticRelatedInformation> = Vec::new();
        for r in &finding.related {
            if let Some(uri) = self.uri_of(&files.get(r.file).path) {
                related.push(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location::new(uri, range_in(r.file, &r.span)),
                    message: r.message.clone(),
                });
            }
        }
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let severity = if let Some(waiver) = &finding.waiver {
            message = format!("waived: {message}\nwaiver: {}", waiver.reason);
            if let Some(uri) = self.uri_of(&files.get(waiver.file).path) {
                related.push(lsp::DiagnosticRelatedInformation {
                    location: lsp::Location::new(uri, range_in(waiver.file, &waiver.span)),
                    message: format!("waived until {}", waiver.expires),
                });
            }
            lsp::DiagnosticSeverity::HINT
        } else {
            match finding.level {
                Level::Error => lsp::DiagnosticSeverity::ERROR,
                Level::Warning => lsp::DiagnosticSeverity::WARNING,
                Level::Note => lsp::DiagnosticSeverity::INFORMATION,
            }
        };
        lsp::Diagnostic {
            range,
            severity: Some(severity),
            code: Some(lsp::NumberOrString::String(finding.rule.code.to_owned())),
            code_description: lsp::Uri::from_str(&crate::docs::page_url(finding.rule))
                .ok()
                .map(|href| lsp::CodeDescription { href }),
            source: Some("launchcheck".to_owned()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }

    fn answer(&mut self, request: Request) -> Response {
        use lsp::request::{
            CodeActionRequest, Completion, GotoDefinition, HoverRequest, Request as _,
        };
        let id = request.id.clone();
        let invalid = |e: serde_json::Error| {
            Response::new_err(
                request.id.clone(),
                ErrorCode::InvalidParams as i32,
                e.to_string(),
            )
        };
        let params = request.params.clone();
        match request.method.as_str() {
            HoverRequest::METHOD => match serde_json::from_value::<lsp::HoverParams>(params) {
                Ok(p) => Response::new_ok(id, self.hover(&p.text_document_position_params)),
                Err(e) => invalid(e),
            },
            Completion::METHOD => match serde_json::from_value::<lsp::CompletionParams>(params) {
                Ok(p) => Response::new_ok(id, self.completion(&p.text_document_position)),
                Err(e) => invalid(e),
            },
            GotoDefinition::METHOD => {
                match serde_json::from_value::<lsp::GotoDefinitionParams>(params) {
                    Ok(p) => {
                        Response::new_ok(id, self.definition(&p.text_document_position_params))
                    }
                    Err(e) => invalid(e),
                }
            }
            CodeActionRequest::METHOD => {
                match serde_json::from_value::<lsp::CodeActionParams>(params) {
                    Ok(p) => Response::new_ok(id, self.code_actions(&p)),
                    Err(e) => invalid(e),
                }
            }
            _ => Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("launchcheck does not answer `{}`", request.method),
            ),
        }
    }

    /// The open document at a position: its path, text and the byte offset.
    fn at(&self, at: &lsp::TextDocumentPositionParams) -> Option<(String, &str, usize)> {
        let path = self.path_of(&at.text_document.uri)?;
        let text = self.texts.get(&path)?;
        let offset = LineIndex::new(text).offset(at.position);
        Some((path, text.as_str(), offset))
    }

    fn ensure_symbols(&mut self) {
        if self.symbols.is_built() {
            return;
        }
        let overlay = Overlay {
            disk: &self.disk,
            open: &self.texts,
            hidden: None,
        };
        self.symbols = symbols::Symbols::build(&overlay, &self.config);
    }

    fn hover(&mut self, at: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        self.ensure_symbols();
        let (path, text, offset) = self.at(at)?;
        let (span, markdown) = assist::hover(&self.symbols, &path, text, offset)?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(LineIndex::new(text).range(&span)),
        })
    }

    fn completion(
        &mut self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::CompletionResponse> {
        self.ensure_symbols();
        let (path, text, offset) = self.at(at)?;
        let items = assist::completion(&self.symbols, &path, text, offset);
        Some(lsp::CompletionResponse::Array(items))
    }

    fn definition(
        &mut self,
        at: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::GotoDefinitionResponse> {
        self.ensure_symbols();
        let (path, text, offset) = self.at(at)?;
        let (target, span) = assist::definition(&self.symbols, &path, text, offset)?;
        let target_text = match self.texts.get(&target) {
            Some(text) => text.clone(),
            None => self.disk_overlay_text(&target),
        };
        let range = LineIndex::new(&target_text).range(&span);
        Some(lsp::GotoDefinitionResponse::Scalar(lsp::Location::new(
            self.uri_of(&target)?,
            range,
        )))
    }

    // `WorkspaceEdit` keys its changes by `Uri`, whose interior caching clippy flags; the
    // keys are never mutated.
    #[allow(clippy::mutable_key_type)]
    fn code_actions(&self, params: &lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
        let path = self.path_of(&params.text_document.uri)?;
        let fixes = self.fixes.get(&path)?;
        let wanted = params.range;
        let actions = fixes
            .iter()
            .filter(|fix| fix.range.start <= wanted.end && wanted.start <= fix.range.end)
            .map(|fix| {
                let changes =
                    HashMap::from([(params.text_document.uri.clone(), vec![fix.edit.clone()])]);
                lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: fix.title.clone(),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![fix.diagnostic.clone()]),
                    edit: Some(lsp::WorkspaceEdit::new(changes)),
                    is_preferred: Some(true),
                    ..Default::default()
                })
            })
            .collect();
        Some(actions)
    }
}

/// A path made canonical as far as it exists: a new, unsaved file's directory still resolves
/// links (a temporary directory under a linked `/tmp`, say).
fn canonical_lenient(path: &Path) -> PathBuf {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return canonical;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => canonical_lenient(parent).join(name),
        _ => path.to_path_buf(),
    }
}
