"""Core sentences (Text): English strings that pickle, store and translate, and their check."""

from __future__ import annotations

import copy
import json
import pickle
import signal
import sqlite3

from i18n_script import load_script
from mpscope.core.engine.states import State, explain_exit
from mpscope.core.text import Text


def test_a_text_is_its_english_sentence_and_keeps_its_template():
    text = Text("{name}: starting (pid {pid})", name="fib-0", pid=42)
    assert text == "fib-0: starting (pid 42)" and isinstance(text, str)
    assert text.template == "{name}: starting (pid {pid})"
    assert text.values == {"name": "fib-0", "pid": 42}
    assert f"[{text}]" == "[fib-0: starting (pid 42)]" and text.startswith("fib-0: ")


def test_a_text_pickles_with_its_template_and_never_formats_again():
    inner = explain_exit(-signal.SIGKILL)
    text = Text("{name}: {state} — {text}", name="w{0}", state=State.KILLED,
                text=Text("returned {value}", value="{'a': 1}"))
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(text, protocol))
        assert type(back) is Text and back == text == "w{0}: killed — returned {'a': 1}"
        assert back.template == text.template and back.values["state"] is State.KILLED
        assert back.values["text"].template == "returned {value}"
    assert pickle.loads(pickle.dumps(inner)).template == "signal {name} ({description})"
    assert copy.deepcopy(text).template == text.template


def test_json_and_sqlite_take_a_text_as_its_english():
    text = Text("exit code {code}", code=3)
    assert json.loads(json.dumps({"detail": text})) == {"detail": "exit code 3"}
    with sqlite3.connect(":memory:") as db:
        db.execute("CREATE TABLE events (text TEXT)")
        db.execute("INSERT INTO events VALUES (?)", (text,))
        assert db.execute("SELECT text FROM events").fetchone() == ("exit code 3",)


def test_exit_explanations_keep_their_english():
    assert explain_exit(-signal.SIGSEGV) == "signal SIGSEGV (Segmentation fault)"
    assert explain_exit(0) == "exited normally (code 0)"
    assert explain_exit(70) == "exit code 70: the parent died, the worker ended itself"
    assert explain_exit(3) == "exit code 3"


def test_the_core_texts_module_lists_every_template_and_refuses_a_built_one(tmp_path,
                                                                            monkeypatch):
    script = load_script()
    texts, problems = script.core_texts()
    assert not problems
    assert ("{name}: starting (pid {pid})", "core/engine/engine.py") in texts
    assert script.CORE_TEXTS.read_text(encoding="utf-8") == script.core_texts_module(texts)
    core = tmp_path / "core"
    core.mkdir()
    (core / "bad.py").write_text('from mpscope.core.text import Text\n'
                                 'name = "x"\nText(f"{name} started")\nText("fine {x}", x=1)\n')
    monkeypatch.setattr(script, "CORE", core)
    monkeypatch.setattr(script, "PACKAGE", tmp_path)
    found = "\n".join(script.core_text_problems())
    assert "Text template is not a string literal: core/bad.py:3" in found
    assert "core_texts.py does not list the core's Text templates" in found  # now stale
