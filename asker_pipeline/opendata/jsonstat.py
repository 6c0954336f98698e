"""JSON-stat decoding (2.0 and 1.x) into a tidy frame, and encoding back (for snapshots).

A dataset's ``value`` is a flat row-major array (the last dimension in ``id`` varies fastest).
``category.index`` may be an object (code -> position) or an array of codes; ``status`` may be
an object (flat index -> symbol), an array, or one string for every cell; ``value`` may be an
array or a sparse object. Codes stay strings ("0220" never becomes 220). Statistics Norway's
symbols ``..`` (missing), ``:`` (confidential) and ``.`` (not applicable) are kept distinct and
mapped onto the common value model's statuses."""

from __future__ import annotations

import json
import math
from itertools import product
from typing import Any

import pandas as pd

from asker_pipeline.values.model import STATUS_BY_SYMBOL


class JsonStatError(ValueError):
    """The document is not a JSON-stat dataset we can read (malformed, truncated, inconsistent)."""


def parse(text: str | bytes) -> dict[str, Any]:
    """Parse a response body; truncated or invalid JSON raises ``JsonStatError``."""
    try:
        doc = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise JsonStatError(f"not valid JSON (truncated?): {error}") from error
    if not isinstance(doc, dict):
        raise JsonStatError("a JSON-stat document is a JSON object")
    return doc


def datasets(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The datasets in a document, each in JSON-stat 2.0 form (1.x bundles are converted)."""
    if doc.get("class") == "dataset" or ("id" in doc and "dimension" in doc and "value" in doc):
        return [doc]
    if doc.get("class") == "collection":
        raise JsonStatError("JSON-stat collections are not supported; request one table at a time")
    found = [
        _from_v1(part) for part in doc.values() if isinstance(part, dict) and "dimension" in part
    ]
    if not found:
        raise JsonStatError("no JSON-stat dataset in the document")
    return found


def _from_v1(dataset: dict[str, Any]) -> dict[str, Any]:
    """JSON-stat 1.x keeps ``id``, ``size`` and ``role`` inside ``dimension``."""
    dimension = dict(dataset["dimension"])
    ids, sizes = dimension.pop("id", None), dimension.pop("size", None)
    role = dimension.pop("role", None)
    if ids is None or sizes is None:
        raise JsonStatError("JSON-stat 1.x dataset without dimension.id / dimension.size")
    return {
        **dataset,
        "version": "1.x",
        "class": "dataset",
        "id": ids,
        "size": sizes,
        "role": role,
        "dimension": dimension,
    }


def categories(dimension: dict[str, Any]) -> list[str]:
    """Category codes of a dimension in index order (index as object or array)."""
    category = dimension.get("category", {})
    index = category.get("index")
    if index is None:  # a single category may be given by its label only
        labels = category.get("label", {})
        if len(labels) != 1:
            raise JsonStatError("category without index must have exactly one label")
        return [str(next(iter(labels)))]
    if isinstance(index, list):
        return [str(code) for code in index]
    ordered = sorted(index.items(), key=lambda item: item[1])
    return [str(code) for code, _ in ordered]


def _cells(raw: Any, total: int, name: str) -> list[Any]:
    """``value``/``status`` as a dense list: array, sparse object, or one scalar for every cell."""
    if raw is None:
        return [None] * total
    if isinstance(raw, list):
        if len(raw) != total:
            raise JsonStatError(f"{name} has {len(raw)} entries, size says {total}")
        return raw
    if isinstance(raw, dict):
        dense = [None] * total
        for key, item in raw.items():
            position = int(key)
            if not 0 <= position < total:
                raise JsonStatError(f"{name} index {key} outside 0..{total - 1}")
            dense[position] = item
        return dense
    return [raw] * total  # a single string (status) applies to every cell


def status_of(value: float | None, symbol: str) -> str:
    """Value-model status: reported when there is a value; otherwise what the symbol says."""
    if value is not None:
        return "reported"
    return STATUS_BY_SYMBOL.get(symbol, "missing")


def decode(doc: dict[str, Any]) -> pd.DataFrame:
    """Tidy frame: a column per dimension (codes as strings), ``value``, ``symbol``, ``status``."""
    frames = [_decode_dataset(ds) for ds in datasets(doc)]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _decode_dataset(ds: dict[str, Any]) -> pd.DataFrame:
    try:
        ids, sizes, dims = list(ds["id"]), [int(s) for s in ds["size"]], ds["dimension"]
    except (KeyError, TypeError, ValueError) as error:
        raise JsonStatError(f"dataset lacks id/size/dimension: {error}") from error
    if len(ids) != len(sizes):
        raise JsonStatError("id and size differ in length")
    codes = []
    for name, size in zip(ids, sizes, strict=False):
        if name not in dims:
            raise JsonStatError(f"dimension {name!r} listed in id but not described")
        cats = categories(dims[name])
        if len(cats) != size:
            raise JsonStatError(f"dimension {name!r} has {len(cats)} categories, size says {size}")
        codes.append(cats)
    total = math.prod(sizes)
    values = _cells(ds.get("value"), total, "value")
    symbols = ["" if s is None else str(s) for s in _cells(ds.get("status"), total, "status")]
    rows = list(product(*codes)) if ids else [()]
    frame = pd.DataFrame(rows, columns=ids, dtype="string")
    numbers = []
    for v in values:
        if v is None or isinstance(v, bool):
            numbers.append(None)
        elif isinstance(v, int | float):
            numbers.append(float(v))
        else:
            raise JsonStatError(f"non-numeric value {v!r}")
    frame["value"] = pd.array(numbers, dtype="Float64")
    frame["symbol"] = pd.array(symbols, dtype="string")
    frame["status"] = pd.array(
        [status_of(v, s) for v, s in zip(numbers, symbols, strict=False)], dtype="string"
    )
    return frame


def encode(
    frame: pd.DataFrame,
    dimensions: dict[str, dict[str, Any]],
    **top: Any,
) -> dict[str, Any]:
    """A JSON-stat 2.0 dataset from a tidy frame (``value`` and optional ``symbol`` columns).

    ``dimensions`` maps each dimension id, in order, to ``{"label": ..., "category": {"label":
    {code: label}}, ...}``; categories missing from the labels are added in frame order. Cells
    absent from the frame are null with status ``..``. ``top`` adds keys such as ``label``,
    ``source``, ``updated``, ``note``, ``role`` and ``extension``."""
    ids = list(dimensions)
    dims: dict[str, Any] = {}
    for name in ids:
        spec = dict(dimensions[name])
        category = dict(spec.get("category", {}))
        labels = dict(category.get("label", {}))
        for code in frame[name].astype(str):
            labels.setdefault(code, code)
        category["index"] = {code: i for i, code in enumerate(labels)}
        category["label"] = labels
        spec["category"] = category
        dims[name] = spec
    sizes = [len(dims[n]["category"]["index"]) for n in ids]
    total = math.prod(sizes)
    values: list[Any] = [None] * total
    status: dict[str, str] = {}
    strides = [math.prod(sizes[i + 1 :]) for i in range(len(ids))]
    has_symbol = "symbol" in frame.columns
    filled = set()
    for row in frame.itertuples(index=False):
        record = row._asdict()
        flat = sum(
            dims[n]["category"]["index"][str(record[n])] * s
            for n, s in zip(ids, strides, strict=False)
        )
        value = record["value"]
        values[flat] = None if value is None or pd.isna(value) else _number(value)
        symbol = record.get("symbol") if has_symbol else None
        if symbol is not None and not pd.isna(symbol) and symbol != "":
            status[str(flat)] = str(symbol)
        elif values[flat] is None:
            status[str(flat)] = ".."
        filled.add(flat)
    for flat in range(total):
        if flat not in filled:
            status[str(flat)] = ".."
    doc = {
        "version": "2.0",
        "class": "dataset",
        **top,
        "id": ids,
        "size": sizes,
        "dimension": dims,
        "value": values,
    }
    if status:
        doc["status"] = status
    return doc


def _number(value: Any) -> int | float:
    number = float(value)
    return int(number) if number.is_integer() else number


def merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """One dataset from several responses of the same table (a selection split into requests)."""
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    frames = [decode(p) for p in parts]
    dims: dict[str, dict[str, Any]] = {}
    for name in first["id"]:
        spec = {k: v for k, v in first["dimension"][name].items() if k != "category"}
        category = {k: v for k, v in first["dimension"][name]["category"].items() if k != "index"}
        labels: dict[str, str] = {}
        for part in parts:
            labels.update(part["dimension"][name].get("category", {}).get("label", {}))
        category["label"] = labels
        spec["category"] = category
        dims[name] = spec
    top = {
        k: v
        for k, v in first.items()
        if k not in {"version", "class", "id", "size", "dimension", "value", "status"}
    }
    return encode(pd.concat(frames, ignore_index=True), dims, **top)
