"""The fuel network: ports, depots and their tanks, corridors, regions, products and contracts;
and its import — a workbook (.xlsx) checked cell by cell, refused as a whole with every problem
named (sheet, row, column), or made the network the dashboard and the API operate."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nafolo.api.deps import NetworkDep, StateDep
from nafolo.fuel.network.io import load_network
from nafolo.fuel.network.model import Network
from nafolo.web.deps import KitDep, Planner, Viewer
from nafolo.web.templates import flash, render
from nafolo.workbook import InputError

router = APIRouter()
NETWORK_IMPORTED = "network_imported"
"""The audit-log event of a network import (the actor is the signed-in planner)."""
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _context(network: Network, problems: list[object] | None = None) -> dict[str, object]:
    return {
        "network": network,
        "tanks": {
            d.depot: [t for t in network.depot_tanks if t.depot == d.depot] for d in network.depots
        },
        "problems": problems or [],
    }


@router.get("/fuel/network", response_class=HTMLResponse, name="web_network")
def network_page(request: Request, user: Viewer, kit: KitDep, network: NetworkDep) -> HTMLResponse:
    return render(request, "fuel/network.html", _context(network))


@router.post("/fuel/network/import", response_class=HTMLResponse, name="web_network_import")
async def import_network(
    request: Request,
    user: Planner,
    kit: KitDep,
    state: StateDep,
    network: NetworkDep,
    workbook: Annotated[UploadFile, File()],
) -> Response:
    """Check the uploaded workbook; operate it if it is sound (the previous network stays
    otherwise). The network is kept in memory: restarting the server goes back to the default.
    The import is recorded in the audit log with its actor."""
    name = Path(workbook.filename or "network.xlsx").name
    content = await workbook.read(MAX_UPLOAD_BYTES + 1)
    problems: list[object] = []
    if not name.lower().endswith(".xlsx"):
        problems.append(kit._("The file must be an Excel workbook (.xlsx)."))
    elif len(content) > MAX_UPLOAD_BYTES:
        problems.append(kit._("The file is larger than 20 MB."))
    else:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / name
            path.write_bytes(content)
            try:
                loaded = load_network(path)
            except InputError as error:
                problems = list(error.problems)
            except Exception as error:  # an unreadable file: say so rather than fail
                problems.append(kit._("The file could not be read: {error}").format(error=error))
            else:
                with state.lock:
                    state.network = loaded
                    state.operations = None
                state.users.record(NETWORK_IMPORTED, user.username, loaded.name, detail=name)
                response = RedirectResponse("/fuel/network", status_code=303)
                flash(request, response, kit._("Network {name} imported.").format(name=loaded.name))
                return response
    return render(request, "fuel/network.html", _context(network, problems), status_code=422)
