"""Legacy Word files (``.doc``) through Debian's ``antiword``, when it is installed.

Without antiword the file is reported with one line saying how to install it or to save
the file as ``.docx``. antiword writes a paragraph per line (``-w 0``); paragraphs are
separated by a blank line, as the other readers do.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from typing import TYPE_CHECKING

from kg.errors import DocumentError

if TYPE_CHECKING:
    from kg.readers import Format, Reading

__all__ = ["VERSION", "LIBRARY", "ANTIWORD", "sniff", "read"]

VERSION = 1
LIBRARY = None
#: The antiword program (``KG_ANTIWORD`` overrides the one found on PATH).
ANTIWORD = "antiword"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = "WordDocument".encode("utf-16-le")


def sniff(data: bytes, suffix: str) -> bool:
    """An OLE2 compound file with a WordDocument stream (or any OLE2 file named ``.doc``)."""
    return data.startswith(_OLE) and (_WORD_STREAM in data or suffix == ".doc")


def read(data: bytes, name: str, fmt: Format | None) -> Reading:
    """The text antiword gives, a paragraph per block."""
    from kg.readers import Format, Reading

    program = os.environ.get("KG_ANTIWORD") or shutil.which(ANTIWORD)
    if not program:
        raise DocumentError(
            f"{name}: a legacy Word .doc needs the antiword program (Debian/Ubuntu: "
            "apt-get install antiword); or open it in Word or LibreOffice and save it as .docx"
        )
    fd, tmp = tempfile.mkstemp(suffix=".doc")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        proc = subprocess.run([program, "-w", "0", "-m", "UTF-8.txt", tmp], capture_output=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise DocumentError(f"{name}: antiword could not be run ({exc}); save the file as .docx") from None
    finally:
        os.unlink(tmp)
    if proc.returncode != 0:
        why = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = why[-1].replace(tmp, "the file") if why else f"exit status {proc.returncode}"
        raise DocumentError(f"{name}: antiword cannot read it ({reason}); open it in Word or LibreOffice and save it as .docx")
    lines = (line.strip() for line in proc.stdout.decode("utf-8", "replace").splitlines())
    return Reading("\n\n".join(line for line in lines if line), Format.DOC)
