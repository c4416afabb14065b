"""kiban (基盤): a common platform for a local government's online services."""

__version__ = "0.1.0"
