"""The workers panel: its table model, cells and the panel itself."""
