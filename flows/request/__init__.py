"""The extension request: its model and parsing (``model``), the rules between fields
(``rules``), the field vocabulary, dates and amounts, and the per-request lock.

The model's public names are importable from here: ``from flows.request import
ExtensionRequest``.
"""

from flows.request.model import *  # noqa: F403
from flows.request.model import __all__ as __all__
