"""Component objects: one per Lightning base component the portal uses.

Each finds its element by accessible role and label, works under synthetic and native shadow,
and is the only place that knows its widget's quirks. Page objects compose them.
"""

from automation.lightning._base import (
    LightningField,
    activate,
    label_pattern,
    set_wait_limit,
    wait_limit,
)
from automation.lightning.combobox import Combobox
from automation.lightning.datatable import Datatable, TableRow
from automation.lightning.date_input import DateInput
from automation.lightning.feedback import Spinner, Toast
from automation.lightning.inputs import Checkbox, TextInput
from automation.lightning.path import Path
from automation.lightning.radio_group import RadioGroup

__all__ = [
    "Checkbox",
    "Combobox",
    "Datatable",
    "DateInput",
    "LightningField",
    "Path",
    "RadioGroup",
    "Spinner",
    "TableRow",
    "TextInput",
    "Toast",
    "activate",
    "label_pattern",
    "set_wait_limit",
    "wait_limit",
]
