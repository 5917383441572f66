"""A copy in its own process, for the kill -9 trials: python copy_child.py SOURCE TARGET.
Prints the report's summary when it gets to the end."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import dbwork  # noqa: E402

if __name__ == "__main__":
    report = dbwork.copy(sys.argv[1], sys.argv[2], progress=False, batch_rows=500,
                         chunk_rows=4000, workers=2)
    print("ok" if report.ok else "not ok", flush=True)
