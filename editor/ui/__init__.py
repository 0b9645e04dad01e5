"""The Qt interface: a thin layer that shows the model and turns actions into undoable
model operations.  Signal wiring lives in :mod:`editor.ui.main_window`."""
