"""A printable map (Kaart > Afdrukken/Exporteren): the current view on an A4 or A3 page, portrait
or landscape, as PDF or PNG, with the case name, the time (Belgian), the author, the exercise
banner, a north arrow, a scale bar and the scale, the corner coordinates in WGS84 and Lambert
72, a coordinate grid in either, the legend of what is visible and the credits of the
basemaps and map services. The view, or a chosen extent (the case and its surroundings, its
anchors). A PDF can go with the next message as its SITREP document."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from paragon_desktop.gis.crs import LAMBERT72, WGS84, to_lambert72, transformer
from paragon_desktop.i18n import _, number

DPI = 150
PAPERS = {"A4": QPageSize.PageSizeId.A4, "A3": QPageSize.PageSizeId.A3}
EARTH_M_PER_PX_Z0 = 156543.03392  # Web Mercator, at the equator, zoom 0


@dataclass
class PrintInfo:
    title: str
    subtitle: str  # time and author
    exercise: str = ""  # the banner's text when the case is an exercise
    zoom: float = 10
    center: tuple[float, float] = (4.5, 50.8)
    bounds: tuple[float, float, float, float] = (4, 50, 5, 51)
    size: tuple[int, int] = (800, 600)  # the map's size on screen, CSS pixels
    legend: list[dict[str, Any]] = field(default_factory=list)
    credits: str = ""
    grid: str = ""  # "": none, "lambert72" or "wgs84": grid lines with their labels


def _nice_length(metres: float) -> float:
    """1, 2 or 5 times a power of ten, at most ``metres``."""
    power = 10 ** math.floor(math.log10(max(metres, 1e-9)))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def _length_text(metres: float) -> str:
    return f"{number(metres / 1000, 0 if metres % 1000 == 0 else 1)} km" if metres >= 1000 \
        else f"{number(metres)} m"


def page_size_px(paper: str, landscape: bool) -> tuple[int, int]:
    size = QPageSize(PAPERS[paper]).sizePoints()
    w, h = round(size.width() / 72 * DPI), round(size.height() / 72 * DPI)
    return (max(w, h), min(w, h)) if landscape else (min(w, h), max(w, h))


def _layout(width: int, height: int, info: PrintInfo) -> tuple[float, QRectF]:
    """Where the title block ends, and the box the map is fitted into."""
    margin = DPI * 0.4
    y = (DPI * 0.28 + margin * 0.5) if info.exercise else margin
    y += DPI * 0.3 + DPI * 0.4
    legend_width = DPI * 2.0 if info.legend else 0
    footer = DPI * 0.55
    box = QRectF(margin, y, width - 2 * margin - legend_width - (margin * 0.5 if info.legend else 0),
                 height - y - margin - footer)
    return y, box


def map_target(width: int, height: int, image_width: int, image_height: int,
               info: PrintInfo) -> QRectF:
    """The map's rectangle on the page: as large as fits, keeping its shape."""
    _y, box = _layout(width, height, info)
    scale = min(box.width() / image_width, box.height() / image_height)
    return QRectF(box.x(), box.y(), image_width * scale, image_height * scale)


def zoom_for_scale(scale: int, paper: str, landscape: bool, info: PrintInfo) -> float:
    """The map's zoom at which the printed page shows 1:``scale``."""
    width, height = page_size_px(paper, landscape)
    target = map_target(width, height, info.size[0], info.size[1], info)
    metres_per_css_px = scale * 0.0254 / DPI * target.width() / info.size[0]
    return math.log2(EARTH_M_PER_PX_Z0 * math.cos(math.radians(info.center[1]))
                     / metres_per_css_px)


def render(painter: QPainter, width: int, height: int, map_image: QImage, info: PrintInfo) -> None:
    """Draw the page on ``painter`` (``width`` x ``height`` pixels at DPI)."""
    margin = DPI * 0.4
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRectF(0, 0, width, height), QColor("white"))
    y = margin
    title_font = QFont("DejaVu Sans")
    title_font.setPixelSize(round(DPI * 0.2))
    title_font.setBold(True)
    small = QFont("DejaVu Sans")
    small.setPixelSize(round(DPI * 0.1))
    if info.exercise:
        band = QRectF(0, 0, width, DPI * 0.28)
        painter.fillRect(band, QColor("#f08c00"))
        painter.setPen(QColor("white"))
        painter.setFont(title_font)
        painter.drawText(band, Qt.AlignmentFlag.AlignCenter, info.exercise)
        y = band.height() + margin * 0.5
    painter.setPen(QColor("#212529"))
    painter.setFont(title_font)
    painter.drawText(QRectF(margin, y, width - 2 * margin, DPI * 0.3),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, info.title)
    y += DPI * 0.3
    painter.setFont(small)
    painter.drawText(QRectF(margin, y, width - 2 * margin, DPI * 0.18),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, info.subtitle)
    # Below it, room for the north-west corner's coordinates; then the map, as large as fits.
    legend_width = DPI * 2.0 if info.legend else 0
    target = map_target(width, height, map_image.width(), map_image.height(), info)
    painter.drawImage(target, map_image)
    painter.setPen(QPen(QColor("#495057"), 2))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(target)
    if info.grid:
        _grid(painter, target, info, small)
    _north_arrow(painter, QPointF(target.right() - DPI * 0.25, target.top() + DPI * 0.3), small)
    metres_per_page_px = _scale_bar(painter, target, info, small)
    scale_text = _("Schaal 1:{scale} (afgedrukt op ware grootte)").format(
        scale=number(round(metres_per_page_px * DPI / 0.0254, -2)))
    painter.setFont(small)
    painter.setPen(QColor("#212529"))
    painter.drawText(QRectF(target.left(), target.bottom() + DPI * 0.05, target.width(),
                            DPI * 0.15), Qt.AlignmentFlag.AlignLeft, scale_text)
    _corners(painter, target, info, small)
    if info.legend:
        _legend(painter, QRectF(target.right() + margin * 0.5, target.top(), legend_width,
                                target.height()), info.legend, small, title_font)
    painter.setFont(small)
    painter.setPen(QColor("#495057"))
    painter.drawText(QRectF(margin, height - margin - DPI * 0.15, width - 2 * margin, DPI * 0.15),
                     Qt.AlignmentFlag.AlignLeft,
                     _("Bronnen: {credits}").format(credits=info.credits or "—") + "  ·  Leaflet")


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def page_point(target: QRectF, info: PrintInfo, lon: float, lat: float) -> QPointF:
    """Where a place lies on the printed map (the map is in Web Mercator)."""
    west, south, east, north = info.bounds
    top, bottom = _mercator_y(north), _mercator_y(south)
    return QPointF(target.left() + (lon - west) / (east - west) * target.width(),
                   target.top() + (top - _mercator_y(lat)) / (top - bottom) * target.height())


GRID_LINES = 5  # about this many lines across the map


def grid_lines(info: PrintInfo) -> list[tuple[str, float, list[tuple[float, float]]]]:
    """The grid's lines: (axis "x" or "y", value, lon/lat points along it). WGS84 lines are
    meridians and parallels; Lambert 72 lines are straight in metres, bent on the web map."""
    west, south, east, north = info.bounds
    lines: list[tuple[str, float, list[tuple[float, float]]]] = []
    if info.grid == "wgs84":
        step = _nice_length((east - west) / GRID_LINES)
        first = math.ceil(west / step)
        for i in range(first, math.floor(east / step) + 1):
            lines.append(("x", i * step, [(i * step, south), (i * step, north)]))
        step_y = _nice_length((north - south) / GRID_LINES)
        for i in range(math.ceil(south / step_y), math.floor(north / step_y) + 1):
            lines.append(("y", i * step_y, [(west, i * step_y), (east, i * step_y)]))
        return lines
    to_l72, to_wgs = transformer(WGS84, LAMBERT72), transformer(LAMBERT72, WGS84)
    corners = [to_l72.transform(lon, lat) for lon in (west, east) for lat in (south, north)]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    step = _nice_length((max(xs) - min(xs)) / GRID_LINES)
    samples = 24
    for axis, low, high, other_low, other_high in (("x", min(xs), max(xs), min(ys), max(ys)),
                                                   ("y", min(ys), max(ys), min(xs), max(xs))):
        for i in range(math.ceil(low / step), math.floor(high / step) + 1):
            value = i * step
            along = [other_low + (other_high - other_low) * k / samples
                     for k in range(samples + 1)]
            points = [to_wgs.transform(value, t) if axis == "x" else to_wgs.transform(t, value)
                      for t in along]
            lines.append((axis, value, [(float(lon), float(lat)) for lon, lat in points]))
    return lines


def _grid_label(info: PrintInfo, value: float) -> str:
    if info.grid == "wgs84":
        fraction = f"{value:.5f}".rstrip("0").partition(".")[2]
        return f"{number(value, len(fraction))}°"
    return number(round(value))


def _grid(painter: QPainter, target: QRectF, info: PrintInfo, font: QFont) -> None:
    """Grid lines over the map with their values at the top and left edges."""
    painter.save()
    painter.setClipRect(target)
    painter.setFont(font)
    painter.setPen(QPen(QColor(33, 37, 41, 150), 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    labels: list[tuple[QPointF, str, str]] = []
    for axis, value, points in grid_lines(info):
        page = [page_point(target, info, lon, lat) for lon, lat in points]
        path = QPainterPath(page[0])
        for point in page[1:]:
            path.lineTo(point)
        painter.drawPath(path)
        # The label where the line meets the top (x) or the left edge (y).
        if axis == "x":
            near = min(page, key=lambda p: abs(p.y() - target.top()))
            at = QPointF(near.x(), target.top())
        else:
            near = min(page, key=lambda p: abs(p.x() - target.left()))
            at = QPointF(target.left(), near.y())
        labels.append((at, axis, _grid_label(info, value)))
    metrics_height = DPI * 0.13
    for at, axis, text in labels:
        width = painter.fontMetrics().horizontalAdvance(text) + 8
        box = (QRectF(at.x() - width / 2, at.y() + 2, width, metrics_height) if axis == "x"
               else QRectF(at.x() + 2, at.y() - metrics_height / 2, width, metrics_height))
        # Not outside the frame, and not under the scale bar (bottom left).
        if not target.contains(box) or (axis == "y" and box.bottom() > target.bottom() - DPI * 0.4):
            continue
        painter.fillRect(box, QColor(255, 255, 255, 210))
        painter.setPen(QColor("#212529"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def _north_arrow(painter: QPainter, at: QPointF, font: QFont) -> None:
    size = DPI * 0.16
    path = QPainterPath()
    path.moveTo(at.x(), at.y() - size)
    path.lineTo(at.x() + size * 0.5, at.y() + size * 0.6)
    path.lineTo(at.x(), at.y() + size * 0.3)
    path.lineTo(at.x() - size * 0.5, at.y() + size * 0.6)
    path.closeSubpath()
    painter.setPen(QPen(QColor("white"), 2))
    painter.setBrush(QColor("#212529"))
    painter.drawPath(path)
    painter.setFont(font)
    painter.setPen(QColor("#212529"))
    painter.drawText(QRectF(at.x() - size, at.y() + size * 0.6, size * 2, size),
                     Qt.AlignmentFlag.AlignCenter, "N")


def _scale_bar(painter: QPainter, target: QRectF, info: PrintInfo, font: QFont) -> float:
    """Draws the bar; returns metres on the ground per page pixel."""
    lat = info.center[1]
    metres_per_css_px = EARTH_M_PER_PX_Z0 * math.cos(math.radians(lat)) / 2 ** info.zoom
    metres_per_page_px = metres_per_css_px * info.size[0] / target.width()
    length = _nice_length(metres_per_page_px * target.width() * 0.25)
    bar = length / metres_per_page_px
    x, y = target.left() + DPI * 0.15, target.bottom() - DPI * 0.2
    painter.setPen(QPen(QColor("#212529"), 2))
    painter.setBrush(QColor("white"))
    painter.drawRect(QRectF(x - 6, y - DPI * 0.14, bar + 12 + DPI * 0.5, DPI * 0.2))
    painter.fillRect(QRectF(x, y, bar / 2, DPI * 0.03), QColor("#212529"))
    painter.drawRect(QRectF(x, y, bar, DPI * 0.03))
    painter.setFont(font)
    painter.drawText(QRectF(x, y - DPI * 0.13, bar + DPI * 0.5, DPI * 0.12),
                     Qt.AlignmentFlag.AlignLeft, _length_text(length))
    return metres_per_page_px


def _corners(painter: QPainter, target: QRectF, info: PrintInfo, font: QFont) -> None:
    """The map's corners in WGS84 and Lambert 72, for finding a place on it."""
    west, south, east, north = info.bounds
    painter.setFont(font)
    painter.setPen(QColor("#495057"))
    for lon, lat, rect, align in (
            (west, north, QRectF(target.left(), target.top() - DPI * 0.14, target.width(),
                                 DPI * 0.13), Qt.AlignmentFlag.AlignLeft),
            (east, south, QRectF(target.left(), target.bottom() + DPI * 0.2, target.width(),
                                 DPI * 0.15), Qt.AlignmentFlag.AlignRight)):
        x, y = to_lambert72(lon, lat)
        painter.drawText(rect, align, f"{lat:.5f}° N {lon:.5f}° E · Lambert 72 "
                                      f"{x:,.0f} {y:,.0f}".replace(",", " "))


def _legend(painter: QPainter, box: QRectF, items: list[dict[str, Any]], font: QFont,
            heading: QFont) -> None:
    painter.setPen(QColor("#212529"))
    painter.setFont(heading)
    painter.drawText(QRectF(box.x(), box.y(), box.width(), DPI * 0.25),
                     Qt.AlignmentFlag.AlignLeft, _("Legende"))
    y = box.y() + DPI * 0.3
    painter.setFont(font)
    row = DPI * 0.17
    for item in items:
        if y + row > box.bottom():
            break
        colours = item.get("colours") or ["#3b5bdb"]
        x = box.x()
        if item.get("kind") == "anchor":
            painter.setPen(QPen(QColor("white"), 1))
            painter.setBrush(QColor(colours[0]))
            painter.drawEllipse(QRectF(x, y + 2, row - 4, row - 4))
            x += row + 4
        else:
            for colour in colours[:4]:
                painter.fillRect(QRectF(x, y + 4, row * 0.45, row - 8), QColor(colour))
                x += row * 0.5
            x += 6
        painter.setPen(QColor("#212529"))
        painter.drawText(QRectF(x, y, box.right() - x, row),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         str(item.get("label", "")))
        y += row


def write(path: Path, paper: str, landscape: bool, map_image: QImage, info: PrintInfo) -> Path:
    """The page as PDF (one page) or PNG (the page at 150 dpi), by the file's extension."""
    width, height = page_size_px(paper, landscape)
    if path.suffix.lower() == ".png":
        image = QImage(width, height, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        render(painter, width, height, map_image, info)
        painter.end()
        if not image.save(str(path)):
            raise OSError(_("{file} kon niet geschreven worden.").format(file=path.name))
        return path
    writer = QPdfWriter(str(path))
    writer.setResolution(DPI)
    writer.setTitle(info.title)
    writer.setCreator("Paragon Desktop")
    writer.setPageLayout(QPageLayout(
        QPageSize(PAPERS[paper]),
        QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait,
        QMarginsF(0, 0, 0, 0)))
    painter = QPainter(writer)
    if not painter.isActive():
        raise OSError(_("{file} kon niet geschreven worden.").format(file=path.name))
    page = writer.pageLayout().paintRectPixels(DPI)
    render(painter, page.width(), page.height(), map_image, info)
    painter.end()
    return path


