#!/bin/sh
# launchcheck-managed-hook: written by `launchcheck hook install`, which may replace it.
# Checks what the commit records (the index), not the work tree. Skip once with
# `git commit --no-verify`.
if ! command -v launchcheck >/dev/null 2>&1; then
    echo 'launchcheck: not found on PATH; install it, or commit with --no-verify' >&2
    exit 1
fi
exec launchcheck check --staged --allow-empty{ROOT}
