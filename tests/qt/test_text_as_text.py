"""Text from users and files is data, never markup: wherever the window shows a name, a
description, a title or a file's text (labels, tooltips of widgets and list rows, questions),
a person reads it as it was written. Qt takes any text that looks like HTML as rich text."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel
from sqlalchemy import update

from paragon_desktop.domain.feeds import FeedFilter
from paragon_desktop.gis.basemaps import BasemapStore
from paragon_desktop.services.once import new_op_id
from paragon_desktop.settings import Settings
from paragon_desktop.storage.models import (
    Anchor,
    Case,
    Contact,
    EmergencyPlan,
    Feed,
    Layer,
    User,
)
from paragon_desktop.ui.dialogs.service_layer import ServiceLayerDialog
from paragon_desktop.ui.docks.composer import Draft
from paragon_desktop.ui.outbox import OutboxItem
from tests import basemapfiles, owsserver
from tests.qt.conftest import markup_leaks

MARKED = "<b>ZQX</b>"
HOSTILE = f" {MARKED} & <img src='/etc/x.png'>"


@pytest.fixture
def hostile(client):
    """The demo workspace with markup after every name users and files give."""
    with client.db.sessions() as session:
        for model, columns in ((Anchor, ("name", "description")), (EmergencyPlan, ("title",)),
                               (User, ("display_name",)), (Layer, ("name",)),
                               (Contact, ("name", "function", "organisation_name")),
                               (Feed, ("name",)), (Case, ("name", "description"))):
            session.execute(update(model).values(
                {c: getattr(model, c) + HOSTILE for c in columns}))
        session.commit()
    return client


def test_the_windows_docks_show_names_and_descriptions_as_written(hostile, open_window, qtbot):
    window = open_window("an.peeters")
    qtbot.waitUntil(lambda: bool(window.anchors.names() and window.plans.panel.tree.topLevelItemCount()),
                    timeout=10000)
    assert markup_leaks(window, MARKED) == []


def test_the_key_anchors_and_the_organisations_users_show_names_as_written(hostile, open_window,
                                                                          qtbot):
    window = open_window("an.peeters")
    window.anchors.copy_key_action.trigger()
    keys = window.anchor_actions.key_dialog
    qtbot.waitUntil(lambda: keys.list.count() > 0, timeout=10000)
    assert markup_leaks(keys, MARKED) == []
    keys.reject()
    qtbot.waitUntil(window.admin_action.isEnabled, timeout=10000)
    window.admin_action.trigger()
    admin = window.admin_dialog
    qtbot.waitUntil(lambda: admin.table.rowCount() > 0, timeout=10000)
    assert MARKED in admin.table.item(0, 0).text()
    assert markup_leaks(admin, MARKED) == []


def test_an_offline_maps_credit_from_its_file_is_shown_as_written(open_window, qtbot, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setenv("PARAGON_DATA_DIR", str(tmp_path))
    BasemapStore(tmp_path / "basemaps").add(basemapfiles.write_mbtiles(
        tmp_path / "rood.mbtiles", name="Rood" + HOSTILE, attribution="Kaart" + HOSTILE))
    window = open_window("an.peeters")
    window.show_basemaps_dialog()
    dialog = window.basemaps_dialog
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=10000)
    assert "Kaart" in dialog.details.text()
    assert markup_leaks(dialog, MARKED) == []


def test_a_partners_layer_names_are_shown_as_written(open_window, qtbot, monkeypatch):
    """Names in a service's capabilities are the partner's text (XML-escaped there)."""
    monkeypatch.setattr(owsserver, "WMS_CAPABILITIES", owsserver.WMS_CAPABILITIES.replace(
        "<Name>seveso_zones</Name><Title>Seveso-zones</Title>",
        "<Name>seveso&lt;b&gt;ZQX&lt;/b&gt;</Name><Title>Seveso &lt;b&gt;ZQX&lt;/b&gt;</Title>"))
    window = open_window("sofie.janssens")
    with owsserver.ows_server() as server:
        dialog = ServiceLayerDialog(window.layers.feed_choices(), window.ctx.ops, window)
        dialog.kind.setCurrentIndex(dialog.kind.findData("wms"))
        dialog.url.setText(server.base + "/wms?SERVICE=WMS&REQUEST=GetCapabilities")
        dialog.ask()
        qtbot.waitUntil(lambda: dialog.layers.count() == 2, timeout=10000)
    assert any(MARKED in dialog.layers.item(i).text() for i in range(2))
    assert markup_leaks(dialog, MARKED) == []


def test_questions_about_a_layer_a_message_or_a_member_show_their_names_as_written(
        hostile, open_window, qtbot, message_boxes):
    window = open_window("sofie.janssens")
    layer = window.snapshot.changes.layers[0]
    message_boxes.answers.append(False)
    window.layers._on_remove_requested(layer.id)
    assert message_boxes.read[-1].startswith(f"Laag “{layer.name}” verwijderen")
    assert MARKED in layer.name
    draft = Draft(f"Evacuatie {MARKED} <script>alert(1)</script>", op_id=new_op_id())
    window.outbox.store.add(OutboxItem(window.feeds.panel.current_feed_id(), "Multi", draft,
                                       refused="test"))
    message_boxes.answers.append(False)
    window.feeds.discard(draft.op_id)
    assert message_boxes.read[-1].endswith(f":\n\n{draft.text}")


def test_unlinking_a_member_names_them_as_written(hostile, open_window, qtbot, message_boxes):
    window = open_window("an.peeters")
    qtbot.waitUntil(window.admin_action.isEnabled, timeout=10000)
    window.admin_action.trigger()
    admin = window.admin_dialog
    qtbot.waitUntil(lambda: admin.table.rowCount() > 1, timeout=10000)
    row = next(r for r in range(admin.table.rowCount())
               if admin.table.item(r, 1).text() == "sofie.janssens")
    admin.table.selectRow(row)
    message_boxes.answers.append(False)
    admin.unlink_button.click()
    assert message_boxes.read[-1].startswith(f"Sofie Janssens{HOSTILE} ontkoppelen van ")


def test_the_status_line_names_a_feed_and_a_file_as_written(hostile, open_window, qtbot, tmp_path):
    window = open_window("an.peeters")
    feed_id = window.feeds.panel.current_feed_id()
    path = tmp_path / "feed <i>ZQY<i>.csv"
    window.feeds.export(feed_id, FeedFilter(), path, pdf=False)
    assert MARKED in window.ctx.note_label.text()  # "Feed … wordt geëxporteerd…"
    assert markup_leaks(window, MARKED) == []
    qtbot.waitUntil(lambda: window.feeds.last_export == str(path), timeout=10000)
    assert window.ctx.note_label.text().endswith(path.name)
    assert markup_leaks(window, "<i>ZQY<i>") == []


def test_the_case_list_and_the_contacts_and_plans_modules_show_names_as_written(hostile, qtbot):
    from paragon_desktop.ui.dialogs.case_list import CaseListDialog

    dialog = CaseListDialog(hostile, hostile.user("an.peeters"), Settings())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.active.rowCount() > 0, timeout=10000)
    assert markup_leaks(dialog, MARKED) == []
    dialog.contacts_button.click()
    contacts = dialog.contacts_window
    qtbot.waitUntil(lambda: any(MARKED in n for n in contacts.panel.names("global")),
                    timeout=10000)
    assert markup_leaks(contacts, MARKED) == []
    contacts.close()
    dialog.plans_button.click()
    plans = dialog.plans_window
    qtbot.waitUntil(lambda: plans.panel.tree.topLevelItemCount() > 0, timeout=10000)
    assert markup_leaks(plans, MARKED) == []
    plans.close()


def test_a_contacts_card_the_case_sharing_and_the_audit_trail_show_names_as_written(
        hostile, open_window, qtbot):
    from paragon_desktop.ui.dialogs.case_sharing import CaseSharingDialog

    window = open_window("pieter.wouters")  # a contact manager
    controller = window.contact_actions
    hilde = next(c.id for c in controller.service.directory(window.user)
                 if c.name.startswith("Hilde Verstraete"))
    controller.open_card(hilde)
    qtbot.waitUntil(lambda: controller.card_dialog is not None, timeout=10000)
    assert MARKED in controller.card_dialog.windowTitle() + "".join(
        label.text() for label in controller.card_dialog.findChildren(QLabel))
    assert markup_leaks(controller.card_dialog, MARKED) == []
    controller.card_dialog.reject()
    an = hostile.user("an.peeters")
    sharing = CaseSharingDialog(hostile.sharing, hostile.places, an, window.case)
    qtbot.addWidget(sharing)
    sharing.show()
    qtbot.waitUntil(lambda: sharing.loads == 1 and sharing.user_choice.count() > 0,
                    timeout=10000)
    assert markup_leaks(sharing, MARKED) == []
    coordinator = open_window("an.peeters")
    coordinator.case_menu.show_audit_trail()
    qtbot.waitUntil(lambda: getattr(coordinator.case_menu, "audit_dialog", None) is not None,
                    timeout=10000)
    audit = coordinator.case_menu.audit_dialog
    assert any(MARKED in (audit.table.item(r, c).text() if audit.table.item(r, c) else "")
               for r in range(audit.table.rowCount()) for c in range(5))
    assert markup_leaks(audit, MARKED) == []


def test_a_message_boxs_text_and_its_advice_are_plain_text(qtbot):
    """The close-case question's advice names who started the case (its informative text)."""
    from PySide6.QtWidgets import QMessageBox

    from paragon_desktop.ui.plain import plain_box

    box = plain_box(QMessageBox.Icon.Question, None, "Case afsluiten", f"Case {MARKED} afsluiten?",
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    informative=f"Normaal sluit An Peeters{HOSTILE} (Gemeente) de case af.")
    qtbot.addWidget(box)
    assert markup_leaks(box, MARKED) == []
    assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
