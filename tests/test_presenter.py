"""Presenter mode: one toggle for large text and thick chart lines, remembered across restarts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from mpscope.core.engine.sampler import Sample
from mpscope.gui.main_window import MainWindow
from mpscope.gui.presenter import PRESENTER_SCALE, PresenterMode
from mpscope.gui.widgets.charts import axis_font, chart_style


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    font = QApplication.font()
    made = MainWindow(settings=settings)
    made.resize(1200, 800)
    made.show()
    qtbot.waitExposed(made)
    yield made
    made.close()
    made.deleteLater()
    chart_style().set_presenter(False)  # the style is application-wide: leave it normal
    QApplication.setFont(font)


def pen_width(curve) -> float:
    return curve.opts["pen"].widthF()


def test_the_toggle_enlarges_text_and_thickens_lines_then_restores_them(window, settings):
    presenter = PresenterMode(window)
    action = presenter.action
    assert action.isCheckable() and not action.isChecked()
    assert action.shortcut() == QKeySequence("Ctrl+Shift+P")
    assert "projector" in action.toolTip()
    cpu = window.cpu
    cpu.add_sample(Sample(1_700_000_000.0, (10.0, 20.0), {}, 0.5, 80_000_000))
    normal_axis = axis_font(cpu).pointSizeF()
    events = window.events
    normal_row = events.table.verticalHeader().defaultSectionSize()
    assert pen_width(cpu.core_curves[0]) == 1 and pen_width(cpu.avg_curve) == 3

    action.trigger()
    QApplication.processEvents()  # widgets hear of the application font in posted events
    assert presenter.enabled and chart_style().presenter
    assert window.font_scaler.scale == PRESENTER_SCALE
    assert pen_width(cpu.core_curves[0]) == 3 and pen_width(cpu.avg_curve) == 4
    assert pen_width(cpu.process_curves[0]) == 3
    assert axis_font(cpu).pointSizeF() > 1.6 * normal_axis  # the app font and the axis scale
    # The events table and its traceback view grow with the text: nothing is clipped.
    row = events.table.verticalHeader().defaultSectionSize()
    assert row > normal_row and row >= events.table.fontMetrics().height() + 6
    assert events.detail.font().pointSizeF() == pytest.approx(events.font().pointSizeF())
    assert settings.value("view/presenter") in (True, "true")
    assert float(settings.value("view/font_scale")) == PRESENTER_SCALE

    window.font_scaler.bigger()  # Ctrl+= still works in presenter mode
    action.trigger()
    assert not chart_style().presenter and window.font_scaler.scale == 1.0
    assert pen_width(cpu.core_curves[0]) == 1 and pen_width(cpu.avg_curve) == 3
    assert float(settings.value("view/font_scale")) == 1.0


def test_presenter_mode_comes_back_after_a_restart(qtbot, settings, window):
    PresenterMode(window).set_enabled(True)
    window.close()
    chart_style().set_presenter(False)
    again = MainWindow(settings=settings)  # restores the 1.6× text from its own setting
    try:
        presenter = PresenterMode(again)
        assert presenter.action.isChecked() and chart_style().presenter
        assert again.font_scaler.scale == PRESENTER_SCALE
        presenter.set_enabled(False)
        assert again.font_scaler.scale == 1.0  # the size from before presenter mode
    finally:
        again.close()
        again.deleteLater()


def test_the_task_stream_bars_grow_in_presenter_mode(window):
    stream = window.pool.stream
    task = SimpleNamespace(started=10.5, ended=11.0, history=[], wid=1, outcome="ok")
    stream.set_rows([(1, "pool-1")])
    stream.update_tasks([task], 10.0, 12.0)
    bars = stream._bars["ok"]
    assert list(bars.opts["height"]) == [pytest.approx(0.76)]
    chart_style().set_presenter(True)
    assert list(bars.opts["height"]) == [pytest.approx(0.88)]
    assert stream.task_at(0.75, 0.43) == (task, -1)  # hit-testing follows the taller bars
    chart_style().set_presenter(False)
    assert stream.task_at(0.75, 0.43) is None
