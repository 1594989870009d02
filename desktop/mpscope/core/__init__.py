"""The Qt-free core: engine, channel, tasks, configuration and headless runner."""
