"""Small hand-made networks for unit tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BUILD_SCRIPTS = Path(__file__).resolve().parent.parent / "data" / "build"

MUNIS = """id,name,kind,state,district,population,lat,lon,ags,source
lemgo,Lemgo,Stadt,Nordrhein-Westfalen,Kreis Lippe,40000,52.03,8.90,05766040,test
kalletal,Kalletal,Gemeinde,Nordrhein-Westfalen,Kreis Lippe,13000,52.12,8.95,05766036,test
hildesheim,Hildesheim,Stadt,Niedersachsen,Landkreis Hildesheim,100000,52.15,9.95,03254021,test
"""
PROJECTS = """id,name,programme,cohort,municipality_ids,lead_municipality_id,size_class,topics,phase,start,end,funding_federal_eur,funding_total_eur,url,source
di,digital.interkommunal,MPSC,2020,kalletal;lemgo,kalletal,Interkommunal/Landkreis,Mobilität;Umwelt,Umsetzung,2020-12,2027-11,5300000,8000000,,test
hi,HI 2030,MPSC,2021,hildesheim,hildesheim,Großstadt,Mobilität|Sicherheit,,2022-01,2026-12,15750000,,,test
"""


# the sign-in settings a test app needs for the OIDC sign-in (never contacted: the
# address is a placeholder, and no test signs in through it)
OIDC_SECRETS = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "x" * 32,
    "client_id": "atlas",
    "client_secret": "geheim",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def write_folder(tmp_path: Path, **files: str | bytes) -> Path:
    """A data folder with the valid tables, some replaced (or removed with None)."""
    tables = {"municipalities": MUNIS, "projects": PROJECTS, **files}
    for name, content in tables.items():
        if content is None:
            continue
        path = tmp_path / f"{name}.csv"
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return tmp_path


def xlsx(**sheets) -> bytes:
    """A workbook with one sheet per keyword (sheet name = keyword, a DataFrame each)."""
    import io

    import pandas as pd

    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return out.getvalue()


def build_script(name: str):
    """data/build/<name>.py, a script beside the data, as a module (the scripts take
    their helpers from each other: the folder is on the path while it loads)."""
    spec = importlib.util.spec_from_file_location(name, BUILD_SCRIPTS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(BUILD_SCRIPTS))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BUILD_SCRIPTS))
    return module
