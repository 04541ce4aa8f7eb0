"""The fuel network: its sheets (schema), the validated `Network`, workbook/CSV input and output."""

from nafolo.fuel.network.model import Network
from nafolo.fuel.network.schema import SHEETS, SheetSpec

__all__ = ["SHEETS", "Network", "SheetSpec"]
