"""Says what it sees of its terminal, as a program checking for colours or progress bars does;
with `wait`, then says each new terminal size and waits for Ctrl-C (and exits with code 5)."""

import os
import sys
import time

print(f"stdout isatty {sys.stdout.isatty()}")
print(f"stderr isatty {sys.stderr.isatty()}", file=sys.stderr)
print(f"stdout line buffered {sys.stdout.line_buffering}")
size = os.get_terminal_size()
print(f"terminal size {size.columns}x{size.lines}")
sys.stdout.flush()
if sys.argv[1:] == ["wait"]:
    try:  # "ready" inside: a Ctrl-C sent as soon as it is read lands here, not before the try
        print("ready", flush=True)
        while True:
            time.sleep(0.05)
            if os.get_terminal_size() != size:
                size = os.get_terminal_size()
                print(f"resized {size.columns}x{size.lines}", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(5)
