"""The output relay: passes the program's stdout/stderr to the terminal, and a copy to mpscope.

A process of its own (a few lines of stdlib Python), so that when mpscope
dies the program's output still reaches the terminal and the program never
writes into a broken pipe. It ignores Ctrl-C (that is for the program), writes
every byte through unchanged, and sends copies as channel frames
(`(stream, bytes)`, see core/worker/channel.py) without ever waiting for
mpscope: what mpscope cannot take now is dropped and counted.

A stream may come from a pty master instead of a pipe (see terminal.py): its
end shows as EIO once every slave is closed, and on SIGWINCH (the relay is in
the terminal's foreground group) the relay copies the real terminal's new
window size to the pty (the program gets the same SIGWINCH at the same moment,
so one that asks at once may see the old size for an instant).
"""

from __future__ import annotations

import os
import subprocess
import sys

from mpscope.core.watch.terminal import open_output_pty

RELAY_CODE = r'''
import fcntl, os, pickle, select, signal, struct, sys, termios
signal.signal(signal.SIGINT, signal.SIG_IGN)
out_r, err_r, report = (int(a) for a in sys.argv[1:4])
os.set_blocking(report, False)
targets = {out_r: 1, err_r: 2}
ptys = {fd: t for fd, t, flag in zip((out_r, err_r), (1, 2), sys.argv[4]) if flag == "t"}
def resize(*_):
    for fd, target in ptys.items():
        try:
            fcntl.ioctl(fd, termios.TIOCSWINSZ, fcntl.ioctl(target, termios.TIOCGWINSZ, bytes(8)))
        except OSError:
            pass
if ptys:
    signal.signal(signal.SIGWINCH, resize)
pending = bytearray()
alive = True
poller = select.poll()
for fd in targets:
    poller.register(fd, select.POLLIN)
while targets:
    for fd, _ in poller.poll():
        try:
            chunk = os.read(fd, 65536) if fd in targets else b""
        except OSError:  # EIO from a pty master: every slave is closed, the stream ended
            chunk = b""
        if not chunk:
            poller.unregister(fd)
            targets.pop(fd, None)
            continue
        view = memoryview(chunk)
        while view:
            try:
                view = view[os.write(targets[fd], view):]
            except OSError:
                break
        if alive:
            payload = pickle.dumps((targets[fd], chunk))
            if len(pending) < (1 << 22):
                pending += struct.pack("!I", len(payload)) + payload
            while pending:
                try:
                    del pending[:os.write(report, pending)]
                except BlockingIOError:
                    break
                except OSError:
                    alive = False
                    break
'''


def start_relay(terminals: tuple[bool, bool] = (False, False)
                ) -> tuple[subprocess.Popen[bytes], int, int, int]:
    """Start the relay → (process, stdout write end, stderr write end, report read end).

    `terminals`: per stream (stdout, stderr), a pty instead of a pipe (mpscope's own
    stream is a terminal). The caller gives the two write ends to the program and closes
    its copies.
    """
    out_r, out_w = open_output_pty(1) if terminals[0] else os.pipe()
    try:
        err_r, err_w = open_output_pty(2) if terminals[1] else os.pipe()
        report_r, report_w = os.pipe()
    except BaseException:
        os.close(out_r)
        os.close(out_w)
        raise
    flags = "".join("t" if tty else "p" for tty in terminals)
    try:
        relay = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", RELAY_CODE, str(out_r), str(err_r), str(report_w),
             flags], pass_fds=(out_r, err_r, report_w), stdin=subprocess.DEVNULL, close_fds=True)
    except BaseException:
        for fd in (out_r, out_w, err_r, err_w, report_r, report_w):
            os.close(fd)
        raise
    for fd in (out_r, err_r, report_w):
        os.close(fd)
    return relay, out_w, err_w, report_r
