"""The import contracts of pyproject.toml hold.

Layers import downward only (core < accounts < chats < messaging < moderation < tether), and
services, selectors and payloads import no HTTP framework nor serializer. import-linter reads
every import, function-level ones included.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_module_imports_a_layer_above_its_own_and_services_know_no_http():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout
