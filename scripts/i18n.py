"""Keep the translations in step with the code: update the .ts, release the .qm, check both.

    python3 scripts/i18n.py update    # lupdate: new strings in, gone ones out (-no-obsolete)
    python3 scripts/i18n.py release   # lrelease: the .ts → the shipped .qm
    python3 scripts/i18n.py check     # exit 1 listing every problem (tests/test_i18n.py runs it)

After `update`, translate the entries it reports (Qt Linguist, or by hand in
the .ts), then `release`, and commit both files. `check` fails on any
unfinished or obsolete entry, on a .ts that misses strings now in the code or
keeps strings gone from it, on a text built before the lookup (an f-string,
`+`, `%` or .format() inside tr()), on a tr() called through an alias (no
context), on a translation whose {placeholders} or (&X) mnemonic differ from
its source, and on a .qm that does not match the .ts.

The Qt-free core cannot call tr(): it says Text("template", **values)
(mpscope.core.text) and the window translates the template in the "core"
context. `update` collects every such template by AST into
desktop/mpscope/gui/i18n/core_texts.py (QT_TRANSLATE_NOOP lines lupdate reads);
`check` fails when that file is stale or a template is not a literal.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import shutil
import string
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "desktop" / "mpscope"
LANGUAGE = "zh_CN"
TRANSLATIONS = ROOT / "resources" / "translations"
TS = TRANSLATIONS / f"mpscope_{LANGUAGE}.ts"
QM = TRANSLATIONS / f"mpscope_{LANGUAGE}.qm"
CORE = PACKAGE / "core"
CORE_TEXTS = PACKAGE / "gui" / "i18n" / "core_texts.py"
CORE_CONTEXT = "core"  # as mpscope.core.text.CONTEXT
LESSON_SCRIPTS = ROOT / "resources" / "lessons" / "scripts"
LESSON_TEXTS_ZH = ROOT / "resources" / "lessons" / LANGUAGE
TERMINOLOGY = ROOT / "docs" / "terminology.md"
# What may stay in Latin letters in a Chinese text: code (`…`, names with _ ( ) . = and the
# like), {placeholders}, markup, and these API names, keywords and abbreviations.
_CODE = re.compile(r"`[^`]*`|<[^>]+>|\{[^}]*\}|&\w+;|\S*[_().=*/\\:\[\]#%@+-]\S*")
_LATIN_OK = {
    "dict", "list", "maxtasksperchild", "future", "Pillow", "GPU", "SharedMemory",
    "JoinableQueue", "Namespace",
    "Python", "python", "CPU", "CPUs", "GIL", "pid", "PID", "API", "TOML", "JSON", "SQLite",
    "SSH", "Dask", "Queue", "Pipe", "Pool", "SimpleQueue", "Process", "Lock", "Value",
    "Event", "Barrier", "Semaphore", "Manager", "map", "imap", "starmap", "apply", "async",
    "spawn", "fork", "forkserver", "chunksize", "daemon", "lambda", "pickle", "asyncio",
    "multiprocessing", "Windows", "macOS", "Linux", "POSIX", "Jupyter", "SIGTERM",
    "SIGKILL", "SIGINT", "SIGSTOP", "SIGCONT", "stderr", "stdout", "ms", "KB", "MB", "GB",
    "MiB", "GiB", "Ctrl", "Shift",
    "nanny",
    "Alt", "Esc", "mpscope", "Return", "Enter", "Tab", "PNG", "CSV", "SVG", "HTML", "URL",
    "ID", "OK", "OOM", "UTC", "Qt", "PySide6", "pyqtgraph", "psutil", "I", "O", "x", "py",
    "ProcessPoolExecutor", "ThreadPoolExecutor", "ThreadPool", "TerminateProcess",
    "TimeoutError", "RuntimeError", "BrokenProcessPool", "ValueError", "AssertionError",
    "AttributeError", "PicklingError", "StopRequested", "False", "True", "None", "with",
    "assert", "import", "if", "def", "class", "for", "in", "not", "key", "value", "item",
    "CPython", "Mac", "gh", "NumPy", "pstree", "atexit", "finally", "join",
    "start", "terminate", "kill",
}
LESSON_TEXTS = PACKAGE / "gui" / "i18n" / "lesson_texts.py"
LESSON_CONTEXT = "lessons"  # as mpscope.gui.lessons.wording.CONTEXT
# The lesson scripts' helpers whose literal arguments the window shows, and which.
_LESSON_CALLS = {"say": "first", "phrase": "first", "table": "title and columns"}

# A module takes part when it calls Qt's translation functions.
_USES_TR = re.compile(r"\.tr\(|\btranslate\(|QT_TR_NOOP|QT_TRANSLATE_NOOP")
# Translation calls, and which argument holds the text.
_TEXT_ARGUMENT = {"tr": 0, "QT_TR_NOOP": 0, "translate": 1, "QT_TRANSLATE_NOOP": 1}
_MNEMONIC = re.compile(r"&(?!&)(?=\w)")


@dataclass(frozen=True)
class Message:
    context: str
    source: str
    comment: str
    translation: str
    kind: str  # "", "unfinished", "vanished" or "obsolete"
    where: str  # file:line of the first location, for reports

    @property
    def key(self) -> tuple[str, str, str]:
        return self.context, self.source, self.comment


# -- tools -------------------------------------------------------------------------
def tool(name: str) -> str:
    """The lupdate/lrelease that ships with PySide6 (falls back to pyside6-NAME on PATH)."""
    try:
        import PySide6

        folder = Path(PySide6.__file__).parent
        for candidate in (folder / name, folder / f"{name}.exe"):
            if candidate.is_file():
                return str(candidate)
    except ImportError:
        pass
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if not found:
        raise SystemExit(f"i18n: {name} not found (install PySide6-Essentials)")
    return found


def sources() -> list[str]:
    """Every module of the window (gui/) and any other module calling tr(), root-relative."""
    files = set(PACKAGE.joinpath("gui").rglob("*.py"))
    files |= {p for p in PACKAGE.rglob("*.py") if _USES_TR.search(p.read_text(encoding="utf-8"))}
    return sorted(p.relative_to(ROOT).as_posix() for p in files)


def lupdate(ts: Path, no_obsolete: bool = True) -> None:
    """Run lupdate over the sources into `ts` (created or merged, translations kept)."""
    args = [tool("lupdate"), *sources(), "-ts", str(ts), "-silent", "-locations", "none",
            "-source-language", "en", "-target-language", LANGUAGE]
    if no_obsolete:
        args.append("-no-obsolete")
    _run(args)


def lrelease(ts: Path, qm: Path) -> None:
    _run([tool("lrelease"), str(ts), "-qm", str(qm), "-silent"])


def _run(args: list[str]) -> None:
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"i18n: {Path(args[0]).name} failed:\n{done.stdout}{done.stderr}")


# -- reading a .ts -------------------------------------------------------------------
def read_ts(path: Path) -> list[Message]:
    messages = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            location = message.find("location")
            where = ""
            if location is not None:
                where = f"{Path(location.get('filename', '')).name}:{location.get('line', '?')}"
            messages.append(Message(
                context=name,
                source=message.findtext("source") or "",
                comment=message.findtext("comment") or "",
                translation=(translation.text or "") if translation is not None else "",
                kind=(translation.get("type", "") if translation is not None else "unfinished"),
                where=where,
            ))
    return messages


def placeholders(text: str) -> Counter[str]:
    """The {fields} (with their format specs) and %-directives Qt fills in (%p, %1…)."""
    found: Counter[str] = Counter()
    try:
        for _literal, field, spec, conversion in string.Formatter().parse(text):
            if field is not None:
                found[f"{{{field}{'!' + conversion if conversion else ''}"
                      f"{':' + spec if spec else ''}}}"] += 1
    except ValueError:
        found["<unbalanced braces>"] += 1
    found.update(re.findall(r"%(?:p|v|m|n|\d)", text))
    return found


# -- the check ---------------------------------------------------------------------------
def problems(ts: Path = TS, qm: Path = QM) -> list[str]:
    """Everything wrong with the translations, one line each (empty: all good)."""
    if not ts.is_file():
        return [f"{_rel(ts)} is missing: run `python3 scripts/i18n.py update`"]
    found: list[str] = []
    messages = read_ts(ts)
    for m in messages:
        label = f"[{m.context or '?'}] {m.source!r}" + (f" ({m.where})" if m.where else "")
        if m.kind == "unfinished":
            found.append(f"unfinished: {label}")
        elif m.kind in ("vanished", "obsolete"):
            found.append(f"obsolete: {label}")
        elif placeholders(m.source) != placeholders(m.translation):
            found.append(f"placeholders differ: {label} → {m.translation!r}")
        elif "<" not in m.source and bool(_MNEMONIC.search(m.source)) != bool(
                _MNEMONIC.search(m.translation)):
            found.append(f"keyboard mnemonic (&) missing on one side: {label} → {m.translation!r}")
        if not m.context:
            found.append(f"no context (call self.tr(…) itself, not an alias): {label}")
    found += stale(messages)
    found += wording_problems(messages)
    found += unextractable()
    found += core_text_problems()
    found += lesson_text_problems()
    found += qm_problems(ts, qm)
    return found


def stale(messages: list[Message]) -> list[str]:
    """Strings in the code that the .ts lacks, and strings in the .ts the code no longer has."""
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "fresh.ts"
        lupdate(fresh)
        now = {m.key: m for m in read_ts(fresh)}
    kept = {m.key for m in messages if m.kind not in ("vanished", "obsolete")}
    found = [f"new in the code, not in the .ts (run update): [{c}] {s!r} ({now[(c, s, x)].where})"
             for c, s, x in sorted(now.keys() - kept)]
    found += [f"gone from the code, still in the .ts (run update): [{c}] {s!r}"
              for c, s, _x in sorted(kept - now.keys())]
    return found


def unextractable() -> list[str]:
    """tr() calls whose text is made before the lookup: their translation is never found.

    An f-string, a concatenation, `%` or `.format()` inside tr() builds the text
    first; lupdate cannot list it and the catalogue cannot match it. (A plain
    name is allowed: it holds a QT_TRANSLATE_NOOP-marked literal.)
    """
    found = []
    for name in sources():
        for node in ast.walk(ast.parse((ROOT / name).read_text(encoding="utf-8"), name)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            index = _TEXT_ARGUMENT.get(called)
            if index is None or len(node.args) <= index:
                continue
            text = node.args[index]
            if isinstance(text, ast.JoinedStr | ast.BinOp | ast.Call):
                found.append(f"not extractable (a literal, then .format()): {name}:{node.lineno}: "
                             f"{ast.unparse(node)[:100]}")
    return found


def qm_problems(ts: Path, qm: Path) -> list[str]:
    """The shipped .qm must be what lrelease makes of the .ts now."""
    if not qm.is_file():
        return [f"{_rel(qm)} is missing: run `python3 scripts/i18n.py release`"]
    with tempfile.TemporaryDirectory() as folder:
        rebuilt = Path(folder) / qm.name
        lrelease(ts, rebuilt)
        if rebuilt.read_bytes() == qm.read_bytes():
            return []
        # Another lrelease version may lay the file out differently: compare what it says.
        from PySide6.QtCore import QTranslator

        shipped, fresh = QTranslator(), QTranslator()
        if not (shipped.load(str(qm)) and fresh.load(str(rebuilt))):
            return [f"{_rel(qm)} cannot be loaded: run `python3 scripts/i18n.py release`"]
        for m in read_ts(ts):
            args = (m.context, m.source, m.comment or None)
            if shipped.translate(*args) != fresh.translate(*args):
                return [f"{_rel(qm)} is out of date with {_rel(ts)} "
                        f"(e.g. [{m.context}] {m.source!r}): run `python3 scripts/i18n.py release`"]
    return []


def _rel(path: Path) -> str:
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


# -- the core's Text templates ------------------------------------------------------------
def core_texts() -> tuple[list[tuple[str, str]], list[str]]:
    """Every Text("literal", …) template in the core as (template, module), and the problems.

    A template that is not one literal (an f-string, a name, `+`…) cannot be
    listed for the translators: it is a problem.
    """
    texts: dict[str, str] = {}
    found = []
    for path in sorted(CORE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), name)
        calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)),
                       key=lambda n: (n.lineno, n.col_offset))
        for node in calls:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called != "Text":
                continue
            first = node.args[0] if node.args else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                texts.setdefault(first.value, name)
            else:
                found.append(f"Text template is not a string literal: {name}:{node.lineno}: "
                             f"{ast.unparse(node)[:100]}")
    return list(texts.items()), found


def core_texts_module(texts: list[tuple[str, str]]) -> str:
    """The source of gui/i18n/core_texts.py: one QT_TRANSLATE_NOOP line per template."""
    lines = ['"""The core\'s sentences (Text templates), marked for lupdate.',
             "",
             "Generated by `python3 scripts/i18n.py update` from every Text(\"…\") in",
             "mpscope/core: do not edit. mpscope.gui.i18n.language.translated() looks them up.",
             '"""',
             "",
             "# ruff: noqa: E501  (one template a line, as long as it is)",
             "from PySide6.QtCore import QT_TRANSLATE_NOOP",
             "",
             "TEXTS = ("]
    for template, module in texts:
        lines.append(f"    QT_TRANSLATE_NOOP({json.dumps(CORE_CONTEXT)}, "
                     f"{json.dumps(template, ensure_ascii=False)}),  # {module}")
    lines.append(")")
    return "\n".join(lines) + "\n"


def write_core_texts() -> int:
    """(Re)write gui/i18n/core_texts.py; returns how many templates it lists."""
    texts, found = core_texts()
    if found:
        raise SystemExit("i18n: " + "\n".join(found))
    CORE_TEXTS.write_text(core_texts_module(texts), encoding="utf-8")
    return len(texts)


def core_text_problems() -> list[str]:
    """Templates that are not literals, and a gui/i18n/core_texts.py not matching the core."""
    texts, found = core_texts()
    current = CORE_TEXTS.read_text(encoding="utf-8") if CORE_TEXTS.is_file() else ""
    if current != core_texts_module(texts):
        found.append(f"{_rel(CORE_TEXTS)} does not list the core's Text templates as they are "
                     "now: run `python3 scripts/i18n.py update`")
    return found


# -- the lesson scripts' words ------------------------------------------------------------
def lesson_texts_in(script: Path) -> list[tuple[str, str]]:
    """The templates one lesson script shows: say()/phrase() texts, table() titles and columns.

    The scripts print English; their result line keeps these templates, and the
    window shows them translated (context "lessons").
    """
    name = _rel(script)
    tree = ast.parse(script.read_text(encoding="utf-8"), name)
    found: list[tuple[str, str]] = []
    calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)
                    and isinstance(n.func, ast.Name) and n.func.id in _LESSON_CALLS),
                   key=lambda n: (n.lineno, n.col_offset))
    for node in calls:
        if not node.args:
            continue
        literals = [node.args[0]]
        if node.func.id == "table" and len(node.args) > 1 and isinstance(node.args[1], ast.List):
            literals += node.args[1].elts
        for literal in literals:
            if isinstance(literal, ast.Constant) and isinstance(literal.value, str):
                found.append((literal.value, f"{name}:{node.lineno}"))
    return found


def lesson_texts() -> tuple[list[tuple[str, str]], list[str]]:
    """Every template of every lesson script (first place it is used), and the problems.

    A say(), phrase() or table() whose text is not a literal cannot be
    translated: the window would show it in English. That is a problem.
    """
    texts: dict[str, str] = {}
    found: list[str] = []
    for script in sorted(LESSON_SCRIPTS.glob("*.py")):
        name = _rel(script)
        for text, where in lesson_texts_in(script):
            texts.setdefault(text, where)
        tree = ast.parse(script.read_text(encoding="utf-8"), name)
        helpers = [n for n in tree.body if isinstance(n, ast.FunctionDef)
                   and n.name in _LESSON_CALLS]  # say() passes its own text on to phrase()
        inside = {id(n) for helper in helpers for n in ast.walk(helper)}
        for node in ast.walk(tree):
            if id(node) not in inside and isinstance(node, ast.Call) \
                    and isinstance(node.func, ast.Name) and node.func.id in _LESSON_CALLS \
                    and node.args:
                args = [node.args[0]]
                if node.func.id == "table" and len(node.args) > 1:
                    column = node.args[1]
                    args += column.elts if isinstance(column, ast.List) else [column]
                for arg in args:
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        found.append(f"lesson text is not a string literal (the Chinese window "
                                     f"would show it in English): {name}:{node.lineno}: "
                                     f"{ast.unparse(arg)[:80]}")
    return list(texts.items()), found


def lesson_texts_module(texts: list[tuple[str, str]]) -> str:
    """The source of gui/i18n/lesson_texts.py: one QT_TRANSLATE_NOOP line per template."""
    lines = ['"""The lesson scripts\' words (results, tables, findings), marked for lupdate.',
             "",
             "Generated by `python3 scripts/i18n.py update` from resources/lessons/scripts:",
             "do not edit. mpscope.gui.lessons.wording.words() looks them up.",
             '"""',
             "",
             "# ruff: noqa: E501  (one template a line, as long as it is)",
             "from PySide6.QtCore import QT_TRANSLATE_NOOP",
             "",
             "TEXTS = ("]
    for template, where in texts:
        lines.append(f"    QT_TRANSLATE_NOOP({json.dumps(LESSON_CONTEXT)}, "
                     f"{json.dumps(template, ensure_ascii=False)}),  # {where.split(':')[0]}")
    lines.append(")")
    return "\n".join(lines) + "\n"


def write_lesson_texts() -> int:
    texts, found = lesson_texts()
    if found:
        raise SystemExit("i18n: " + "\n".join(found))
    LESSON_TEXTS.write_text(lesson_texts_module(texts), encoding="utf-8")
    return len(texts)


def lesson_text_problems() -> list[str]:
    """Non-literal lesson texts, and a gui/i18n/lesson_texts.py not matching the scripts."""
    texts, found = lesson_texts()
    current = LESSON_TEXTS.read_text(encoding="utf-8") if LESSON_TEXTS.is_file() else ""
    if current != lesson_texts_module(texts):
        found.append(f"{_rel(LESSON_TEXTS)} does not list the lesson scripts' texts as they are "
                     "now: run `python3 scripts/i18n.py update`")
    return found


# -- Chinese wording: no English left, one word per idea ----------------------------------
def english_left(text: str) -> list[str]:
    """The English words a Chinese text still has, beyond code, placeholders and API names."""
    return [w for w in re.findall(r"[A-Za-z]{2,}", _CODE.sub(" ", text)) if w not in _LATIN_OK]


def forbidden_terms(path: Path = TERMINOLOGY) -> dict[str, str]:
    """The words the terminology table says never to use: {word: the one to use instead}."""
    if not path.is_file():
        return {}
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2] and not set(cells[2]) <= set("-") and cells[2] != "never":
            for word in cells[2].split(","):
                found[word.strip()] = cells[1]
    return found


def wording_problems(messages: list[Message]) -> list[str]:
    """English left in the Chinese interface, and words the terminology table forbids."""
    found = []
    forbidden = forbidden_terms()
    if not forbidden:
        found.append(f"{_rel(TERMINOLOGY)} is missing or has no table of words never to use")
    texts = [(f"[{m.context}] {m.source!r}", m.translation) for m in messages
             if m.kind not in ("vanished", "obsolete")]
    for path in sorted(LESSON_TEXTS_ZH.glob("*.md")):
        prose = re.sub(r"```.*?```", " ", path.read_text(encoding="utf-8"), flags=re.S)
        texts.append((_rel(path), prose))
    for label, text in texts:
        if left := english_left(text):
            found.append(f"English left in the Chinese interface: {label}: {', '.join(left)}")
        for word, instead in forbidden.items():
            # A {placeholder} in the table stands for any placeholder.
            pattern = re.sub(r"\\\{[^}]*\\\}", r"\\{[^}]*\\}", re.escape(word))
            if re.search(pattern, text):
                found.append(f"{label}: says {word!r}; {_rel(TERMINOLOGY)} says {instead!r}")
    return found


# -- update ------------------------------------------------------------------------------
def update(ts: Path = TS) -> list[Message]:
    """Merge the code's strings into the .ts; reuse a translation of the very same text.

    A string that moved to another class (another context) keeps its
    translation this way; each reuse is listed, to be looked at. Returns the
    entries still to translate.
    """
    ts.parent.mkdir(parents=True, exist_ok=True)
    print(f"{_rel(CORE_TEXTS)}: {write_core_texts()} core sentences")
    print(f"{_rel(LESSON_TEXTS)}: {write_lesson_texts()} lesson texts")
    lupdate(ts, no_obsolete=False)  # a moved string's old entry stays, marked vanished…
    reused = reuse_same_text(ts)
    lupdate(ts)  # …until its translation is reused: then the vanished ones go
    if reused:
        print(f"reused a translation of the same text for {len(reused)} entr(y/ies):")
        for m in reused:
            print(f"  [{m.context}] {m.source!r} → {m.translation!r}")
    todo = [m for m in read_ts(ts) if m.kind == "unfinished"]
    print(f"{_rel(ts)}: {len(read_ts(ts))} entries, {len(todo)} to translate")
    for m in todo:
        print(f"  [{m.context}] {m.source!r} ({m.where})")
    return todo


def reuse_same_text(ts: Path) -> list[Message]:
    tree = ET.parse(ts)
    known: dict[tuple[str, str], set[str]] = {}
    for m in read_ts(ts):
        if m.kind in ("", "vanished", "obsolete") and m.translation:
            known.setdefault((m.source, m.comment), set()).add(m.translation)
    reused = []
    for context in tree.getroot().iter("context"):
        for message in context.iter("message"):
            translation = message.find("translation")
            key = (message.findtext("source") or "", message.findtext("comment") or "")
            choices = known.get(key, set())
            if translation is not None and translation.get("type") == "unfinished" \
                    and len(choices) == 1:
                translation.text = next(iter(choices))
                del translation.attrib["type"]
                reused.append(Message(context.findtext("name") or "", key[0], key[1],
                                      translation.text, "", ""))
    if reused:
        tree.write(ts, encoding="utf-8", xml_declaration=True)
    return reused


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="merge the code's strings into the .ts")
    commands.add_parser("release", help="compile the .ts into the shipped .qm")
    commands.add_parser("check", help="fail on anything untranslated, obsolete or stale")
    command = parser.parse_args(argv).command
    if command == "update":
        update()
    elif command == "release":
        lrelease(TS, QM)
        print(f"{_rel(QM)} written")
    else:
        found = problems()
        for line in found:
            print(line)
        if found:
            print(f"{len(found)} problem(s) with the translations", file=sys.stderr)
            return 1
        print(f"{_rel(TS)} and {_rel(QM)}: complete and up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
