"""Refuse files openpyxl should never open: not a workbook, password-protected, corrupt, zip bombs.

An ``.xlsx`` is a zip file. Its members' sizes are checked, and each member is decompressed in
bounded chunks (the sizes in a zip header can lie), before openpyxl sees the file."""

from __future__ import annotations

import io
import zipfile

from asker_pipeline.spreadsheets.layout import both

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 2_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARKER = "EncryptionInfo".encode("utf-16-le")


def unreadable_reason(data: bytes) -> str | None:
    """Why these bytes cannot be loaded as an .xlsx workbook, or None when they can be tried."""
    if not data:
        return both("tom fil (0 byte): ikke en arbeidsbok", "empty file (0 bytes): not a workbook")
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        size = f"{len(data) / 1e6:.0f}"
        return both(
            f"filen er {size} MB, mer enn de {limit} MB som er tillatt",
            f"file of {size} MB is larger than the {limit} MB allowed",
        )
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARKER in data:
            return both(
                "passordbeskyttet (kryptert) arbeidsbok: den kan ikke leses; lagre en kopi uten "
                "passord (Fil > Informasjon > Beskytt arbeidsbok) og erstatt denne filen",
                "password-protected (encrypted) workbook: it cannot be read; save a copy "
                "without a password (File > Info > Protect workbook) and replace this file",
            )
        return both(
            "en gammel Excel 97-2003-fil (.xls) eller annen OLE-fil, ikke en .xlsx-arbeidsbok: "
            "lagre den som .xlsx",
            "an old Excel 97-2003 (.xls) or other OLE file, not an .xlsx workbook: save it as .xlsx",
        )
    if not data.startswith(b"PK\x03\x04"):
        return both(
            "ikke en Excel-arbeidsbok: en .xlsx-fil er et zip-arkiv, og denne filen er ikke det",
            "not an Excel workbook: an .xlsx file is a zip archive and this file is not one",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                return both(
                    f"mistenkt zip-bombe: {len(members)} deler (høyst {MAX_MEMBERS} tillatt)",
                    f"zip bomb suspected: {len(members)} members (at most {MAX_MEMBERS} allowed)",
                )
            declared = sum(m.file_size for m in members)
            if declared > MAX_UNCOMPRESSED_BYTES:
                size, limit = f"{declared / 1e6:.0f}", MAX_UNCOMPRESSED_BYTES // 2**20
                return both(
                    f"mistenkt zip-bombe: delene ville pakkes ut til {size} MB (høyst {limit} MB "
                    "tillatt)",
                    f"zip bomb suspected: members would expand to {size} MB (at most {limit} MB "
                    "allowed)",
                )
            if "xl/workbook.xml" not in archive.namelist():
                return both(
                    "en zip-fil uten xl/workbook.xml: ikke en Excel-arbeidsbok",
                    "a zip file without xl/workbook.xml: not an Excel workbook",
                )
            total = 0
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(1 << 20):
                        total += len(chunk)
                        if total > MAX_UNCOMPRESSED_BYTES:
                            limit = MAX_UNCOMPRESSED_BYTES // 2**20
                            return both(
                                f"mistenkt zip-bombe: {member.filename} pakkes ut til mer enn "
                                f"{limit} MB, mer enn filhodet sier",
                                f"zip bomb suspected: {member.filename} expands beyond {limit} "
                                "MB, more than its header says",
                            )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        damaged = both(
            "skadet arbeidsbok (ødelagt zip-arkiv)", "corrupt workbook (damaged zip archive)"
        )
        return f"{damaged}: {error}"
    except Exception as error:  # zlib.error and other decoder failures
        return f"{both('skadet arbeidsbok', 'corrupt workbook')}: {error}"
    return None
