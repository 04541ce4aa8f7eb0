"""Reading and writing the fuel network as a workbook (.xlsx) or CSV folder, and its template."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from pydantic import BaseModel

from nafolo.fuel.network.model import (
    PARAMETER_UNITS,
    Network,
    PlannerParameters,
    at_row,
    reference_problems,
)
from nafolo.fuel.network.schema import NETWORK_FILE_SHEETS, SHEETS, ParameterRow
from nafolo.workbook import InputError, write_sheets
from nafolo.workbook import write_template as write_sheets_template
from nafolo.workbook.reader import read_valid_rows

TEMPLATE_TITLE = "Nafolo fuel network workbook — one sheet per table; see docs/network-format.md"


def bundled_network_path() -> Path:
    """The folder of the bundled Mali demonstration network (CSV files shipped with the package)."""
    folder = files("nafolo.fuel") / "data" / "mali"
    if not isinstance(folder, Path):
        raise RuntimeError(f"bundled network is not on the file system: {folder}")
    return folder


def load_network(path: Path | None = None) -> Network:
    """The network in a .xlsx workbook or CSV folder (default: the bundled Mali network).

    Raises `InputError` listing every problem, from single cells to cross-sheet references.
    The optional disruption sheets may be in the same file: their cells are checked here, their
    rows are read by `nafolo.fuel.simulation.load_disruption`.
    """
    source = bundled_network_path() if path is None else path
    found, cell_problems = read_valid_rows(source, NETWORK_FILE_SHEETS)
    network_sheets = {spec.name for spec in SHEETS}
    sheets = {name: sheet for name, sheet in found.items() if name in network_sheets}
    rows: dict[str, Sequence[BaseModel]] = {name: sheet.rows for name, sheet in sheets.items()}
    numbers = {name: sheet.row_numbers for name, sheet in sheets.items()}
    name = "mali" if path is None else source.stem
    if cell_problems:
        incomplete = frozenset(p.sheet for p in cell_problems)
        references = [at_row(p, numbers) for p in reference_problems(rows, incomplete)]
        raise InputError([*cell_problems, *references], source=str(source))
    try:
        return Network.from_rows(rows, name=name, row_numbers=numbers)
    except InputError as exc:
        raise InputError(exc.problems, source=str(source)) from None


def write_network(network: Network, path: Path) -> None:
    """The network as a .xlsx workbook (path ends in .xlsx) or a CSV folder; reads back equal."""
    rows: dict[str, tuple[BaseModel, ...]] = {
        spec.name: getattr(network, spec.name) for spec in SHEETS if spec.name != "parameters"
    }
    rows["parameters"] = tuple(parameter_rows(network.parameters))
    write_sheets(path, SHEETS, rows)


def parameter_rows(parameters: PlannerParameters) -> list[ParameterRow]:
    """Every planner parameter as a `parameters` sheet row; defaults are marked as such."""
    defaults = PlannerParameters()
    return [
        ParameterRow(
            name=name,
            value=getattr(parameters, name),
            unit=PARAMETER_UNITS[name],
            source="default" if getattr(parameters, name) == getattr(defaults, name) else "",
        )
        for name in PlannerParameters.model_fields
    ]


def write_template(path: Path) -> None:
    """A blank network workbook (.xlsx, or a CSV folder when the path has another suffix)."""
    write_sheets_template(path, SHEETS, TEMPLATE_TITLE)
