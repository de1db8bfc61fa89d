"""Layer I/O, coordinate systems and geometry helpers. No Qt."""

from paragon_desktop.gis.layers import LayerRead, LayerReadError, read_layer

__all__ = ["LayerRead", "LayerReadError", "read_layer"]
