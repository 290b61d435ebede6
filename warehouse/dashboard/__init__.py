"""The newsflow dashboard: a Streamlit app (app.py) over the warehouse's views (queries.py)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def command(warehouse: str | os.PathLike, port: int) -> list[str]:
    """The command line that serves the dashboard for `warehouse` on 127.0.0.1:`port`."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal", "--theme.base", "light",
        "--", "--warehouse", str(Path(warehouse).expanduser().resolve()),
    ]


def environment() -> dict[str, str]:
    """The environment for the app: this checkout's packages first on the import path."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
    return env


def serve(warehouse: str | os.PathLike, port: int = 8501) -> int:
    """Serve the dashboard until interrupted; returns Streamlit's exit status."""
    print(f"newsflow dashboard on http://127.0.0.1:{port} (Ctrl+C to stop)", flush=True)
    try:
        return subprocess.call(command(warehouse, port), env=environment())
    except KeyboardInterrupt:
        return 0
