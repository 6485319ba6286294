"""Network Playground: build neural networks on a canvas and watch them train."""

__version__ = "0.1.0"
