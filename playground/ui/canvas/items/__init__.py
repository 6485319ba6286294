"""Graphics items of the canvas: node cards, ports, edges, unit maps and their shared style."""

from .edge import EdgeItem
from .node import NodeItem
from .port import PortItem
from .style import CanvasStyle
from .unit_maps import MapPopupItem, UnitMapsItem

__all__ = ["CanvasStyle", "EdgeItem", "MapPopupItem", "NodeItem", "PortItem", "UnitMapsItem"]
