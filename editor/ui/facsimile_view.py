"""Facsimiles in the window: the page images of each witness beside its text.

One dock per witness pane (the left pane's on the left, the right pane's on the right,
so each image sits next to its text and the two texts stay side by side).  A dock shows
one page at a time: zoom (fit width, fit page, mouse wheel, + and -), pan (drag),
rotate, page navigation.  It follows its text pane: the page holding the cursor (or
the top of the view, when scrolling) is shown, and turning a page scrolls the text to
where that page starts.

Regions (TEI ``zone``) are drawn as rectangles or polygons; one drawn while words are
selected is tied to those words (or to the annotation when the selection is exactly an
annotation's range), otherwise it can be linked afterwards.  Hovering a region
highlights its words in the text pane and hovering words highlights their regions;
clicking a region selects its words.  Every change is one model operation of
:mod:`editor.model.facsimile`, pushed as one undo step.

A missing image never stops the edition from opening: the dock says which file is
missing and offers *Locate Image…*, which also fixes the other pages whose images
moved with it.
"""

from __future__ import annotations

import math
import os
from collections import OrderedDict

import shiboken6

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (QAction, QBrush, QColor, QImageReader, QPainter,
                           QPainterPath, QPen, QPixmap, QPolygonF, QTextCharFormat, QTextCursor,
                           QTextFormat, QTransform)
from PySide6.QtWidgets import (QApplication, QComboBox, QDockWidget, QFileDialog, QFrame,
                               QGraphicsItem, QGraphicsPathItem, QGraphicsPixmapItem,
                               QGraphicsPolygonItem, QGraphicsRectItem, QGraphicsScene,
                               QGraphicsView, QHBoxLayout, QLabel, QMenu, QPlainTextEdit,
                               QPushButton, QTextEdit, QToolBar, QVBoxLayout, QWidget)

from editor.errors import VariorumError
from editor.model import facsimile
from editor.model.kinds import spec
from editor.ui.actions import make_action
from editor.ui.richtext import escape

#: marks the extra selections this module adds to a text pane (others' are left alone)
_OUR_SELECTION = int(QTextFormat.Property.UserProperty) + 0x0FAC
#: words of a hovered region, in the text pane
WORDS_FILL = QColor(0, 150, 136, 80)
#: region outlines: tied to an annotation, tied to words, tied to nothing
ZONE_ANNOTATION = QColor("#b3306b")
ZONE_TEXT = QColor("#0b5cad")
ZONE_LOOSE = QColor("#6d6d6d")
ZONE_HIGHLIGHT = QColor(255, 196, 0)
ZOOM_STEP = 1.25
#: grey around the page, as a share of its longer side
MARGIN = 0.02
MIN_ZOOM, MAX_ZOOM = 0.03, 12.0


# ======================================================================================
# loading images


class ImageCache:
    """Decoded pages, the last few kept (scans are large); keyed by file, frame and
    modification time, so a replaced file is read again."""

    def __init__(self, size: int = 8):
        self.size = size
        self._items: OrderedDict = OrderedDict()

    def get(self, path: str, frame: int) -> tuple[QPixmap | None, str]:
        """The page as a pixmap, or ``None`` and why it could not be read."""
        try:
            stamp = os.stat(path).st_mtime_ns
        except OSError as exc:
            return None, exc.strerror or str(exc)
        key = (path, frame, stamp)
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key], ""
        reader = QImageReader(path)
        reader.setAutoTransform(False)   # regions are in the stored raster's pixels
        if frame and not reader.jumpToImage(frame):
            return None, f"the file has no image {frame + 1}"
        image = reader.read()
        if image.isNull():
            return None, reader.errorString() or "the image cannot be decoded"
        pixmap = QPixmap.fromImage(image)
        self._items[key] = pixmap
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return pixmap, ""


# ======================================================================================
# the page: image and regions


class ZoneItem(QGraphicsPolygonItem):
    """One region on the page; its look says what it is tied to and whether it is lit."""

    def __init__(self, view: "PageView", zone_id: str, polygon: QPolygonF, colour: QColor,
                 editable: bool):
        super().__init__(polygon)
        self.view = view
        self.zone_id = zone_id
        self.colour = colour
        self.lit = False
        self.setAcceptHoverEvents(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, editable)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.restyle()

    def restyle(self) -> None:
        selected = self.isSelected()
        pen = QPen(self.colour.darker(130) if self.lit else self.colour,
                   3.0 if (self.lit or selected) else 1.6)
        pen.setCosmetic(True)   # the same width at every zoom
        if self.colour == ZONE_LOOSE:
            pen.setStyle(Qt.PenStyle.DashLine)
        if selected:
            pen.setStyle(Qt.PenStyle.DashDotLine)
        self.setPen(pen)
        fill = QColor(ZONE_HIGHLIGHT if self.lit else self.colour)
        fill.setAlpha(90 if self.lit else 28)
        self.setBrush(QBrush(fill))
        self.setZValue(2 if self.lit else 1)

    def itemChange(self, change, value):  # noqa: N802 - Qt's name
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.restyle()
        return super().itemChange(change, value)

    def hoverEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.setToolTip(self.view.describe_zone(self.zone_id))
        self.view.zoneHovered.emit(self.zone_id)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.view.zoneHovered.emit("")
        super().hoverLeaveEvent(event)


class PageView(QGraphicsView):
    """Shows one page; zooms, pans, rotates, and lets the user draw regions.

    Scene coordinates are the page's image pixels as the edition records them (a page
    whose file now has another resolution is scaled to the recorded size, so its
    regions still fit).
    """

    #: a region was drawn: its corners in image pixels
    regionDrawn = Signal(list)
    #: a region was dragged elsewhere: (zone id, new corners)
    zoneMoved = Signal(str, list)
    zoneHovered = Signal(str)
    zoneClicked = Signal(str)
    #: right click on a region ("" elsewhere) at a global position
    menuRequested = Signal(str, QPoint)
    zoomChanged = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setBackgroundBrush(QColor("#5b5f66"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.pixmap_item: QGraphicsPixmapItem | None = None
        self.page_size = QSize(0, 0)
        self.rotation = 0
        self.fit = "width"           # "width", "page", or "" (the user zoomed)
        self.scale_factor = 1.0
        self.mode = "navigate"        # or "rectangle", "polygon"
        self.describe_zone = lambda zone_id: ""
        self.zone_items: dict[str, ZoneItem] = {}
        self._rubber: QGraphicsRectItem | None = None
        self._rubber_origin: QPointF | None = None
        self._polygon: list[QPointF] = []
        self._polygon_item: QGraphicsPathItem | None = None
        self._pressed_zone = ""

    # -- content ---------------------------------------------------------------------
    def show_page(self, pixmap: QPixmap | None, width: int, height: int) -> None:
        """Show ``pixmap`` as a page of ``width`` × ``height`` recorded pixels."""
        self.cancel_drawing()
        scene = self.scene()
        scene.clear()
        self.zone_items = {}
        self.pixmap_item = None
        if pixmap is None:
            self.page_size = QSize(0, 0)
            return
        width = width or pixmap.width()
        height = height or pixmap.height()
        self.page_size = QSize(width, height)
        item = QGraphicsPixmapItem(pixmap)
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        if (pixmap.width(), pixmap.height()) != (width, height):
            item.setTransform(QTransform.fromScale(width / pixmap.width(),
                                                   height / pixmap.height()))
        item.setZValue(0)
        scene.addItem(item)
        self.pixmap_item = item
        margin = max(width, height) * MARGIN
        scene.setSceneRect(QRectF(-margin, -margin, width + 2 * margin, height + 2 * margin))
        self.apply_view()

    def set_zones(self, zones: list[tuple[str, list[tuple[float, float]], QColor]],
                  editable: bool) -> None:
        for item in self.zone_items.values():
            self.scene().removeItem(item)
        self.zone_items = {}
        if self.pixmap_item is None:
            return
        for zone_id, points, colour in zones:
            polygon = QPolygonF([QPointF(x, y) for x, y in points])
            item = ZoneItem(self, zone_id, polygon, colour, editable)
            self.scene().addItem(item)
            self.zone_items[zone_id] = item

    def light(self, zone_ids: set[str]) -> None:
        for zone_id, item in self.zone_items.items():
            lit = zone_id in zone_ids
            if lit != item.lit:
                item.lit = lit
                item.restyle()

    def selected_zone(self) -> str:
        for zone_id, item in self.zone_items.items():
            if item.isSelected():
                return zone_id
        return ""

    def select_zone(self, zone_id: str, reveal: bool = True) -> None:
        self.scene().clearSelection()
        item = self.zone_items.get(zone_id)
        if item is not None:
            item.setSelected(True)
            if reveal:
                self.ensureVisible(item, 40, 40)

    # -- zoom, fit, rotation --------------------------------------------------------------
    def _rotated_size(self) -> tuple[float, float]:
        w, h = self.page_size.width(), self.page_size.height()
        return (h, w) if self.rotation % 180 else (w, h)

    def apply_view(self) -> None:
        """Apply the fit mode (if any), the zoom and the rotation."""
        if self.pixmap_item is None:
            return
        w, h = self._rotated_size()
        view = self.viewport().size()
        if self.fit and w and h:
            # the grey margin around the page included, so that no scroll bar is needed
            frame = 2 * MARGIN * max(w, h)
            by_width = max(0.01, (view.width() - 2) / (w + frame))
            by_height = max(0.01, (view.height() - 2) / (h + frame))
            self.scale_factor = by_width if self.fit == "width" else min(by_width, by_height)
        transform = QTransform()
        transform.rotate(self.rotation)
        transform.scale(self.scale_factor, self.scale_factor)
        self.setTransform(transform)
        if self.fit == "width":   # from the top of the page
            self.centerOn(self.mapToScene(self.viewport().rect().center()).x(), 0)
            top = self.pixmap_item.mapToScene(self.pixmap_item.boundingRect()).boundingRect()
            self.ensureVisible(QRectF(top.center().x(), top.top(), 1, 1), 0, 12)
        elif self.fit == "page":
            self.centerOn(self.page_size.width() / 2, self.page_size.height() / 2)
        self.zoomChanged.emit()

    def zoom_by(self, factor: float) -> None:
        new = min(max(self.scale_factor * factor, MIN_ZOOM), MAX_ZOOM)
        if new == self.scale_factor:
            return
        self.fit = ""
        self.scale_by(new / self.scale_factor)

    def scale_by(self, ratio: float) -> None:
        self.scale_factor *= ratio
        self.scale(ratio, ratio)
        self.zoomChanged.emit()

    def set_fit(self, fit: str) -> None:
        self.fit = fit
        self.apply_view()

    def rotate_by(self, degrees: int) -> None:
        self.rotation = (self.rotation + degrees) % 360
        self.apply_view()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.fit:
            self.apply_view()

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """The wheel zooms around the pointer (as facsimile viewers do); with Shift it
        scrolls."""
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier or self.pixmap_item is None:
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(ZOOM_STEP ** steps)
        event.accept()

    # -- drawing ------------------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        self.cancel_drawing()
        self.mode = mode
        navigating = mode == "navigate"
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag if navigating
                         else QGraphicsView.DragMode.NoDrag)
        self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if navigating
                                  else Qt.CursorShape.CrossCursor)

    def cancel_drawing(self) -> None:
        for item in (self._rubber, self._polygon_item):
            if item is not None and item.scene() is self.scene():
                self.scene().removeItem(item)
        self._rubber = self._polygon_item = None
        self._rubber_origin = None
        self._polygon = []

    def _on_page(self, pos: QPoint) -> QPointF:
        """The image pixel under ``pos`` (whole pixels: finer means nothing on screen)."""
        point = self.mapToScene(pos)
        w, h = self.page_size.width(), self.page_size.height()
        return QPointF(min(max(round(point.x()), 0), w), min(max(round(point.y()), 0), h))

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.setFocus()
        if self.pixmap_item is None:
            return
        left = event.button() == Qt.MouseButton.LeftButton
        if self.mode == "rectangle" and left:
            self._rubber_origin = self._on_page(event.position().toPoint())
            pen = QPen(ZONE_HIGHLIGHT.darker(150), 2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._rubber = self.scene().addRect(QRectF(self._rubber_origin, self._rubber_origin),
                                                pen, QBrush(QColor(255, 196, 0, 50)))
            self._rubber.setZValue(5)
            return
        if self.mode == "polygon" and left:
            self._polygon.append(self._on_page(event.position().toPoint()))
            self._update_polygon(self._polygon[-1])
            return
        if event.button() == Qt.MouseButton.RightButton:
            item = self._zone_at(event.position().toPoint())
            if item is not None and not item.isSelected():
                self.scene().clearSelection()
                item.setSelected(True)
            self.menuRequested.emit(item.zone_id if item else "",
                                    event.globalPosition().toPoint())
            return
        item = self._zone_at(event.position().toPoint())
        self._pressed_zone = item.zone_id if item is not None else ""
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._rubber is not None and self._rubber_origin is not None:
            corner = self._on_page(event.position().toPoint())
            self._rubber.setRect(QRectF(self._rubber_origin, corner).normalized())
            return
        if self.mode == "polygon" and self._polygon:
            self._update_polygon(self._on_page(event.position().toPoint()))
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._rubber is not None and self._rubber_origin is not None:
            rect = self._rubber.rect()
            self.cancel_drawing()
            on_screen = self.mapFromScene(rect).boundingRect()
            if on_screen.width() >= 4 and on_screen.height() >= 4:
                self.regionDrawn.emit(facsimile.rectangle(rect.left(), rect.top(),
                                                          rect.right(), rect.bottom()))
            return
        if self.mode == "polygon":
            return
        super().mouseReleaseEvent(event)
        moved = []
        for item in self.zone_items.values():
            offset = item.pos()
            if offset == QPointF(0, 0):
                continue
            if math.hypot(offset.x(), offset.y()) * self.scale_factor < 3:
                item.setPos(0, 0)   # a hand that shook while clicking did not mean to move it
            else:
                moved.append(item)
        for item in moved:
            offset = item.pos()
            points = [(p.x() + offset.x(), p.y() + offset.y()) for p in item.polygon()]
            self.zoneMoved.emit(item.zone_id, points)
        if not moved and self._pressed_zone and event.button() == Qt.MouseButton.LeftButton:
            self.zoneClicked.emit(self._pressed_zone)
        self._pressed_zone = ""

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self.mode == "polygon":
            self.finish_polygon()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        if self.mode == "polygon" and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish_polygon()
            return
        if self.mode == "polygon" and key == Qt.Key.Key_Backspace and self._polygon:
            self._polygon.pop()
            self._update_polygon(self._polygon[-1] if self._polygon else None)
            return
        if key == Qt.Key.Key_Escape and (self._polygon or self._rubber is not None):
            self.cancel_drawing()
            return
        super().keyPressEvent(event)

    def finish_polygon(self) -> None:
        # a double click adds its point twice: drop repeated corners
        points = []
        for p in self._polygon:
            if not points or (abs(p.x() - points[-1].x()) > 0.5 or abs(p.y() - points[-1].y()) > 0.5):
                points.append(p)
        self.cancel_drawing()
        if len(points) >= 3:
            self.regionDrawn.emit([(p.x(), p.y()) for p in points])

    def _update_polygon(self, pointer: QPointF | None) -> None:
        if not self._polygon:
            self.cancel_drawing()
            return
        path = QPainterPath(self._polygon[0])
        for p in self._polygon[1:]:
            path.lineTo(p)
        if pointer is not None:
            path.lineTo(pointer)
        if self._polygon_item is None:
            pen = QPen(ZONE_HIGHLIGHT.darker(150), 2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._polygon_item = self.scene().addPath(path, pen, QBrush(QColor(255, 196, 0, 40)))
            self._polygon_item.setZValue(5)
        else:
            self._polygon_item.setPath(path)

    def _zone_at(self, pos: QPoint) -> ZoneItem | None:
        for item in self.items(pos):
            if isinstance(item, ZoneItem):
                return item
        return None


# ======================================================================================
# one witness's facsimile


class FacsimilePanel(QWidget):
    """The facsimile of the witness shown in one text pane."""

    def __init__(self, feature: "FacsimileFeature", pane):
        super().__init__()
        self.feature = feature
        self.window = feature.window
        self.pane = pane
        self.page_id = ""
        self.rotations: dict[str, int] = {}     # page id -> degrees (this session only)
        self.follow = True
        self.hovered: set[str] = set()           # regions lit by hovering words
        self.at_cursor: set[str] = set()         # regions of the words at the cursor
        self.missing_message = ""
        self._turning = False                    # we are scrolling the text ourselves
        self._shown = None                       # (page id, path, frame, size) on screen

        self.view = PageView(self)
        self.view.describe_zone = self.describe_zone
        self.view.regionDrawn.connect(self._region_drawn)
        self.view.zoneMoved.connect(self._zone_moved)
        self.view.zoneHovered.connect(self._zone_hovered)
        self.view.zoneClicked.connect(self._zone_clicked)
        self.view.menuRequested.connect(self._menu)
        self.view.zoomChanged.connect(self._update_zoom_tip)

        self.toolbar = QToolBar()
        self.toolbar.setIconSize(QSize(16, 16))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        # compact: the dock is narrow and every tool should stay in sight
        self.toolbar.setStyleSheet("QToolBar { spacing: 0px; padding: 0px; } "
                                   "QToolButton { padding: 1px 4px; margin: 0px; }")
        self.toolbar.setMovable(False)
        self.page_box = QComboBox()
        self.page_box.setToolTip("Page (PgUp / PgDn)")
        self.page_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.page_box.activated.connect(lambda row: self.turn_to(self.page_box.itemData(row)))

        def act(text: str, slot, keys=(), tip: str = "", checkable=False) -> QAction:
            return make_action(self, text, slot, list(keys), tip, checkable,
                               context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

        self.act_prev = act("◀", lambda: self.turn(-1), ("PgUp",), "Previous page")
        self.act_next = act("▶", lambda: self.turn(1), ("PgDown",), "Next page")
        self.act_zoom_out = act("−", lambda: self.view.zoom_by(1 / ZOOM_STEP), ("-",), "Zoom out")
        self.act_zoom_in = act("+", lambda: self.view.zoom_by(ZOOM_STEP), ("+", "="), "Zoom in")
        self.act_fit_width = act("↔", lambda: self.view.set_fit("width"), ("W",),
                                 "Fit the page's width")
        self.act_fit_page = act("⇕", lambda: self.view.set_fit("page"), ("F",),
                                "Fit the whole page")
        self.act_rotate = act("⟳", lambda: self._rotate(90), ("R",), "Rotate clockwise")
        self.act_rotate_back = act("⟲", lambda: self._rotate(-90), ("Shift+R",),
                                   "Rotate anticlockwise")
        self.act_rect = act("▭", lambda on: self._draw_mode("rectangle", on), ("D",),
                            "Draw a rectangular region; words selected in the text are tied "
                            "to it", checkable=True)
        self.act_poly = act("⬠", lambda on: self._draw_mode("polygon", on), ("P",),
                            "Draw a polygon: click its corners, double-click or Enter to close",
                            checkable=True)
        self.act_delete = act("Delete Region", self.delete_selected, ("Delete",),
                              "Delete the selected region")
        self.act_follow = act("Follow", self._set_follow, (),
                              "Show the page of the text at the cursor", checkable=True)
        self.act_follow.setChecked(True)
        self.act_stop = act("Stop Drawing", lambda: self._draw_mode("navigate", True),
                            ("Escape",), "Back to moving the page")

        tb = self.toolbar
        tb.addAction(self.act_prev)
        tb.addWidget(self.page_box)
        tb.addAction(self.act_next)
        tb.addSeparator()
        tb.addAction(self.act_zoom_out)
        tb.addAction(self.act_zoom_in)
        tb.addAction(self.act_fit_width)
        tb.addAction(self.act_fit_page)
        tb.addAction(self.act_rotate)
        tb.addSeparator()
        tb.addAction(self.act_rect)
        tb.addAction(self.act_poly)
        tb.addSeparator()
        tb.addAction(self.act_follow)
        for action in tb.actions():   # symbols need no more room than a symbol
            button = tb.widgetForAction(action)
            if button is not None and len(action.text()) == 1:
                button.setFixedWidth(25)

        # a banner for a missing image, with the way to find it again
        self.banner = QFrame()
        self.banner.setObjectName("facsimileBanner")
        self.banner.setStyleSheet("#facsimileBanner { background: #fff4d6; "
                                  "border-bottom: 1px solid #e0c27a; }")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.locate_button = QPushButton("Locate Image…")
        self.locate_button.clicked.connect(lambda: self.feature.locate_image(self.page_id))
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(8, 6, 8, 6)
        banner_layout.addWidget(self.banner_text, 1)
        banner_layout.addWidget(self.locate_button)
        self.banner.hide()

        # when the witness has no page images yet
        self.empty = QWidget()
        self.empty_text = QLabel()
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        add_button = QPushButton("Add Page Images…")
        add_button.clicked.connect(lambda: self.feature.add_images(witness=self.witness))
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_text)
        empty_layout.addWidget(add_button, 0, Qt.AlignmentFlag.AlignCenter)
        empty_layout.addStretch(2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        self.setMinimumWidth(220)

    # -- what is shown ---------------------------------------------------------------------
    @property
    def edition(self):
        return self.window.doc.edition

    @property
    def witness(self) -> str:
        return self.pane.witness_id

    def pages(self):
        return facsimile.pages_of(self.edition, self.witness)

    def page(self):
        for page in self.edition.surfaces:
            if page.id == self.page_id:
                return page
        return None

    def refresh(self) -> None:
        """Show the current page again (after open, undo, a new witness in the pane)."""
        pages = self.pages()
        if self.page_id not in {p.id for p in pages}:
            self.page_id = ""
            if pages and self.witness:
                position = self.pane.cursor_position() if self.pane.witness_id else 0
                page = facsimile.page_at(self.edition, self.witness, position)
                self.page_id = page.id if page else pages[0].id
        self._fill_page_box(pages)
        self._load_page()

    def _fill_page_box(self, pages) -> None:
        self.page_box.blockSignals(True)
        self.page_box.clear()
        for index, page in enumerate(pages):
            self.page_box.addItem(f"{page.label or index + 1} / {len(pages)}", page.id)
        self.page_box.setCurrentIndex(max(0, self.page_box.findData(self.page_id)))
        self.page_box.blockSignals(False)
        index = [p.id for p in pages].index(self.page_id) if self.page_id else -1
        self.act_prev.setEnabled(index > 0)
        self.act_next.setEnabled(0 <= index < len(pages) - 1)

    def _load_page(self) -> None:
        page = self.page()
        has_pages = page is not None
        key = (page.id, page.path, page.page, page.width, page.height) if page else None
        if has_pages and key == self._shown and self.view.pixmap_item is not None:
            self._show_zones()   # the same image: keep the zoom and the scroll
            return
        self._shown = key
        self.empty.setVisible(not has_pages)
        self.view.setVisible(has_pages)
        for action in (self.act_zoom_in, self.act_zoom_out, self.act_fit_width,
                       self.act_fit_page, self.act_rotate, self.act_rotate_back,
                       self.act_follow):
            action.setEnabled(has_pages)
        editable = has_pages and not self.window.doc.read_only
        self.act_rect.setEnabled(editable)
        self.act_poly.setEnabled(editable)
        if not has_pages:
            label = self.edition.witnesses.get(self.witness)
            name = label.label if label else "this version"
            self.empty_text.setText(f"No page images for {name}.\n\nAdd the scans of its "
                                    "pages to see them beside the text.")
            self.banner.hide()
            self.missing_message = ""
            self.view.show_page(None, 0, 0)
            return
        path = facsimile.image_location(page.path, self.window.doc.path)
        pixmap, why = (None, "") if facsimile.is_remote(page.path) else \
            self.feature.images.get(path, page.page)
        if pixmap is None:
            if facsimile.is_remote(page.path) or not os.path.isfile(path):
                self.missing_message = facsimile.describe_missing(page, self.window.doc.path)
            else:
                self.missing_message = f"The image of page {page.label or page.id} cannot be " \
                                       f"read ({why}): {path}"
            self.banner_text.setText(self.missing_message)
            self.banner.show()
            self._shown = None   # try the file again next time
            if page.width > 0 and page.height > 0:   # its regions stay in sight and usable
                pixmap = _placeholder(page.width, page.height)
        else:
            self.missing_message = ""
            self.banner.hide()
        self.view.rotation = self.rotations.get(page.id, 0)
        self.view.show_page(pixmap, page.width, page.height)
        self._show_zones()
        self._update_zoom_tip()

    def _show_zones(self) -> None:
        page = self.page()
        if page is None:
            return
        zones = []
        for zone in page.zones:
            if zone.annotation and zone.annotation in self.edition.annotations:
                colour = ZONE_ANNOTATION
            elif facsimile.zone_range(self.edition, zone) is not None:
                colour = ZONE_TEXT
            else:
                colour = ZONE_LOOSE
            zones.append((zone.id, zone.points, colour))
        selected = self.view.selected_zone()
        self.view.set_zones(zones, editable=not self.window.doc.read_only)
        if selected:
            self.view.select_zone(selected, reveal=False)
        self._relight()

    def _relight(self) -> None:
        self.view.light(self.hovered | self.at_cursor)

    def _update_zoom_tip(self) -> None:
        zoom = f" (now {round(self.view.scale_factor * 100)}%)"
        self.act_zoom_in.setToolTip("Zoom in (+, or the mouse wheel)" + zoom)
        self.act_zoom_out.setToolTip("Zoom out (-, or the mouse wheel)" + zoom)

    # -- pages ---------------------------------------------------------------------------
    def turn(self, step: int) -> None:
        ids = [p.id for p in self.pages()]
        if self.page_id in ids:
            index = min(max(ids.index(self.page_id) + step, 0), len(ids) - 1)
            self.turn_to(ids[index])

    def turn_to(self, page_id: str) -> None:
        """Show a page chosen in the facsimile; the text scrolls to where it starts."""
        self.show_page(page_id)
        page = self.page()
        if page is not None and self.follow and self.witness == page.witness:
            self._turning = True
            try:
                self.pane.scroll_to_position(page.text_start)
            finally:
                self._turning = False

    def show_page(self, page_id: str) -> None:
        if page_id == self.page_id:
            return
        self.page_id = page_id
        self._fill_page_box(self.pages())
        self._load_page()

    def _rotate(self, degrees: int) -> None:
        self.view.rotate_by(degrees)
        if self.page_id:
            self.rotations[self.page_id] = self.view.rotation

    def _set_follow(self, on: bool) -> None:
        self.follow = on
        if on:
            self.follow_cursor()

    # -- following the text ----------------------------------------------------------------
    def follow_cursor(self) -> None:
        """Show the page holding the cursor (a region of the words there wins over page
        starts) and light the regions of the selected words."""
        if not self.witness:
            return
        start, end = self.pane.selection()
        found = facsimile.zones_for(self.edition, self.witness, start, end if end > start else None)
        self.at_cursor = {zone.id for _surface, zone in found}
        if self.follow:
            pages = [surface.id for surface, _zone in found]
            page_id = self.page_id if self.page_id in pages else (pages[0] if pages else "")
            if not page_id:
                page = facsimile.page_at(self.edition, self.witness, start)
                page_id = page.id if page else ""
            if page_id and page_id != self.page_id:
                self.show_page(page_id)
        self._relight()
        for zone_id in self.at_cursor:
            item = self.view.zone_items.get(zone_id)
            if item is not None:
                self.view.ensureVisible(item, 30, 30)
                break

    def follow_scroll(self) -> None:
        if not self.follow or self._turning or not self.witness:
            return
        page = facsimile.page_at(self.edition, self.witness, self.pane.top_position())
        if page is not None and page.id != self.page_id:
            # a cursor still in view keeps its page
            editor = self.pane.editor
            if not editor.viewport().rect().intersects(editor.cursorRect()):
                self.show_page(page.id)

    def light_words_at(self, position: int | None) -> None:
        """Light the regions of the words under the mouse in the text (None: none)."""
        found = set()
        if position is not None and self.witness:
            found = {zone.id for _s, zone in facsimile.zones_for(self.edition, self.witness,
                                                                 position)}
        if found != self.hovered:
            self.hovered = found
            self._relight()

    # -- regions ---------------------------------------------------------------------------
    def describe_zone(self, zone_id: str) -> str:
        try:
            surface, zone = facsimile.find_zone(self.edition, zone_id)
        except KeyError:
            return ""
        parts = []
        ann = self.edition.annotations.get(zone.annotation) if zone.annotation else None
        if ann is not None:
            quote = self.edition.quote(ann)
            parts.append(f"<b>{escape(spec(ann.kind).label)}</b>"
                         + (f": “{escape(quote[:80])}”" if quote else ""))
        elif zone.annotation:
            parts.append(f"linked to annotation {zone.annotation}, which no longer exists")
        where = facsimile.zone_range(self.edition, zone)
        if where is not None and ann is None:
            witness, start, end = where
            text = self.edition.witnesses[witness].text[start:end]
            parts.append(f"“{escape(text[:80])}”")
        if not parts:
            parts.append("a region tied to no words: select words and choose "
                         "Facsimile ▸ Link Region to Selected Text")
        parts.append(f"<span style='color:#666'>page {escape(surface.label or surface.id)}, "
                     f"{zone.id}</span>")
        return "<br>".join(parts)

    def _draw_mode(self, mode: str, on: bool) -> None:
        if not on and self.view.mode != mode:
            return
        mode = mode if on else "navigate"
        for action, name in ((self.act_rect, "rectangle"), (self.act_poly, "polygon")):
            action.blockSignals(True)
            action.setChecked(mode == name)
            action.blockSignals(False)
        self.view.set_mode(mode)
        if mode != "navigate":
            self.view.setFocus()
            self.window.statusBar().showMessage(
                "Draw the region on the page" + (": click its corners, double-click to close"
                                                 if mode == "polygon" else "") +
                ". Words selected in the text are tied to it. Esc stops drawing.", 6000)

    def _region_drawn(self, points) -> None:
        self.feature.draw_region(self, points)

    def _zone_moved(self, zone_id: str, points) -> None:
        self.feature.push(lambda ed: facsimile.move_zone(ed, zone_id, points))
        self._show_zones()

    def _zone_hovered(self, zone_id: str) -> None:
        self.feature.light_words_of(zone_id)

    def _zone_clicked(self, zone_id: str) -> None:
        self.feature.go_to_zone(zone_id)

    def delete_selected(self) -> None:
        zone_id = self.view.selected_zone()
        if zone_id:
            self.feature.push(lambda ed: facsimile.remove_zones(ed, [zone_id]))

    def _menu(self, zone_id: str, where: QPoint) -> None:
        menu = QMenu(self)
        feature = self.feature
        if zone_id:
            menu.addAction(feature.act_link_text)
            menu.addAction(feature.act_link_annotation)
            menu.addAction(feature.act_unlink)
            menu.addSeparator()
            menu.addAction(self.act_delete)
            menu.addSeparator()
        menu.addAction(feature.act_page_start)
        menu.addAction(feature.act_locate)
        self.menu = menu   # kept for tests
        if os.environ.get("VARIORUM_NO_MODAL"):
            return
        menu.exec(where)


# ======================================================================================
# the feature: docks, menu, wiring


class FacsimileFeature(QObject):
    """Installs the facsimile docks and the Facsimile menu (see the module doc)."""

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.images = ImageCache()
        self.panels: list[FacsimilePanel] = []
        self.docks: list[QDockWidget] = []
        self.last_missing: list = []          # pages whose image was missing at opening
        self._edition_path = ""
        self._rebasing = False
        self._sized = False
        self._build_menu()
        self.missing_button = QPushButton()
        self.missing_button.setFlat(True)
        self.missing_button.setStyleSheet("QPushButton { color: #8a4b00; padding: 0 6px; }")
        self.missing_button.clicked.connect(lambda: self.locate_image())
        self.missing_button.hide()
        window.statusBar().addPermanentWidget(self.missing_button)
        doc = window.doc
        doc.changed.connect(self._doc_changed)
        window.editionShown.connect(self._edition_shown)
        window.fileSaved.connect(self._file_saved)
        window.act_third.toggled.connect(lambda _on: QTimer.singleShot(0, self._sync_panels))
        self._sync_panels()

    # -- menu ------------------------------------------------------------------------------
    def _build_menu(self) -> None:
        window = self.window
        menu = window.menu("facsimile", "F&acsimile")
        self.menu = menu

        def act(text: str, slot, shortcut=None, tip: str = "", checkable=False) -> QAction:
            return make_action(window, text, slot, shortcut, tip, checkable, menu=menu)

        self.act_show = act("&Show Facsimiles", self.show_facsimiles, "Ctrl+Shift+F",
                            "Show the page images beside the texts", checkable=True)
        menu.addSeparator()
        self.act_add = act("&Add Page Images…", lambda: self.add_images(),
                           tip="Add scans (PNG, JPEG, TIFF, WebP) as pages of the version in "
                               "the active pane")
        self.act_locate = act("&Locate Image…", lambda: self.locate_image(),
                              tip="Find a page image that was moved or renamed (and the others "
                                  "moved with it)")
        self.act_remove_page = act("&Remove Page", self.remove_page,
                                   tip="Remove the page shown from the edition (the image file "
                                       "stays)")
        menu.addSeparator()
        self.act_page_start = act("Page Starts &Here", self.set_page_start, "Ctrl+Shift+G",
                                  "The text of the page shown starts at the cursor")
        self.act_link_text = act("Link Region to Selected &Text", self.link_to_text,
                                 "Ctrl+Shift+K", "Tie the selected region to the words "
                                                 "selected in the text")
        self.act_link_annotation = act("Link Region to &Annotation in Inspector",
                                       self.link_to_annotation, tip="Tie the selected region "
                                       "to the annotation shown in the inspector")
        self.act_unlink = act("&Unlink Region", self.unlink, tip="Untie the selected region "
                                                                 "from its words")
        self.act_delete_region = act("&Delete Region", self.delete_region,
                                     tip="Delete the selected region (also: Delete key)")

    # -- panels and docks ------------------------------------------------------------------
    def _sync_panels(self, reset_visibility: bool = False) -> None:
        """One panel per text pane (a third pane gets its own); with ``reset_visibility``
        (a new edition), the docks of witnesses with pages are shown, the others hidden."""
        window = self.window
        panes = list(window.panes)
        while len(self.panels) > len(panes):
            self.panels.pop()
            dock = self.docks.pop()
            window.removeDockWidget(dock)
            dock.deleteLater()
        created = []
        for index in range(len(self.panels), len(panes)):
            panel = FacsimilePanel(self, panes[index])
            created.append(index)
            dock = QDockWidget("Facsimile", window)
            dock.setObjectName(f"FacsimileDock{index + 1}")
            dock.setWidget(panel)
            dock.visibilityChanged.connect(self._update_show_action)
            if index == 0:
                window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
            else:
                window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
                inspector = getattr(window, "inspector_dock", None)
                if index == 1 and inspector is not None and \
                        window.dockWidgetArea(inspector) == Qt.DockWidgetArea.RightDockWidgetArea:
                    window.splitDockWidget(dock, inspector, Qt.Orientation.Horizontal)
            self.panels.append(panel)
            self.docks.append(dock)
            self._wire_pane(panel)
            window.menus["view"].addAction(dock.toggleViewAction())
        for panel, pane in zip(self.panels, panes):
            panel.pane = pane
        self._update_titles()
        for index, (panel, dock) in enumerate(zip(self.panels, self.docks)):
            panel.refresh()
            if reset_visibility or index in created:
                dock.setVisible(bool(panel.pages()) or (self.act_show.isChecked()
                                                        and not reset_visibility))
        self._size_docks()

    def _size_docks(self) -> None:
        """The first time facsimiles appear, give each a fair share of the window (a
        dock's own size hint is too narrow to read a page); later the user's sizes stay."""
        shown = [d for d in self.docks if not d.isHidden()]
        if self._sized or not shown:
            return
        self._sized = True
        width = max(300, int(self.window.width() * 0.22))
        self.window.resizeDocks(shown, [width] * len(shown), Qt.Orientation.Horizontal)

    def _wire_pane(self, panel: FacsimilePanel) -> None:
        pane = panel.pane
        pane.cursorMoved.connect(lambda _p, panel=panel: panel.follow_cursor())
        pane.scrolled.connect(lambda _p, panel=panel: panel.follow_scroll())
        pane.witnessChosen.connect(lambda *_a, panel=panel: self._witness_chosen(panel))
        pane.editor.viewport().installEventFilter(self)
        pane.editor.viewport().setMouseTracking(True)

    def _witness_chosen(self, panel: FacsimilePanel) -> None:
        self._update_titles()
        panel.refresh()
        index = self.panels.index(panel)
        if panel.pages():
            self.docks[index].show()

    def _update_titles(self) -> None:
        edition = self.window.doc.edition
        for panel, dock in zip(self.panels, self.docks):
            witness = edition.witnesses.get(panel.witness)
            name = witness.label if witness else ""
            dock.setWindowTitle(f"Facsimile · {name}" if name else "Facsimile")

    def _update_show_action(self, _visible: bool = False) -> None:
        if not shiboken6.isValid(self.window):
            return   # the window is being destroyed
        shown = any(d.isVisible() for d in self.docks)
        if self.act_show.isChecked() != shown and not self.window.isHidden():
            self.act_show.blockSignals(True)
            self.act_show.setChecked(shown)
            self.act_show.blockSignals(False)

    def show_facsimiles(self, on: bool) -> None:
        for dock in self.docks:
            dock.setVisible(on)

    def panel_for(self, pane=None) -> FacsimilePanel | None:
        pane = pane or self.window.active_pane()
        for panel in self.panels:
            if panel.pane is pane:
                return panel
        return self.panels[0] if self.panels else None

    def active_panel(self) -> FacsimilePanel | None:
        """The panel with the keyboard focus, else the one of the active text pane."""
        focus = QApplication.focusWidget()
        for panel in self.panels:
            if focus is not None and panel.isAncestorOf(focus):
                return panel
        return self.panel_for()

    # -- model changes -------------------------------------------------------------------------
    def push(self, operation, success: str = "") -> bool:
        """Run a facsimile operation on the edition and push it as one undo step; a
        refusal (``ValueError``, ``KeyError``) is shown in the status bar."""
        window = self.window
        if window.doc.read_only:
            window.statusBar().showMessage("This edition is open read-only.", 4000)
            return False
        try:
            change = operation(window.doc.edition)
        except (ValueError, KeyError) as exc:
            message = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            window.statusBar().showMessage(message, 6000)
            return False
        except VariorumError as exc:
            window.show_error("The page images were not changed", str(exc))
            return False
        except OSError as exc:
            window.show_error("The page images were not changed",
                              f"{exc.filename or ''}: {exc.strerror or exc}")
            return False
        window.doc.push(change)
        if success:
            window.statusBar().showMessage(success, 6000)
        return True

    def _doc_changed(self, change, undo, origin) -> None:
        if change.header_changed:
            self._update_titles()
            if any(panel.hovered for panel in self.panels):
                self.light_words_of("")   # the region hovered may be gone (undo, delete)
            for panel in self.panels:
                panel.refresh()
            # a header change is rare (never a keystroke): look at the files again
            self.last_missing = facsimile.missing_pages(self.window.doc.edition,
                                                        self.window.doc.path)
            self._update_missing_button(self.last_missing)
        elif any((change.before.get(i) is None) != (change.after.get(i) is None)
                 for i in change.annotation_ids):
            for panel in self.panels:
                panel._show_zones()   # a linked annotation came or went: restyle

    def _edition_shown(self) -> None:
        self._edition_path = self.window.doc.path
        self._sync_panels(reset_visibility=True)
        self.last_missing = facsimile.missing_pages(self.window.doc.edition, self.window.doc.path)
        self._update_missing_button(self.last_missing)
        # after the window's own "Opened …" message
        QTimer.singleShot(0, self.report_missing)

    def report_missing(self) -> None:
        """Say (without blocking) which page images are missing; the edition stays open."""
        if not shiboken6.isValid(self.window):
            return
        missing = facsimile.missing_pages(self.window.doc.edition, self.window.doc.path)
        self.last_missing = missing
        self._update_missing_button(missing)
        if missing:
            first = facsimile.describe_missing(missing[0], self.window.doc.path)
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            self.window.statusBar().showMessage(
                f"{len(missing)} page image{'s are' if len(missing) > 1 else ' is'} missing: "
                f"{first}{more}. Use Facsimile ▸ Locate Image… to find "
                f"{'them' if len(missing) > 1 else 'it'}.", 15000)

    def _update_missing_button(self, missing) -> None:
        """A lasting sign in the status bar while images are missing (messages pass)."""
        count = len(missing)
        self.missing_button.setVisible(bool(count))
        self.missing_button.setText(f"⚠ {count} page image{'s' * (count != 1)} missing")
        self.missing_button.setToolTip("\n".join(
            facsimile.describe_missing(page, self.window.doc.path) for page in missing[:8])
            + "\n\nClick to locate them.")

    def _file_saved(self, path: str) -> None:
        """After Save As into another folder (or the first save), point the image paths
        from the new place, and save once more."""
        old, self._edition_path = self._edition_path, path
        if self._rebasing or not self.window.doc.edition.surfaces:
            return
        if old and os.path.dirname(os.path.abspath(old)) == os.path.dirname(path):
            return
        change = facsimile.rebase_references(self.window.doc.edition, old, path)
        if change.empty:
            return
        self.window.doc.push(change)
        self._rebasing = True
        try:
            self.window.save_to(path)
        finally:
            self._rebasing = False

    # -- actions -----------------------------------------------------------------------------
    def add_images(self, paths: list[str] | None = None, witness: str | None = None) -> bool:
        """Add page images to ``witness`` (the active pane's by default), asking for the
        files when ``paths`` is None."""
        window = self.window
        witness = witness or window.active_pane().witness_id
        if not witness:
            return False
        if paths is None:
            folder = os.path.dirname(window.doc.path) if window.doc.path else os.path.expanduser("~")
            label = window.doc.edition.witnesses[witness].label
            paths, _ = QFileDialog.getOpenFileNames(
                window, f"Add page images to the {label} version", folder,
                f"{facsimile.IMAGE_FILTER};;All files (*)")
            if not paths:
                return False
        count = len(window.doc.edition.surfaces)
        done = self.push(lambda ed: facsimile.add_images(ed, witness, paths, window.doc.path))
        if not done:
            return False
        added = len(window.doc.edition.surfaces) - count
        for panel, dock in zip(self.panels, self.docks):
            if panel.witness == witness:
                dock.show()
                panel.follow_cursor()
        self._size_docks()
        window.statusBar().showMessage(
            f"Added {added} page{'s' * (added != 1)}. Where each page's text starts is "
            "estimated: put the cursor there and choose Facsimile ▸ Page Starts Here.", 10000)
        return True

    def locate_image(self, page_id: str = "", new_path: str | None = None) -> bool:
        """Find a moved page image again (asking for it when ``new_path`` is None); the
        other missing images of the same folder found beside it are fixed too."""
        window = self.window
        edition = window.doc.edition
        missing = facsimile.missing_pages(edition, window.doc.path)
        if not page_id:
            panel = self.active_panel()
            page_id = panel.page_id if panel is not None and panel.missing_message else ""
            page_id = page_id or (missing[0].id if missing else "")
            if not page_id and panel is not None:
                page_id = panel.page_id
        if not page_id:
            window.statusBar().showMessage("There is no page image to locate.", 4000)
            return False
        page = facsimile.find_page(edition, page_id)
        if new_path is None:
            old = facsimile.image_location(page.path, window.doc.path)
            folder = os.path.dirname(old)
            if not os.path.isdir(folder):
                folder = os.path.dirname(window.doc.path) if window.doc.path else ""
            new_path, _ = QFileDialog.getOpenFileName(
                window, f"Where is {os.path.basename(old)} (page {page.label or page.id})?",
                folder, f"{facsimile.IMAGE_FILTER};;All files (*)")
            if not new_path:
                return False
        before = len(missing)
        if not self.push(lambda ed: facsimile.relocate_images(ed, window.doc.path, page_id,
                                                              new_path)):
            return False
        self.last_missing = facsimile.missing_pages(edition, window.doc.path)
        after = len(self.last_missing)
        self._update_missing_button(self.last_missing)
        window.statusBar().showMessage(
            f"Found {before - after} page image{'s' * (before - after != 1)}"
            + (f"; {after} still missing." if after else "."), 8000)
        return True

    def remove_page(self) -> None:
        panel = self.active_panel()
        if panel is None or not panel.page_id:
            return
        page_id = panel.page_id
        self.push(lambda ed: facsimile.remove_pages(ed, [page_id]),
                  "Page removed from the edition (the image file is untouched).")

    def set_page_start(self) -> None:
        """The text of the page shown beside the active pane starts at its cursor."""
        pane = self.window.active_pane()
        panel = self.panel_for(pane)
        if panel is None or not panel.page_id:
            self.window.statusBar().showMessage("No page is shown for this version.", 4000)
            return
        position = pane.cursor_position()
        page_id = panel.page_id
        label = panel.page().label or page_id
        self.push(lambda ed: facsimile.set_page_start(ed, page_id, position),
                  f"Page {label} now starts at character {position}.")

    def _selected_zone(self) -> tuple[FacsimilePanel | None, str]:
        for panel in [self.active_panel()] + self.panels:
            if panel is not None and panel.view.selected_zone():
                return panel, panel.view.selected_zone()
        return None, ""

    def link_to_text(self) -> None:
        panel, zone_id = self._selected_zone()
        if not zone_id:
            self.window.statusBar().showMessage("Select a region on the page first.", 5000)
            return
        pane = panel.pane   # a page's regions hold words of its own version
        start, end = pane.selection()
        witness = pane.witness_id
        if end <= start:
            label = self.window.doc.edition.witnesses[witness].label
            self.window.statusBar().showMessage(
                f"Select the region's words in the {label} text first.", 5000)
            return
        if self.push(lambda ed: facsimile.link_zone_to_text(ed, zone_id, witness, start, end),
                     f"Region tied to “{self._quote(witness, start, end)}”."):
            panel.view.select_zone(zone_id)

    def link_to_annotation(self) -> None:
        panel, zone_id = self._selected_zone()
        ann = self.window.inspector.annotation
        if not zone_id or ann is None:
            self.window.statusBar().showMessage(
                "Select a region on the page and show an annotation in the inspector.", 5000)
            return
        annotation_id = ann.id
        if self.push(lambda ed: facsimile.link_zone_to_annotation(ed, zone_id, annotation_id),
                     f"Region tied to the {spec(ann.kind).label.lower()} "
                     f"“{self.window.doc.edition.quote(ann)[:50]}”."):
            panel.view.select_zone(zone_id)

    def unlink(self) -> None:
        panel, zone_id = self._selected_zone()
        if zone_id:
            self.push(lambda ed: facsimile.unlink_zone(ed, zone_id))

    def delete_region(self) -> None:
        panel, zone_id = self._selected_zone()
        if zone_id:
            self.push(lambda ed: facsimile.remove_zones(ed, [zone_id]))


    def _quote(self, witness: str, start: int, end: int) -> str:
        text = self.window.doc.edition.witnesses[witness].text[start:end]
        return text if len(text) <= 50 else text[:49] + "…"

    def draw_region(self, panel: FacsimilePanel, points) -> None:
        """A region was drawn on ``panel``'s page: add it, tied to the selection in the
        text (to the annotation when the selection is exactly the inspector's)."""
        page_id = panel.page_id
        pane = panel.pane
        start, end = pane.selection()
        witness = pane.witness_id if end > start else ""
        ann = self.window.inspector.annotation
        annotation = ""
        if ann is not None and witness and (ann.witness, ann.start, ann.end) == (witness, start, end):
            annotation, witness = ann.id, ""
        zone_id = facsimile.new_zone_id(self.window.doc.edition)
        if annotation:
            message = (f"Region drawn for the {spec(ann.kind).label.lower()} "
                       f"“{self._quote(ann.witness, ann.start, ann.end)}”.")
        elif witness:
            message = f"Region drawn for “{self._quote(witness, start, end)}”."
        else:
            message = ("Region drawn. Select its words in the text and choose Facsimile ▸ "
                       "Link Region to Selected Text (Ctrl+Shift+K).")
        if self.push(lambda ed: facsimile.add_zone(ed, page_id, points, witness, start, end,
                                                   annotation, zone_id=zone_id), message):
            panel.view.select_zone(zone_id)

    def go_to_zone(self, zone_id: str) -> None:
        """A region was clicked: select its words (and show its annotation)."""
        edition = self.window.doc.edition
        try:
            _surface, zone = facsimile.find_zone(edition, zone_id)
        except KeyError:
            return
        if zone.annotation in edition.annotations and not zone.witness:
            self.window.go_to_annotation(zone.annotation)
            return
        where = facsimile.zone_range(edition, zone)
        if where is None:
            return
        witness, start, end = where
        for pane in self.window.panes:
            if pane.witness_id == witness:
                panel = self.panel_for(pane)
                following = panel.follow if panel else False
                if panel:
                    panel.follow = False   # the page stays: the user is on it
                try:
                    pane.select_range(start, end)
                finally:
                    if panel:
                        panel.follow = following
                break

    # -- words <-> regions ---------------------------------------------------------------
    def light_words_of(self, zone_id: str) -> None:
        """Highlight in the text panes the words of the hovered region ("" clears)."""
        edition = self.window.doc.edition
        where = None
        if zone_id:
            try:
                where = facsimile.zone_range(edition, facsimile.find_zone(edition, zone_id)[1])
            except KeyError:
                where = None
        for pane in self.window.panes:
            ranges = [(where[1], where[2])] if where and where[0] == pane.witness_id else []
            set_word_highlight(pane, ranges)
        for panel in self.panels:
            panel.hovered = {zone_id} if zone_id else set()
            panel._relight()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        """Hovering words in a text pane lights their regions on the page."""
        kind = event.type()
        if kind in (QEvent.Type.MouseMove, QEvent.Type.Leave):
            for panel in self.panels:
                if panel.pane.editor.viewport() is watched:
                    if kind == QEvent.Type.Leave:
                        panel.light_words_at(None)
                    else:
                        panel.light_words_at(_position_under_mouse(panel.pane,
                                                                   event.position().toPoint()))
                    break
        return False


# ======================================================================================
# helpers


def _position_under_mouse(pane, point: QPoint) -> int | None:
    """The model position of the character under ``point`` (viewport pixels), or None
    when the mouse is not over text."""
    editor: QPlainTextEdit = pane.editor
    cursor = editor.cursorForPosition(point)
    rect = editor.cursorRect(cursor)
    if abs(rect.center().y() - point.y()) > rect.height():
        return None
    position = cursor.position()
    # cursorForPosition rounds to the nearest gap: take the character the mouse is over
    if rect.x() > point.x() and position > 0:
        position -= 1
    return pane.pmap.to_model(position)


def set_word_highlight(pane, ranges: list[tuple[int, int]]) -> None:
    """Highlight ``ranges`` (code points) in a text pane with extra selections, keeping
    the extra selections other features set."""
    editor: QPlainTextEdit = pane.editor
    kept = [s for s in editor.extraSelections()
            if not s.format.hasProperty(_OUR_SELECTION)]
    ours = []
    length = editor.document().characterCount() - 1
    for start, end in ranges:
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(editor.document())
        cursor.setPosition(min(pane.pmap.to_qt(start), length))
        cursor.setPosition(min(pane.pmap.to_qt(end), length), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        fmt = QTextCharFormat()
        fmt.setBackground(QBrush(WORDS_FILL))
        fmt.setProperty(_OUR_SELECTION, True)
        selection.format = fmt
        ours.append(selection)
    if ours or len(kept) != len(editor.extraSelections()):
        editor.setExtraSelections(kept + ours)


def _placeholder(width: int, height: int) -> QPixmap:
    """A blank page of the recorded size, standing for an image that cannot be shown."""
    pixmap = QPixmap(width, height)
    pixmap.fill(QColor("#e9e6df"))
    painter = QPainter(pixmap)
    painter.setPen(QColor("#8a8a8a"))
    font = painter.font()
    font.setPixelSize(max(12, width // 30))
    painter.setFont(font)
    painter.drawText(pixmap.rect(), int(Qt.AlignmentFlag.AlignCenter), "image not available")
    painter.end()
    return pixmap


def install(window) -> FacsimileFeature:
    """Add the facsimile docks and the Facsimile menu to ``window``."""
    return FacsimileFeature(window)
