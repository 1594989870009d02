"""The task registry: built-in names and "package.module:function" specs, with argument checks."""

from __future__ import annotations

import difflib
import functools
import importlib
import inspect
import typing
from collections.abc import Callable
from typing import Any

from mpscope.core.tasks import builtin, pool

_PROCESS: dict[str, Callable[..., Any]] = {fn.__name__: fn for fn in builtin.PROCESS_TASKS}
_POOL: dict[str, Callable[..., Any]] = {fn.__name__: fn for fn in pool.POOL_TASKS}
_ALL = {**_PROCESS, **_POOL}  # a name in both maps to the same function (pool.py reuses them)

REPORTER_PARAM = "reporter"
KEYWORD = inspect.Parameter.POSITIONAL_OR_KEYWORD
KEYWORD_ONLY = inspect.Parameter.KEYWORD_ONLY
VAR_KEYWORD = inspect.Parameter.VAR_KEYWORD


class TaskError(ValueError):
    """A task name that does not resolve, or arguments it does not accept."""


def resolve(name: str) -> Callable[..., Any]:
    """Return the task for a built-in short name or a "package.module:function" spec."""
    spec = name.strip()
    if not spec:
        raise TaskError("empty task name; give a built-in name or 'package.module:function'")
    if ":" in spec:
        return _resolve_spec(spec)
    if spec in _ALL:
        return _ALL[spec]
    if "." in spec and all(part.isidentifier() for part in spec.split(".")):
        module, _, attr = spec.rpartition(".")
        raise TaskError(
            f"task {spec!r} is not a built-in; name a function in a module with a colon, "
            f"e.g. '{module}:{attr}'"
        )
    close = difflib.get_close_matches(spec, _ALL, n=3)
    hint = f"did you mean {_quoted(close, ' or ')}? " if close else ""
    raise TaskError(
        f"unknown built-in task {spec!r}; {hint}built-ins are: {', '.join(sorted(_ALL))}"
    )


def _resolve_spec(spec: str) -> Callable[..., Any]:
    module_name, _, attr_path = spec.partition(":")
    if not _dotted(module_name) or not _dotted(attr_path):
        raise TaskError(
            f"malformed task spec {spec!r}; expected 'package.module:function', "
            "e.g. 'os.path:join'"
        )
    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:  # user code may fail at import in any way, and a module's
        # KeyboardInterrupt or SystemExit must not end mpscope
        raise TaskError(
            f"cannot import module {module_name!r} for task {spec!r}: {type(exc).__name__}: {exc}"
        ) from exc
    obj: Any = module
    owner = f"module {module_name!r}"
    for depth, attr in enumerate(attr_path.split("."), 1):  # "mod:Class.method" is allowed
        if inspect.isclass(obj) and inspect.isfunction(inspect.getattr_static(obj, attr, None)):
            raise TaskError(
                f"task {spec!r} is a plain method: it needs an instance (self) that mpscope"
                " cannot make; make it a @staticmethod or @classmethod, or name a function")
        if not hasattr(obj, attr):
            close = difflib.get_close_matches(attr, [a for a in dir(obj) if not a.startswith("_")])
            hint = f"; did you mean {_quoted(close, ' or ')}?" if close else ""
            raise TaskError(f"{owner} has no attribute {attr!r} (task {spec!r}){hint}")
        obj = getattr(obj, attr)
        owner = repr(f"{module_name}:{'.'.join(attr_path.split('.')[:depth])}")
    if not callable(obj):
        raise TaskError(f"task {spec!r} is not callable (it is of type {type(obj).__name__})")
    _check_kind(obj, spec)
    task: Callable[..., Any] = obj
    return task


def _check_kind(fn: Any, spec: str) -> None:
    """Refuse what can be called but gives no result that can cross processes."""
    if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
        raise TaskError(f"task {spec!r} is a generator function: a generator cannot be sent"
                        " back from a process; return a list instead")
    if inspect.iscoroutinefunction(fn):
        raise TaskError(f"task {spec!r} is an async function: calling it only makes a"
                        " coroutine; name a plain function that calls asyncio.run(...)")


def builtin_names() -> list[str]:
    """Names of the built-in tasks meant for Process workers, sorted."""
    return sorted(_PROCESS)


def pool_task_names() -> list[str]:
    """Names of the built-in tasks meant for pool items (called with one item), sorted."""
    return sorted(_POOL)


def describe(name: str) -> str:
    """First line of the named task's docstring ("" when it has none)."""
    doc = inspect.getdoc(resolve(name)) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def accepts_reporter(fn: Callable[..., Any]) -> bool:
    """True if fn has a parameter named `reporter` (mpscope then passes one)."""
    params = _parameters(fn)
    return params is not None and REPORTER_PARAM in params


def is_deterministic(fn: Callable[..., Any]) -> bool:
    """True if the task is marked @deterministic (same arguments, same result, safe to re-run)."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    return getattr(fn, builtin.DETERMINISTIC_ATTR, False) is True


def check_arguments(fn: Callable[..., Any], args: dict[str, Any], name: str | None = None) -> None:
    """Raise TaskError unless fn(**args) (plus reporter= if accepted) would bind."""
    label = name or getattr(fn, "__name__", repr(fn))
    params = _parameters(fn)
    if params is None:  # no introspectable signature (some C callables): let the call decide
        return
    takes = _signature_names(params)
    if REPORTER_PARAM in args and REPORTER_PARAM in params:
        raise TaskError(f"task {label!r}: argument 'reporter' is supplied by mpscope, not by you")
    named = {key for key, p in params.items() if p.kind in (KEYWORD, KEYWORD_ONLY)}
    by_position = [key for key in args if key in params and key not in named
                   and params[key].kind is params[key].POSITIONAL_ONLY]
    if by_position:
        raise TaskError(
            f"task {label!r} takes {_quoted(by_position)} by position only (before '/'), and"
            " mpscope passes args by name; wrap it in a function with named parameters")
    unknown = [key for key in args if key not in named]
    if unknown and not any(p.kind is VAR_KEYWORD for p in params.values()):
        noun = "argument" if len(unknown) == 1 else "arguments"
        raise TaskError(f"task {label!r} has no {noun} {_quoted(unknown)}; it takes: {takes}")
    given = set(args) | ({REPORTER_PARAM} if REPORTER_PARAM in params else set())
    required = [key for key, p in params.items() if p.default is p.empty and key not in given]
    by_position = [key for key in required if params[key].kind is params[key].POSITIONAL_ONLY]
    if by_position:
        raise TaskError(
            f"task {label!r} takes {_quoted(by_position)} by position only, so it cannot be "
            f"called with keyword arguments; it takes: {takes}"
        )
    missing = [key for key in required if params[key].kind in (KEYWORD, KEYWORD_ONLY)]
    if missing:
        noun = "argument" if len(missing) == 1 else "arguments"
        raise TaskError(f"task {label!r} needs {noun} {_quoted(missing)}; it takes: {takes}")
    if fn in _ALL.values():  # built-ins say what they take; user annotations are only hints
        check_types(fn, args, str(label))


_TYPES: dict[type, tuple[tuple[type, ...], str]] = {
    int: ((int,), "an integer"), float: ((int, float), "a number"),
    str: ((str,), "a string"), bool: ((bool,), "true or false"),
}


def check_types(fn: Callable[..., Any], args: dict[str, Any], label: str) -> None:
    """Raise TaskError for an argument whose value is not of the parameter's plain type."""
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 - unresolvable annotations: nothing to check against
        return
    for key, value in args.items():
        wanted = _TYPES.get(hints.get(key))  # type: ignore[arg-type]
        if wanted is None:
            continue
        kinds, words = wanted
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise TaskError(f"task {label!r}: argument {key!r} must be {words}, got {value!r}")


def pool_call_check(fn: Callable[..., Any], item: Any, name: str | None = None) -> None:
    """Raise TaskError unless fn(item) would bind, i.e. fn can be a pool item task."""
    label = name or getattr(fn, "__name__", repr(fn))
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(item)
    except TypeError as exc:
        raise TaskError(f"task {label!r} cannot be called with one item: {exc}") from exc


def _parameters(fn: Callable[..., Any]) -> dict[str, inspect.Parameter] | None:
    try:
        return dict(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        return None


def _signature_names(params: dict[str, inspect.Parameter]) -> str:
    names = [_star(p) + key for key, p in params.items() if key != REPORTER_PARAM]
    return ", ".join(names) or "no arguments"


def _star(param: inspect.Parameter) -> str:
    if param.kind is inspect.Parameter.VAR_POSITIONAL:
        return "*"
    return "**" if param.kind is VAR_KEYWORD else ""


def _dotted(text: str) -> bool:
    return bool(text) and all(part.isidentifier() for part in text.split("."))


def _quoted(names: list[str], sep: str = ", ") -> str:
    return sep.join(repr(n) for n in names)
