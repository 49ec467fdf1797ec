"""`scan` from the palette: attribute every line at HEAD and build the code graph (both
cached in the store), in a thread worker that reports its progress in notifications."""

from __future__ import annotations

from textual.worker import get_current_worker

from comprehend.errors import UserError


def run_scan(app) -> None:
    if any(w.group == "scan" and w.is_running for w in app.workers):
        app.notify("a scan is running")
        return
    app.notify("scan: attributing lines and building the code graph…")
    app.run_worker(lambda: _scan(app), thread=True, group="scan", name="scan", exit_on_error=False)


def _scan(app) -> None:
    from comprehend.graph.build import build_graph, record_snapshot
    from comprehend.history.share import line_share

    worker = get_current_worker()
    workspace = app.workspace
    try:
        with workspace.open_store() as store:
            share = line_share(workspace, store, workspace.repo.head,
                               stopped=lambda: worker.is_cancelled)
            if share is None:
                return
            graph = build_graph(workspace.repo, workspace.config, store, rev=workspace.repo.head)
            record_snapshot(store, graph)
    except UserError as exc:
        message, severity = f"scan failed: {exc.message}", "error"
    else:
        message = (f"scan done: {share.files:,} files attributed, {len(graph.nodes):,} graph nodes")
        severity = "information"
    if app.is_running:
        app.call_from_thread(app.notify, message, severity=severity)
        app.call_from_thread(app.data_changed)
