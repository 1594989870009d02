"""A program that uses mpscope's stack signal (SIGRTMIN+4) itself: its handler must win, and
mpscope must never send it that signal. It counts what its handler received."""

import signal
import sys
import time

received = []
signal.signal(signal.SIGRTMIN + 4, lambda signum, frame: received.append(signum))
print("ready", flush=True)
trigger = sys.argv[1]
import os  # noqa: E402

while not os.path.exists(trigger):
    time.sleep(0.02)
print(f"handler called {len(received)} time(s)", flush=True)
