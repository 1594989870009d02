"""The Qt layer: adapts the Qt-free core to a PySide6 window."""
