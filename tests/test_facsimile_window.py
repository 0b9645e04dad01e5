"""Facsimiles in the window, driven as a user would: add page images, draw a region over
words, link it, hover both ways, undo, save, reopen; a missing image is reported and
located again; the facsimile follows the text; zoom, rotate and pages by keyboard."""

from __future__ import annotations

import os
import shutil

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest

from editor.formats import native
from editor.model import facsimile
from tests.conftest import SAMPLES, build_sample_edition
from tests.test_editor_window import find, select, shortcut
from tests.test_facsimile_model import write_tiff


def page_image(path, width=600, height=800, label="") -> str:
    """A real page image (any format Qt writes: png, jpg, webp, tif)."""
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#f3eedf"))
    painter = QPainter(image)
    painter.drawText(40, 60, label or os.path.basename(str(path)))
    painter.end()
    assert image.save(str(path)), path
    return str(path)


@pytest.fixture()
def sample_path(tmp_path):
    path = tmp_path / "sample.variorum.xml"
    native.save(build_sample_edition(), path)
    return path


def feature_of(window):
    return window.features["facsimile_view"]


def drag(view, start: tuple[float, float], end: tuple[float, float]) -> None:
    """Press at one image point, move, release at another (image pixels)."""
    a = view.mapFromScene(QPointF(*start))
    b = view.mapFromScene(QPointF(*end))
    viewport = view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(viewport, QPoint((a.x() + b.x()) // 2, (a.y() + b.y()) // 2))
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def draw_rectangle(panel, start, end) -> str:
    """Draw a region with the keyboard-chosen rectangle tool; the new region's id."""
    before = {z.id for s in panel.edition.surfaces for z in s.zones}
    panel.view.setFocus()
    QTest.keyClick(panel.view, Qt.Key.Key_D)
    assert panel.view.mode == "rectangle"
    drag(panel.view, start, end)
    QTest.keyClick(panel.view, Qt.Key.Key_Escape)
    assert panel.view.mode == "navigate"
    new = {z.id for s in panel.edition.surfaces for z in s.zones} - before
    assert len(new) == 1, "drawing did not make one region"
    return new.pop()


def hover_text(pane, start: int) -> None:
    """Move the mouse over the character at ``start`` in a text pane."""
    from PySide6.QtGui import QTextCursor
    cursor = QTextCursor(pane.editor.document())
    cursor.setPosition(pane.pmap.to_qt(start))
    rect = pane.editor.cursorRect(cursor)
    QTest.mouseMove(pane.editor.viewport(), QPoint(rect.x() + 4, rect.center().y()))


def test_add_draw_link_hover_undo_save_reopen(make_window, sample_path, tmp_path, qtbot,
                                              assert_valid_tei):
    window = make_window(sample_path)
    feature = feature_of(window)
    panel, dock = feature.panels[0], feature.docks[0]
    assert panel.pane is window.panes[0] and panel.witness == "typed"
    assert not dock.isVisible()                      # no pages yet, no dock in the way
    (tmp_path / "images").mkdir()
    images = [page_image(tmp_path / "images" / f"typed-{i}.png", label=f"page {i}")
              for i in (1, 2)]
    assert feature.add_images(images, witness="typed")
    assert dock.isVisible() and panel.page_id and panel.view.pixmap_item is not None
    assert [p.path for p in facsimile.pages_of(window.doc.edition, "typed")] == \
        ["images/typed-1.png", "images/typed-2.png"]

    # select words, draw a region: it is tied to them
    pane = window.panes[0]
    start, end = find(pane, "conversation")
    select(pane, start, end)
    zid = draw_rectangle(panel, (50, 100), (250, 140))
    _page, zone = facsimile.find_zone(window.doc.edition, zid)
    assert (zone.witness, zone.start, zone.end, zone.annotation) == ("typed", start, end, "")
    expected = [(50, 100), (250, 100), (250, 140), (50, 140)]
    assert all(abs(x - ex) <= 2 and abs(y - ey) <= 2             # a screen pixel, at this zoom
               for (x, y), (ex, ey) in zip(zone.points, expected)) and zone.is_rectangle
    assert panel.view.selected_zone() == zid

    # hovering the region lights its words; hovering the words lights the region
    item = panel.view.zone_items[zid]
    QTest.mouseMove(panel.view.viewport(), panel.view.mapFromScene(QPointF(400, 500)))
    QTest.mouseMove(panel.view.viewport(), panel.view.mapFromScene(QPointF(150, 120)))
    qtbot.waitUntil(lambda: bool(pane.editor.extraSelections()))
    selections = pane.editor.extraSelections()
    lit = selections[-1].cursor
    assert (pane.pmap.to_model(lit.selectionStart()), pane.pmap.to_model(lit.selectionEnd())) \
        == (start, end)
    QTest.mouseMove(panel.view.viewport(), panel.view.mapFromScene(QPointF(500, 700)))
    qtbot.waitUntil(lambda: not item.lit)
    hover_text(pane, start + 3)
    qtbot.waitUntil(lambda: item.lit)
    hover_text(pane, find(pane, "lasted")[0] + 2)
    qtbot.waitUntil(lambda: not item.lit)

    # a region drawn while an annotation's words are selected is tied to the annotation
    addition = next(a for a in window.doc.edition.annotations.values() if a.kind == "addition")
    window.go_to_annotation(addition.id)
    assert window.inspector.annotation is addition
    zid2 = draw_rectangle(panel, (300, 100), (420, 130))
    assert facsimile.find_zone(window.doc.edition, zid2)[1].annotation == addition.id

    # one drawn with nothing selected is linked afterwards (Ctrl+Shift+K); undo, redo
    select(pane, 0, 0)
    zid3 = draw_rectangle(panel, (60, 300), (200, 330))
    assert facsimile.zone_range(window.doc.edition,
                                facsimile.find_zone(window.doc.edition, zid3)[1]) is None
    w_start, w_end = find(pane, "lasted")
    select(pane, w_start, w_end)
    panel.view.select_zone(zid3)
    shortcut(pane.editor, "Ctrl+Shift+K")
    assert facsimile.zone_range(window.doc.edition, facsimile.find_zone(
        window.doc.edition, zid3)[1]) == ("typed", w_start, w_end)
    shortcut(pane.editor, "Ctrl+Z")
    assert facsimile.zone_range(window.doc.edition,
                                facsimile.find_zone(window.doc.edition, zid3)[1]) is None
    shortcut(pane.editor, "Ctrl+Shift+Z")
    assert facsimile.find_zone(window.doc.edition, zid3)[1].start == w_start

    # typing before the words moves the region's link with them
    select(pane, 0, 0)
    QTest.keyClicks(pane.editor, "So ")
    assert facsimile.find_zone(window.doc.edition, zid)[1].start == start + 3

    # save, reopen: the regions and their links hold
    out = tmp_path / "saved.variorum.xml"
    assert window.save_to(str(out))
    assert_valid_tei(out)
    again = make_window(out)
    edition = again.doc.edition
    zones = {z.id: z for s in edition.surfaces for z in s.zones}
    assert (zones[zid].witness, zones[zid].start, zones[zid].end) == ("typed", start + 3, end + 3)
    assert zones[zid2].annotation == addition.id and zones[zid3].start == w_start + 3
    panel2 = feature_of(again).panels[0]
    assert feature_of(again).docks[0].isVisible()
    assert set(panel2.view.zone_items) == {zid, zid2, zid3}
    assert edition.witnesses["typed"].text[zones[zid].start:zones[zid].end] == "conversation"


def test_region_click_selects_its_words_and_delete_key_removes_it(make_window, sample_path,
                                                                  tmp_path):
    window = make_window(sample_path)
    feature = feature_of(window)
    feature.add_images([page_image(tmp_path / "p.png")], witness="typed")
    panel, pane = feature.panels[0], window.panes[0]
    start, end = find(pane, "facts")
    select(pane, start, end)
    zid = draw_rectangle(panel, (100, 200), (200, 260))
    select(pane, 0, 0)
    centre = panel.view.mapFromScene(QPointF(150, 230))
    QTest.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, centre)
    assert pane.selection() == (start, end)
    panel.view.select_zone(zid)
    panel.view.setFocus()
    QTest.keyClick(panel.view, Qt.Key.Key_Delete)
    assert zid not in {z.id for s in window.doc.edition.surfaces for z in s.zones}
    shortcut(pane.editor, "Ctrl+Z")
    assert zid in panel.view.zone_items


def test_polygon_region(make_window, sample_path, tmp_path):
    window = make_window(sample_path)
    feature = feature_of(window)
    feature.add_images([page_image(tmp_path / "p.png")], witness="typed")
    panel = feature.panels[0]
    panel.view.setFocus()
    QTest.keyClick(panel.view, Qt.Key.Key_P)
    corners = [(100, 100), (300, 120), (250, 300)]
    for corner in corners:
        QTest.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, panel.view.mapFromScene(QPointF(*corner)))
    QTest.keyClick(panel.view, Qt.Key.Key_Return)
    zones = [z for s in window.doc.edition.surfaces for z in s.zones]
    assert len(zones) == 1 and len(zones[0].points) == 3
    for (x, y), (ex, ey) in zip(zones[0].points, corners):
        assert abs(x - ex) < 3 and abs(y - ey) < 3      # to the pixel, at the zoom shown


def test_missing_image_is_reported_and_located_again(make_window, sample_path, tmp_path, qtbot):
    (tmp_path / "scans").mkdir()
    images = [page_image(tmp_path / "scans" / f"p{i}.png") for i in range(3)]
    edition = build_sample_edition()
    facsimile.add_images(edition, "handwritten", images, sample_path)
    native.save(edition, sample_path)
    shutil.move(tmp_path / "scans", tmp_path / "moved")
    window = make_window(sample_path)                     # opens, no crash
    feature = feature_of(window)
    panel = feature.panels[1]
    assert panel.witness == "handwritten" and feature.docks[1].isVisible()
    assert panel.banner.isVisibleTo(panel) and "was not found" in panel.banner_text.text()
    shown = facsimile.find_page(window.doc.edition, panel.page_id)
    assert os.path.basename(shown.path) in panel.banner_text.text()
    assert len(feature.last_missing) == 3
    qtbot.waitUntil(lambda: "3 page images are missing" in window.statusBar().currentMessage())
    assert feature.missing_button.isVisibleTo(window) and "3 page images missing" in \
        feature.missing_button.text()
    assert window.panes[1].editor.toPlainText() == edition.witnesses["handwritten"].text
    # Locate Image… on the first: the two others moved with it are found too
    assert feature.locate_image(panel.page_id,
                                str(tmp_path / "moved" / os.path.basename(shown.path)))
    assert facsimile.missing_pages(window.doc.edition, window.doc.path) == []
    assert not panel.banner.isVisibleTo(panel) and panel.view.pixmap_item is not None
    assert not feature.missing_button.isVisibleTo(window)
    assert window.doc.modified
    shortcut(window.panes[1].editor, "Ctrl+Z")
    assert len(facsimile.missing_pages(window.doc.edition, window.doc.path)) == 3
    assert panel.banner.isVisibleTo(panel) and feature.missing_button.isVisibleTo(window)


def test_an_unreadable_image_is_reported_too(make_window, sample_path, tmp_path):
    image = page_image(tmp_path / "p.png")
    edition = build_sample_edition()
    facsimile.add_images(edition, "typed", [image], sample_path)
    native.save(edition, sample_path)
    with open(image, "r+b") as handle:
        handle.seek(40)
        handle.write(b"\x00" * 200)                      # damage the pixels
    window = make_window(sample_path)
    panel = feature_of(window).panels[0]
    assert panel.banner.isVisibleTo(panel) and "cannot be read" in panel.banner_text.text()


def test_facsimile_follows_the_text_and_the_text_follows_the_pages(make_window, sample_path,
                                                                   tmp_path):
    window = make_window(sample_path)
    feature = feature_of(window)
    images = [page_image(tmp_path / f"p{i}.png", label=str(i)) for i in range(2)]
    feature.add_images(images, witness="typed")
    panel, pane = feature.panels[0], window.panes[0]
    first, second = facsimile.pages_of(window.doc.edition, "typed")
    position = find(pane, "We said")[0]
    select(pane, position, position)
    shortcut(pane.editor, "Ctrl+Shift+G")                # Page Starts Here (on the page shown)
    assert facsimile.find_page(window.doc.edition, first.id).text_start == position
    shortcut(pane.editor, "Ctrl+Z")
    # the second page starts at "We said"
    panel.show_page(second.id)
    select(pane, position, position)
    shortcut(pane.editor, "Ctrl+Shift+G")
    assert facsimile.find_page(window.doc.edition, second.id).text_start == position
    select(pane, 5, 5)
    assert panel.page_id == first.id
    select(pane, position + 4, position + 4)
    assert panel.page_id == second.id
    # turning the page in the facsimile scrolls the text to where it starts
    panel.view.setFocus()
    QTest.keyClick(panel.view, Qt.Key.Key_PageUp)
    assert panel.page_id == first.id
    QTest.keyClick(panel.view, Qt.Key.Key_PageDown)
    assert panel.page_id == second.id
    assert abs(pane.top_position() - position) < 120
    # without following, the page stays
    panel.act_follow.setChecked(False)
    select(pane, 3, 3)
    assert panel.page_id == second.id


def test_zoom_fit_rotate_by_keyboard_and_wheel(make_window, sample_path, tmp_path):
    window = make_window(sample_path)
    feature = feature_of(window)
    feature.add_images([page_image(tmp_path / "p.png", 600, 900)], witness="typed")
    view = feature.panels[0].view
    view.setFocus()
    assert view.fit == "width"
    width_scale = view.scale_factor
    QTest.keyClick(view, Qt.Key.Key_F)
    assert view.fit == "page" and view.scale_factor < width_scale   # a tall page
    QTest.keyClick(view, Qt.Key.Key_Plus)
    assert view.fit == "" and view.scale_factor == pytest.approx(
        min(view.scale_factor, view.scale_factor))
    zoomed = view.scale_factor
    QTest.keyClick(view, Qt.Key.Key_Minus)
    assert view.scale_factor == pytest.approx(zoomed / 1.25)
    QTest.keyClick(view, Qt.Key.Key_R)
    assert view.rotation == 90
    QTest.keyClick(view, Qt.Key.Key_W)
    assert view.fit == "width"
    rotated_width_scale = view.scale_factor                 # the page's height is now its width
    assert rotated_width_scale == pytest.approx(width_scale * 600 / 900, rel=0.05)
    from PySide6.QtCore import QPointF as P
    from PySide6.QtGui import QWheelEvent
    before = view.scale_factor
    centre = P(view.viewport().rect().center())
    event = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    view.wheelEvent(event)
    assert view.scale_factor == pytest.approx(before * 1.25)


def test_multipage_tiff_pages_show_their_own_frames(make_window, sample_path, tmp_path):
    tiff = write_tiff(tmp_path / "scan.tif", [(60, 80), (90, 50)])
    window = make_window(sample_path)
    feature = feature_of(window)
    feature.add_images([tiff], witness="typed")
    panel = feature.panels[0]
    pages = facsimile.pages_of(window.doc.edition, "typed")
    assert [(p.page, p.width, p.height) for p in pages] == [(0, 60, 80), (1, 90, 50)]
    panel.show_page(pages[1].id)
    pixmap = panel.view.pixmap_item.pixmap()
    assert (pixmap.width(), pixmap.height()) == (90, 50)


def test_save_as_elsewhere_keeps_the_images_linked(make_window, sample_path, tmp_path):
    window = make_window(sample_path)
    feature = feature_of(window)
    feature.add_images([page_image(tmp_path / "p.png")], witness="typed")
    (tmp_path / "copies").mkdir()
    target = tmp_path / "copies" / "copy.variorum.xml"
    assert window.save_to(str(target), new_name=True)
    assert not window.doc.modified
    saved = native.load(target).edition
    assert [p.path for p in saved.surfaces] == ["../p.png"]
    assert facsimile.missing_pages(saved, target) == []


def test_read_only_edition_cannot_get_regions(make_window, sample_path, tmp_path):
    window = make_window(sample_path)
    feature = feature_of(window)
    feature.add_images([page_image(tmp_path / "p.png")], witness="typed")
    window.doc.read_only = True
    panel = feature.panels[0]
    panel.refresh()
    panel._shown = None
    panel.refresh()
    assert not panel.act_rect.isEnabled()
    count = len(window.doc.edition.surfaces)
    assert not feature.add_images([page_image(tmp_path / "q.png")], witness="typed")
    assert len(window.doc.edition.surfaces) == count


def test_sample_facsimile_edition_opens_with_pages_and_regions(make_window):
    sample = SAMPLES / "mikoyan-telegram-1956-09-19-facsimile.variorum.xml"
    if not sample.exists():
        pytest.fail(f"the facsimile sample is missing: run samples/make_facsimiles.py ({sample})")
    window = make_window(sample)
    feature = feature_of(window)
    assert feature.last_missing == []
    for panel in feature.panels:
        assert panel.view.pixmap_item is not None and not panel.banner.isVisibleTo(panel)
    # the pencilled date on the typescript has a region tied to its addition
    edition = window.doc.edition
    addition = next(a for a in edition.annotations_of("typed") if a.kind == "addition"
                    and edition.quote(a) == "18 September")
    zones = facsimile.zones_for(edition, "typed", addition.start)
    assert any(zone.annotation == addition.id for _s, zone in zones)
    window.go_to_annotation(addition.id)
    panel = feature.panels[0]
    assert any(z.annotation == addition.id for z in panel.page().zones)
    assert any(panel.view.zone_items[z.id].lit for z in panel.page().zones
               if z.annotation == addition.id)


def test_drag_a_region_to_move_it_and_the_context_menu(make_window, sample_path, tmp_path):
    window = make_window(sample_path)
    feature = feature_of(window)
    feature.add_images([page_image(tmp_path / "p.png")], witness="typed")
    panel = feature.panels[0]
    zid = draw_rectangle(panel, (100, 200), (200, 260))
    before = facsimile.find_zone(window.doc.edition, zid)[1].points
    drag(panel.view, (150, 230), (250, 330))             # navigate mode: the region moves
    after = facsimile.find_zone(window.doc.edition, zid)[1].points
    dx, dy = after[0][0] - before[0][0], after[0][1] - before[0][1]
    assert abs(dx - 100) <= 3 and abs(dy - 100) <= 3
    assert all(abs((a[0] - b[0]) - dx) < 0.01 and abs((a[1] - b[1]) - dy) < 0.01
               for a, b in zip(after, before))           # moved whole, not reshaped
    shortcut(window.panes[0].editor, "Ctrl+Z")
    assert facsimile.find_zone(window.doc.edition, zid)[1].points == before
    # a right click on a region offers what can be done with it
    centre = panel.view.mapFromScene(QPointF(150, 230))
    QTest.mouseClick(panel.view.viewport(), Qt.MouseButton.RightButton,
                     Qt.KeyboardModifier.NoModifier, centre)
    texts = [a.text() for a in panel.menu.actions() if not a.isSeparator()]
    assert "Link Region to Selected &Text" in texts and "Delete Region" in texts
    assert panel.view.selected_zone() == zid


def test_a_new_editions_images_become_relative_when_first_saved(make_window, tmp_path):
    window = make_window()
    feature = feature_of(window)
    (tmp_path / "work").mkdir()
    image = page_image(tmp_path / "work" / "p.png")
    assert feature.add_images([image], witness="typed")
    assert window.doc.edition.surfaces[0].path == image.replace(os.sep, "/")   # no file yet
    target = tmp_path / "work" / "new.variorum.xml"
    assert window.save_to(str(target), new_name=True)
    assert [p.path for p in native.load(target).edition.surfaces] == ["p.png"]
    assert not window.doc.modified
