"""The network canvas: layer cards wired together, edited through undo commands.

Small modules with one job each (learning from the Orange canvas's single
2,700-line editor file):

- ``scene.py``   — :class:`CanvasScene`: follows the model's signals, runs shape inference;
- ``view.py``    — :class:`CanvasView`: the widget (zoom, pan, drops, edit actions, messages);
- ``items/``     — node cards, ports, edges, unit heatmaps, and the palette-based style;
- ``commands.py``— QUndoCommands over ``Graph`` methods, and :func:`try_push`;
- ``interactions.py`` — dragging a new connection, turning a drag-move into one command;
- ``layout.py``  — left-to-right layered auto-layout (pure Python);
- ``summary.py`` — what a card says: key parameters in words, shapes, parameter counts.
"""

from .commands import AddNode, Connect, Disconnect, MoveNodes, Paste, RemoveNodes, SetParam, try_push
from .scene import CanvasScene
from .summary import NodeInfo, analyse, param_summary
from .view import GRAPH_MIME, LAYER_MIME, CanvasView

__all__ = ["AddNode", "CanvasScene", "CanvasView", "Connect", "Disconnect", "GRAPH_MIME", "LAYER_MIME",
           "MoveNodes", "NodeInfo", "Paste", "RemoveNodes", "SetParam", "analyse", "param_summary", "try_push"]
