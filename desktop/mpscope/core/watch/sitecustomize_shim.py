"""mpscope watch: copied as `sitecustomize.py` into a private directory put first on PYTHONPATH.

In every Python process of a watched program it first runs the user's own
`sitecustomize` (which this file shadows), then, in the first process only
(`MPSCOPE_WATCH_HOOKS=1`, removed from the environment so children do not see
it), installs mpscope's hooks; in every process, the stack dumper
(mpscope.core.watch.stack_hook). Nothing here may raise.
"""

import os
import sys


def _run_own_sitecustomize() -> None:
    try:
        import importlib.machinery
        import importlib.util

        here = os.path.dirname(os.path.abspath(__file__))
        path = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            sys.modules["sitecustomize"] = module
            spec.loader.exec_module(module)
    except Exception:  # noqa: BLE001 - Python itself only warns about a failing sitecustomize
        import traceback

        traceback.print_exc()


def _install_hooks() -> None:
    if os.environ.pop("MPSCOPE_WATCH_HOOKS", None) != "1":
        return
    try:
        from mpscope.core.watch import hooks

        hooks.install()
    except Exception:  # noqa: BLE001 - never break the program
        pass


def _install_stack_dumper() -> None:
    if not os.environ.get("MPSCOPE_WATCH"):
        return  # not (or no longer) watched: e.g. a copy of the environment kept elsewhere
    try:
        from mpscope.core.watch import stack_hook

        stack_hook.install(os.path.dirname(os.path.abspath(__file__)))
    except Exception:  # noqa: BLE001 - never break the program
        pass


_run_own_sitecustomize()
_install_stack_dumper()
_install_hooks()
