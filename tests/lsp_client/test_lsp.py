"""`launchcheck lsp` driven by pytest-lsp, a client the project did not write.

Run with `LAUNCHCHECK_BIN=target/debug/launchcheck python3 -m pytest tests/lsp_client`;
`cargo test --test lsp` runs it when pytest-lsp is installed (always under CI). pytest-lsp
also checks every response against the protocol (capabilities honoured, well-formed
results).
"""

import atexit
import os
import pathlib
import shutil
import sys
import tempfile

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

HERE = pathlib.Path(__file__).resolve().parent
DEMO = HERE.parent.parent / "fixtures" / "demo"
BINARY = os.environ.get("LAUNCHCHECK_BIN", str(HERE.parent.parent / "target/debug/launchcheck"))
ROOT = pathlib.Path(tempfile.mkdtemp(prefix="launchcheck-lsp-")).resolve()
shutil.copytree(DEMO, ROOT, dirs_exist_ok=True)
atexit.register(shutil.rmtree, ROOT, ignore_errors=True)
BAD = "launches/2026/LR-2026-0147.toml"
GOOD = "launches/2026/LR-2026-0142.toml"


def uri(path: str) -> str:
    return (ROOT / path).as_uri()


def text(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


def position_of(body: str, needle: str, skip: int = 0) -> types.Position:
    at = body.index(needle) + skip
    line = body.count("\n", 0, at)
    start = body.rfind("\n", 0, at) + 1
    return types.Position(line=line, character=len(body[start:at].encode("utf-16-le")) // 2)


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[BINARY, "lsp", "--root", str(ROOT)],
        server_env={**os.environ, "LAUNCHCHECK_NOW": "2026-11-25T00:00:00Z"},
    ),
)
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("neovim"),
            root_uri=ROOT.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()


async def diagnostics_for(client: LanguageClient, path: str):
    while True:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri(path):
            return list(params.diagnostics)


def open_document(client: LanguageClient, path: str, body: str):
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri(path), language_id="toml", version=1, text=body)
        )
    )


def change_document(client: LanguageClient, path: str, version: int, body: str):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(path), version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=body)],
        )
    )


def apply(body: str, edits) -> str:
    lines = body.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        body = body[:start] + edit.new_text + body[end:]
    return body


async def test_diagnostics_fix_and_recheck(client: LanguageClient):
    body = text(BAD)
    open_document(client, BAD, body)
    diagnostics = await diagnostics_for(client, BAD)
    codes = sorted(d.code for d in diagnostics)
    assert codes == ["LC003", "LC104", "LC116"], codes
    unknown = next(d for d in diagnostics if d.code == "LC003")
    start = position_of(body, "\n[rolback]", 2)
    assert unknown.range == types.Range(
        start=start, end=types.Position(line=start.line, character=start.character + 7)
    )
    assert unknown.code_description.href.endswith("LC003-schema.md")
    assert unknown.severity == types.DiagnosticSeverity.Error

    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri(BAD)),
            range=unknown.range,
            context=types.CodeActionContext(diagnostics=[unknown]),
        )
    )
    rename = next(a for a in actions if "rollback" in a.title)
    fixed = apply(body, rename.edit.changes[uri(BAD)])
    assert "\n[rollback]" in fixed
    change_document(client, BAD, 2, fixed)
    after = await diagnostics_for(client, BAD)
    assert sorted(d.code for d in after) == ["LC104", "LC116", "LC117"], after


async def test_hover_completion_definition(client: LanguageClient):
    body = text(GOOD)
    open_document(client, GOOD, body)
    assert await diagnostics_for(client, GOOD) == []
    document = types.TextDocumentIdentifier(uri=uri(GOOD))

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position_of(body, "\nrisk =", 2))
    )
    assert "Risk level" in hover.contents.value

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position_of(body, "RP-payments", 3))
    )
    assert "Payments emergency response plan" in hover.contents.value

    completion = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=document, position=position_of(body, 'risk = "high"', 8)
        )
    )
    items = completion.items if hasattr(completion, "items") else completion
    assert {"low", "medium", "high", "critical"} == {i.label for i in items}

    definition = await client.text_document_definition_async(
        types.DefinitionParams(text_document=document, position=position_of(body, "RP-payments", 3))
    )
    assert definition.uri == uri("plans/payments.toml")


async def test_hostile_positions_and_closed_documents(client: LanguageClient):
    body = text(GOOD)
    open_document(client, GOOD, body[: len(body) // 2])
    await diagnostics_for(client, GOOD)
    document = types.TextDocumentIdentifier(uri=uri(GOOD))
    for line, character in [(0, 10_000), (10_000, 0), (2**31 - 1, 2**31 - 1)]:
        position = types.Position(line=line, character=character)
        await client.text_document_hover_async(types.HoverParams(text_document=document, position=position))
        await client.text_document_completion_async(
            types.CompletionParams(text_document=document, position=position)
        )
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=document))
    assert await diagnostics_for(client, GOOD) == []
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=types.Position(line=0, character=0))
    )
    assert hover is None
