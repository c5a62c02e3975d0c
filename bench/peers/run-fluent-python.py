"""Run one of the book's flags2 scripts unmodified, as `python3 SCRIPT ARGS` would.

    python3 run-fluent-python.py SCRIPT [LABEL=URL ...] -- [ARGS ...]

The scripts download from fixed URLs (LOCAL http://localhost:8000/flags, DELAY 8001,
ERROR 8002). On a shared machine those ports may be taken, and the bench serves the flags on
free ports (nginx, or the futures servers), so the one change is made from outside: each
LABEL=URL replaces that entry of flags2_common.SERVERS before the script's main() runs.
Everything else (argument parsing, httpx client, tqdm bar, saving into ./downloaded, the
final report) is the book's code. Run it with the destination folder as the working folder.
"""

import runpy
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ beside the vendored copy
BOOK = Path(__file__).resolve().parent / 'fluent-python'
sys.path.insert(0, str(BOOK))

import flags2_common  # noqa: E402  (the module the scripts import: same object)

script, *rest = sys.argv[1:]
split = rest.index('--') if '--' in rest else len(rest)
for pair in rest[:split]:
    label, url = pair.split('=', 1)
    flags2_common.SERVERS[label] = url
sys.argv = [str(BOOK / script), *rest[split + 1:]]
runpy.run_path(str(BOOK / script), run_name='__main__')
