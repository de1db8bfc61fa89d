"""Looking at a layer file before GDAL reads it: files from outside are hostile until read safely.

What is checked here, cheaply and without parsing the file:
- what the content is (zip, SQLite, JSON, KML, GPX), whatever the extension claims;
- XML: KML and GPX never need a DOCTYPE, and a DOCTYPE is how entity bombs ("billion laughs")
  and external entities (reading local files) get in, so any is refused. A cheap look at the
  first bytes answers most files; then the whole document goes through expat with handlers that
  refuse a DOCTYPE, an entity declaration or an external entity wherever it stands, so no trick in
  the prolog (``<!-->``, a DOCTYPE after the first 256 KiB) gets one past to GDAL;
- XML and JSON that stop before their end (a cut-off download or copy);
- text that is not valid UTF-8 where the format requires it;
- archives (KMZ, zipped Shapefile) whose members would unpack to more than the size limit,
  or compress suspiciously well (zip bombs), or hold no layer at all; that are encrypted, use a
  compression method other than deflate (Deflate64 from Windows Explorer), or fail their CRC.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.parsers import expat

from paragon_desktop.domain.errors import ParagonError

HEAD_BYTES = 256 * 1024
# Real KML and shapefiles compress 5-20x; a ratio far beyond that on a big member is a bomb.
MAX_ZIP_RATIO = 200
MAX_ZIP_MEMBERS = 10_000
_XML_DECL = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_BOMS = (b"\xef\xbb\xbf",)


class LayerReadError(ParagonError):
    """A layer file was refused; the message names the file and the problem."""


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "zip", "sqlite", "json", "kml", "gpx"
    xml_encoding: str | None = None


def _strip_head(head: bytes) -> bytes:
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
    return head.lstrip()


def _skip_prolog(head: bytes) -> bytes:
    """Drop the XML declaration, comments and processing instructions before the root."""
    rest = head
    while True:
        rest = rest.lstrip()
        if rest.startswith(b"<?"):
            end = rest.find(b"?>")
            if end < 0:
                return b""
            rest = rest[end + 2:]
        elif rest.startswith(b"<!--"):
            end = rest.find(b"-->")
            if end < 0:
                return b""
            rest = rest[end + 3:]
        else:
            return rest


def sniff(path: Path) -> Sniffed:
    """What the file holds, judged by its first bytes."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return Sniffed("zip")
    if head.startswith(b"SQLite format 3\x00"):
        return Sniffed("sqlite")
    text = _strip_head(head)
    if text[:1] in (b"{", b"["):
        return Sniffed("json")
    if text[:1] == b"<":
        check_xml_prolog(path.name, text)
        declared = _XML_DECL.match(text)
        encoding = declared.group(1).decode("ascii").lower() if declared else None
        root = _ROOT.search(_skip_prolog(text))
        local = root.group(2).decode("ascii", "replace").lower() if root else _root_element(path)
        if local in ("kml", "gpx"):
            return Sniffed(local, encoding)
        raise LayerReadError(
            "{name}: this is XML but not KML or GPX (its root element is <{root}>).",
            name=path.name, root=local or '?'
        )
    raise LayerReadError(
        "{name}: the content is not a map layer (not KML, KMZ, GeoJSON, GPX, GeoPackage or a "
        "zipped Shapefile); is it the right file?",
        name=path.name
    )


def check_xml_prolog(name: str, head: bytes) -> None:
    """Refuse DOCTYPE and ENTITY declarations: the door for entity bombs and external entities."""
    upper = head[:HEAD_BYTES].upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise LayerReadError(
            "{name}: the file declares a DOCTYPE or XML entities. KML and GPX never need them, and "
            "they are how entity bombs and attempts to read local files get in, so the file is "
            "refused. Remove the <!DOCTYPE ...> part if you trust the file.",
            name=name
        )


class _Refused(Exception):
    pass


def _refuse(*_args: object) -> None:
    raise _Refused


def check_xml_document(name: str, handle: IO[bytes], kind: str) -> None:
    """Parse the whole XML document with expat, refusing any DOCTYPE or entity declaration;
    a document expat cannot parse is refused with the line where it breaks."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.UnparsedEntityDeclHandler = _refuse
    parser.NotationDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse  # type: ignore[assignment]
    try:
        while chunk := handle.read(1 << 20):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Refused:
        raise LayerReadError(
            "{name}: the file declares a DOCTYPE or XML entities (line {line}). KML and "
            "GPX never need them, and they are how entity bombs and attempts to read local files get "
            "in, so the file is refused. Remove the <!DOCTYPE ...> part if you trust the file.",
            name=name, line=parser.CurrentLineNumber
        ) from None
    except expat.ExpatError as exc:
        raise LayerReadError(
            "{name}: the {kind} is not well-formed XML ({error} on line {line}, column "
            "{column}). Open it in a text editor or get the file again.",
            name=name, kind=kind.upper(), error=expat.ErrorString(exc.code), line=exc.lineno,
            column=exc.offset + 1
        ) from None


class _Root(Exception):
    pass


def _root_element(path: Path) -> str:
    """The root element's local name, for a prolog longer than the bytes ``sniff`` looks at;
    a DOCTYPE on the way is refused like anywhere else."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse

    def found(name: str, _attributes: object) -> None:
        raise _Root(name.rsplit(" ", 1)[-1])

    parser.StartElementHandler = found
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                parser.Parse(chunk, False)
    except _Root as root:
        return str(root.args[0]).lower()
    except _Refused:
        check_xml_prolog(path.name, b"<!DOCTYPE")
    except expat.ExpatError:
        return ""
    return ""


def check_complete(name: str, kind: str, tail: bytes) -> None:
    """A KML, GPX or GeoJSON file must end with its closing tag or brace."""
    tail = tail.rstrip(b" \t\r\n\x00")
    if kind in ("kml", "gpx"):
        if not re.search(rb"</([\w.-]+:)?" + kind.encode() + rb"\s*>$", tail, re.IGNORECASE):
            raise LayerReadError(
                "{name}: the file ends before its closing </{kind}> tag, so it is cut off (an "
                "interrupted download or copy?). Get the complete file again.",
                name=name, kind=kind
            )
    elif kind == "json" and not tail.endswith((b"}", b"]")):
        raise LayerReadError(
            "{name}: the GeoJSON ends in the middle, so the file is cut off (an interrupted download "
            "or copy?). Get the complete file again.",
            name=name
        )


def check_utf8(name: str, data: bytes, what: str) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LayerReadError(
            "{name}: the text is not UTF-8 (byte 0x{byte:02X} on line {line}). {what} must be "
            "UTF-8; save it again as UTF-8 (e.g. from a text editor or QGIS).",
            name=name, byte=data[exc.start], line=line, what=what
        ) from None


def check_text_file(path: Path, sniffed: Sniffed) -> None:
    """Completeness, encoding and (for XML) a hardened parse of a KML, GPX or GeoJSON file."""
    data = path.read_bytes()
    check_complete(path.name, sniffed.kind, data[-4096:])
    if sniffed.kind == "json":
        check_utf8(path.name, data, "GeoJSON")
        return
    if sniffed.xml_encoding in (None, "utf-8", "utf8"):
        check_utf8(path.name, data, f"{sniffed.kind.upper()} without another declared encoding")
    check_xml_document(path.name, io.BytesIO(data), sniffed.kind)  # the bytes already read


@dataclass(frozen=True)
class ZipContents:
    kml: list[str]
    shp: list[str]
    names: list[str]


def inspect_zip(path: Path, max_bytes: int) -> ZipContents:
    """List a KMZ or zipped Shapefile without unpacking it; refuse bombs and empty archives."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise LayerReadError("{name}: the archive is damaged or cut off ({exc}).",
                             name=path.name, exc=exc) from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise LayerReadError("{name}: the archive holds {count} files; refused.",
                                 name=path.name, count=len(members))
        total = sum(m.file_size for m in members)
        if total > max_bytes:
            raise LayerReadError(
                "{name}: the archive would unpack to {size:,.0f} MB, more than the limit of "
                "{limit:,.0f} MB (Settings).",
                name=path.name, size=total / 1e6, limit=max_bytes / 1e6
            )
        for member in members:
            if member.flag_bits & 0x1:
                raise LayerReadError(
                    "{name}: {filename} is encrypted (password-protected). Unpack it with its password and "
                    "add the files themselves, or zip them again without one.",
                    name=path.name, filename=member.filename
                )
            if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                method = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard"}.get(
                    member.compress_type, f"method {member.compress_type}")
                raise LayerReadError(
                    "{name}: {filename} is compressed with {method}, which cannot be read here. Unpack the "
                    "archive and zip it again with standard compression (deflate), or add the files "
                    "themselves.",
                    name=path.name, filename=member.filename, method=method
                )
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > 1_000_000 and ratio > MAX_ZIP_RATIO:
                raise LayerReadError(
                    "{name}: {filename} would unpack {ratio:,.0f} times larger than it is stored; that is a "
                    "zip bomb, not a map layer. Refused.",
                    name=path.name, filename=member.filename, ratio=ratio
                )
        for member in members:
            try:
                with archive.open(member) as handle:
                    while handle.read(1 << 20):
                        pass
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                raise LayerReadError(
                    "{name}: {filename} in the archive is damaged ({exc}). Get the file again.",
                    name=path.name, filename=member.filename, exc=exc
                ) from None
        names = [m.filename for m in members]
        kml = [n for n in names if n.lower().endswith(".kml")]
        for inner in kml:
            label = f"{path.name} ({inner})"
            with archive.open(inner) as handle:
                check_xml_document(label, handle, "kml")  # refuses a DOCTYPE wherever it stands
        shp = [n for n in names if n.lower().endswith(".shp")]
        return ZipContents(kml=kml, shp=shp, names=names)
