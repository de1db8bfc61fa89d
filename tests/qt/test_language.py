"""The window in one language: French (and English) everywhere the catalogue reaches, Qt's own
buttons included, nothing left in Dutch or in the other language."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

import pytest
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialogButtonBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTabBar,
    QTableWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from paragon_desktop import i18n
from paragon_desktop.settings import Settings
from paragon_desktop.ui.language import apply_language
from tests.qt.conftest import map_stats, run_js


def shown_texts(window) -> list[str]:
    """Every text the window shows or offers: labels, buttons, fields' hints, tooltips, tabs,
    dock titles, list headers, menus and their entries."""
    texts = [window.windowTitle(), window.toolTip()]
    for widget in window.findChildren(QWidget):
        texts.append(widget.toolTip())
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        if isinstance(widget, (QLineEdit, QTextEdit)):
            texts.append(widget.placeholderText())
        if isinstance(widget, QDockWidget):
            texts.append(widget.windowTitle())
        if isinstance(widget, QTabBar):
            texts += [widget.tabText(i) for i in range(widget.count())]
        if isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
            texts.append(widget.placeholderText())
        if isinstance(widget, QTableWidget | QTreeWidget):
            header = widget.headerItem() if isinstance(widget, QTreeWidget) else None
            if header is not None:
                texts += [header.text(i) for i in range(header.columnCount())]
            else:
                texts += [widget.horizontalHeaderItem(i).text() for i in range(widget.columnCount())
                          if widget.horizontalHeaderItem(i) is not None]
    menu_bar = window.menuBar() if isinstance(window, QMainWindow) else None
    for menu_action in menu_bar.actions() if menu_bar is not None else []:
        texts.append(menu_action.text())
        if menu_action.menu() is not None:
            texts += [a.text() for a in menu_action.menu().actions()]
            texts += [a.toolTip() for a in menu_action.menu().actions()]
    return [t for t in texts if t]


def literal_pieces(msgid: str) -> list[str]:
    """The fixed words of a catalogue text (between its {fields}), long enough to be telling."""
    return [lit.strip() for lit, *_rest in string.Formatter().parse(msgid)
            if lit and len(lit.strip()) >= 12]


def leftovers(texts: list[str], language: str, data: list[str] = ()) -> list[str]:
    """Texts that show a catalogue entry in Dutch or in the third language. ``data`` (case
    names, generated in one form the server checks) is left out of the texts first."""
    for value in sorted(data, key=len, reverse=True):
        texts = [text.replace(value, "") for text in texts]
    ours = i18n.catalogue(language)
    other = "en" if language == "fr" else "fr"
    foreign = {msgid: msgid for msgid, tr in ours.items() if tr != msgid}  # Dutch source
    foreign.update({tr: msgid for msgid, tr in i18n.catalogue(other).items()
                    if tr != ours.get(msgid, msgid)})
    found = []
    for text in texts:
        for words in foreign:
            pieces = literal_pieces(words)
            if text == words or any(piece in text for piece in pieces):
                found.append(f"{text!r} shows {words!r}")
    return found


@pytest.fixture
def in_language(qapp):
    chosen: list[str] = []

    def switch(language: str) -> None:
        chosen.append(apply_language(qapp, language))

    yield switch
    apply_language(qapp, "nl")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_main_window_speaks_one_language(qtbot, open_window, in_language, language):
    in_language(language)
    window = open_window("an.peeters")
    texts = shown_texts(window)
    # The check can fail: the window really shows texts of the catalogue in this language.
    assert i18n.catalogue(language)["&Bestand"] in texts
    assert i18n.catalogue(language)["Nog geen berichten in deze feed."] in texts or \
        i18n.catalogue(language)["Zoeken in berichten…"] in texts
    assert leftovers(texts, language, data=[window.case.name]) == []
    # Leaflet's own buttons too.
    title = run_js(qtbot, window, "document.querySelector('.leaflet-control-zoom-in').title")
    assert title == i18n.catalogue(language)["Inzoomen"]
    assert run_js(qtbot, window, "document.documentElement.lang") == language


def test_the_check_sees_dutch_left_in_a_french_window(in_language):
    in_language("fr")
    assert leftovers(["&Bestand", "Nog geen berichten in deze feed."], "fr") != []
    assert leftovers(["Search the messages…"], "fr") != []  # English in a French window
    assert leftovers(["&Fichier"], "fr") == []


def test_qts_own_buttons_follow_the_language(qtbot, in_language):
    in_language("fr")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel
                           | QDialogButtonBox.StandardButton.Yes)
    qtbot.addWidget(box)
    cancel = box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")
    assert cancel == "Annuler"
    assert box.button(QDialogButtonBox.StandardButton.Yes).text().replace("&", "") == "Oui"
    in_language("nl")
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "") == "Annuleren"


def test_the_language_is_chosen_in_the_settings_and_kept(qtbot, monkeypatch, tmp_path):
    from paragon_desktop.ui.dialogs.settings import SettingsDialog

    monkeypatch.setenv("PARAGON_CONFIG_DIR", str(tmp_path))
    before = Settings(last_username="els.vandamme", max_layer_mb=50)
    dialog = SettingsDialog(before)
    qtbot.addWidget(dialog)
    assert dialog.language.currentData() == ""  # the computer's language
    assert [dialog.language.itemText(i) for i in range(1, 4)] == ["Nederlands", "Français", "English"]
    dialog.language.setCurrentIndex(dialog.language.findData("fr"))
    assert not dialog.language_note.isHidden()  # from the next start
    chosen = dialog.result_settings()
    chosen.save()
    again = Settings.load()
    assert again.language == "fr"
    # Saving the settings kept what the dialog does not show (they were dropped before).
    assert (again.last_username, again.max_layer_mb) == ("els.vandamme", 50)


def _dialogs(client):
    """Each dialog as a user meets it, made in the current language."""
    from paragon_desktop.domain.anchors import AnchorCategory, AnchorDraft
    from paragon_desktop.gis.basemaps import BasemapStore
    from paragon_desktop.ui.dialogs.anchor import AnchorDialog
    from paragon_desktop.ui.dialogs.anchor_import import AnchorImportDialog
    from paragon_desktop.ui.dialogs.area_download import AreaDownloadDialog
    from paragon_desktop.ui.dialogs.basemaps import BasemapsDialog
    from paragon_desktop.ui.dialogs.case_details import CaseDetailsDialog
    from paragon_desktop.ui.dialogs.case_form import CaseDialog
    from paragon_desktop.ui.dialogs.case_list import CaseListDialog
    from paragon_desktop.ui.dialogs.case_sharing import CaseSharingDialog
    from paragon_desktop.ui.dialogs.crisis_role import CrisisRoleDialog
    from paragon_desktop.ui.dialogs.key_anchors import KeyAnchorsDialog
    from paragon_desktop.ui.dialogs.map_print import MapPrintDialog
    from paragon_desktop.ui.dialogs.settings import SettingsDialog
    from paragon_desktop.ui.dialogs.sign_in import SignInDialog
    from paragon_desktop.ui.ops import Ops
    from paragon_desktop.ui.workers import Workers

    an = client.user("an.peeters")
    case = client.cases.find_case(an, "Nordchem")
    return {
        "sign-in": lambda: SignInDialog(client.auth.sign_in, "sqlite:///demo.db",
                                        demo_users=[("an.peeters", "Noodplanning")],
                                        demo_password="demo"),
        "case list": lambda: CaseListDialog(client, an, Settings()),
        "new case": lambda: CaseDialog(client.admin, client.places, an, Settings(), with_map=False),
        "crisis role": lambda: CrisisRoleDialog(client.participation, an, case),
        "case details": lambda: CaseDetailsDialog(case),
        "sharing": lambda: CaseSharingDialog(client.sharing, client.places, an, case),
        "settings": lambda: SettingsDialog(Settings()),
        "anchor": lambda: AnchorDialog(AnchorDraft("", AnchorCategory.COMMAND_POST), new=True,
                                       owners=[(1, "Gemeente Scheldemonde")]),
        "key anchors": lambda: KeyAnchorsDialog(lambda _a: None, remove=lambda _a: None),
        "anchor import": lambda: AnchorImportDialog("posten.geojson"),
        "basemaps": lambda: BasemapsDialog(BasemapStore(Path(tempfile.mkdtemp())),
                                           Ops(Workers(), tell=lambda _t: None), lambda: None),
        "map print": lambda: MapPrintDialog(),
        "area download": lambda: AreaDownloadDialog(
            "https://tiles.example.org/{z}/{x}/{y}.png", "",
            {i18n._("Huidig kaartbeeld"): (4.2, 51.2, 4.3, 51.3)}, 12,
            BasemapStore(Path(tempfile.mkdtemp())), lambda _b: None),
        "service layer": lambda: _service_dialog(),
        "plan": lambda: _plan_dialog(),
        "plan activation": lambda: _activate_dialog(client),
        "contact": lambda: _contact_dialog(),
        "contact card": lambda: _card_dialog(client),
        "pending mails": lambda: _pending_dialog(client),
        "contacts module": lambda: _contacts_window(client),
        "organisation admin": lambda: _admin_dialog(client),
        "new user": lambda: _new_user_dialog(),
    }


def _admin_dialog(client):
    from paragon_desktop.ui.dialogs.organisation_admin import OrganisationAdminDialog

    return OrganisationAdminDialog(client.organisation_admin, client.user("an.peeters"))


def _new_user_dialog():
    from paragon_desktop.ui.dialogs.organisation_admin import NewUserDialog

    return NewUserDialog("Gemeente Scheldemonde")


def _contact_dialog():
    from paragon_desktop.ui.dialogs.contact import ContactDialog

    return ContactDialog(scopes=[(1, "Nordchem"), (None, i18n._("Globale contactenlijst"))])


def _card_dialog(client):
    from paragon_desktop.ui.dialogs.contact import ContactCardDialog

    pieter = client.user("pieter.wouters")
    koen = next(c.id for c in client.contacts.directory(pieter) if c.name == "Koen Baert")
    return ContactCardDialog(client.contacts.card(pieter, koen))


def _pending_dialog(client):
    from paragon_desktop.ui.dialogs.contact import PendingMailsDialog

    dialog = PendingMailsDialog("NC112 Scheldeland", "")
    dialog.set_notices(client.contacts.pending_notices(client.user("pieter.wouters")))
    return dialog


def _contacts_window(client):
    from paragon_desktop.ui.dialogs.contacts_window import ContactsWindow

    return ContactsWindow(client.contacts, client.user("pieter.wouters"), settings=Settings())


def _plan_dialog():
    from paragon_desktop.ui.dialogs.plan import PlanDialog

    return PlanDialog([(1, "Gemeente Scheldemonde")],
                      lambda _org, done: done([(7, "Grens Scheldemonde", "border")]))


def _activate_dialog(client):
    from paragon_desktop.ui.dialogs.plan import ActivateDialog

    an = client.user("an.peeters")
    plan = next(p for p in client.plans.list_plans(an) if p.title.startswith("ANIP"))
    return ActivateDialog(client.plans.plan(an, plan.id))


def _service_dialog():
    from paragon_desktop.gis.ows import Offer, Service
    from paragon_desktop.services.views import FeedView
    from paragon_desktop.ui.dialogs.service_layer import ServiceLayerDialog
    from paragon_desktop.ui.ops import Ops
    from paragon_desktop.ui.workers import Workers

    dialog = ServiceLayerDialog([FeedView(1, "Multi", "multi", ()), FeedView(2, "CP-Ops", "cp", ())],
                                Ops(Workers(), tell=lambda _t: None))
    dialog._on_offers([Offer(Service("wms", "https://risico.example.org/wms", "seveso_zones"),
                             "Seveso-zones")])
    return dialog


DIALOGS = ["sign-in", "case list", "new case", "crisis role", "case details", "sharing", "settings",
           "anchor", "key anchors", "anchor import", "basemaps", "map print", "area download",
           "service layer", "plan", "plan activation", "contact", "contact card", "pending mails",
           "contacts module", "organisation admin", "new user"]


@pytest.mark.parametrize("name", DIALOGS)
def test_each_dialog_speaks_french(qtbot, client, in_language, name):
    in_language("fr")
    dialog = _dialogs(client)[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(300)  # lists read off the GUI thread fill in
    texts = shown_texts(dialog)
    assert any(t in i18n.catalogue("fr").values() for t in texts)  # it is French at all
    names = [c.name for c in client.cases.list_cases(client.user("an.peeters"),
                                                       include_closed=True)]
    assert leftovers(texts, "fr", data=names) == []
    dialog.close()


@pytest.mark.parametrize(("language", "expected"), [("nl", "Categorie *"), ("fr", "Catégorie *"),
                                                    ("en", "Category *")])
def test_designer_forms_speak_the_language_and_keep_dutch_in_dutch(qtbot, client, in_language,
                                                                    language, expected):
    """Answering "no translation" with an empty string blanked every label of the Dutch form."""
    from paragon_desktop.ui.dialogs.case_form import CaseDialog

    in_language(language)
    dialog = CaseDialog(client.admin, client.places, client.user("an.peeters"), Settings(),
                        with_map=False)
    qtbot.addWidget(dialog)
    assert dialog.ui.categoryLabel.text() == expected
    assert dialog.ui.astridLabel.text() != ""


def test_a_service_refusal_reaches_a_french_dialog_in_french(qtbot, client, in_language):
    """Errors from domain and services were English inside Dutch dialogs."""
    from paragon_desktop.ui.dialogs.sign_in import SignInDialog

    in_language("fr")
    dialog = SignInDialog(client.auth.sign_in, "sqlite:///demo.db")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("an.peeters")
    dialog.password.setText("fout")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=10000)
    assert dialog.error.text() == ("Nom d'utilisateur inconnu ou mot de passe erroné. Vérifiez "
                                   "les deux et réessayez.")


def test_the_audit_trail_reads_as_sentences_with_names_in_the_users_language(in_language):
    """The trail showed codes ("layer.added", "feeds: [1]", "category: exercise")."""
    from datetime import UTC, datetime

    from paragon_desktop.services.views import AuditEntry
    from paragon_desktop.ui.dialogs.audit_trail import ACTIONS, describe

    edited = AuditEntry(datetime(2026, 11, 19, 9, 0, tzinfo=UTC), "An Peeters", "Dir-CP-Ops",
                        "case.edited", {"changes": {"phase": [None, "Provinciale fase"],
                                                    "category": ["event", "incident"],
                                                    "location": "moved"},
                                        "shared_with": ["Gemeente Kalloo"]})
    layer = AuditEntry(datetime(2026, 11, 19, 9, 5, tzinfo=UTC), "Tom De Clercq", None,
                       "layer.added", {"name": "Perimeters", "source": "zones.kml",
                                       "features": 3, "feeds": ["Multi", "CP-Ops"], "layer": 7})
    in_language("fr")
    assert describe(edited) == ("phase : (vide) → Phase provinciale; catégorie : Événement → "
                                "Incident; lieu déplacé; désormais aussi partagé avec "
                                "Gemeente Kalloo")
    assert describe(layer) == "Perimeters; de zones.kml; 3 objets; fils : Multi, CP-Ops"
    assert i18n._(ACTIONS["layer.added"]) == "Couche ajoutée"
    in_language("nl")
    assert describe(layer) == "Perimeters; uit zones.kml; 3 objecten; feeds: Multi, CP-Ops"


def test_popups_name_common_fields_and_show_belgian_time_in_the_language(
        qtbot, open_window, in_language, tmp_path):
    """Popups showed raw field names ("description") and raw times ("2026-11-19T08:48:00Z")."""
    import json

    from paragon_desktop.ui.dialogs.import_layer import ImportChoice
    from tests import layerfiles as lf
    from tests.qt.test_layers import LAT, LON, import_and_wait

    in_language("fr")
    window = open_window("sofie.janssens")
    path = lf.geojson(tmp_path / "metingen.geojson", lf.points(
        [(LON, LAT)], description="Meetpunt 4", time="2026-11-19T08:48:00Z", ppm="12"))
    report = import_and_wait(qtbot, window, ImportChoice(files=[(path, "Metingen")]))
    layer = str(report.added[0].layer_id)
    qtbot.waitUntil(lambda: map_stats(qtbot, window)["layers"].get(layer, {}).get("onMap"),
                    timeout=10000)
    text = run_js(qtbot, window, """
        paragon.map.eachLayer(function (l) {
            if (l.feature && l.feature.properties.description === 'Meetpunt 4') l.openPopup();
        });
        var rows = document.querySelectorAll('.leaflet-popup-content tr');
        JSON.stringify(Array.prototype.map.call(rows, function (r) {
            return [r.cells[0].textContent, r.cells[1].textContent]; }))""")
    rows = dict(json.loads(text))
    assert rows["Description"] == "Meetpunt 4"
    assert rows["Heure"] == "19/11/2026 09:48"  # 08:48 UTC is 09:48 in Brussels in November
    assert rows["ppm"] == "12"  # a name of the file's own stays as it is


def test_paragons_own_roles_and_case_types_are_shown_translated_and_stored_as_they_are(
        qtbot, client, in_language):
    """Generic crisis roles and case types are Paragon's own names: shown in the user's
    language, stored (and checked by the server) in one form."""
    from paragon_desktop.ui.dialogs.case_form import CaseDialog
    from paragon_desktop.ui.dialogs.crisis_role import CrisisRoleDialog
    from paragon_desktop.ui.models.messages import header_text

    in_language("fr")
    karim = client.user("karim.elamrani")
    dialog = CrisisRoleDialog(client.participation, karim, client.cases.find_case(karim, "Nordchem"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    roles = [dialog.role.itemText(i) for i in range(dialog.role.count())]
    assert roles[:3] == ["Dir-Med", "PSIF", "Ambulancier"]  # the organisation's own, as named
    assert roles[-3:] == ["Observateur", "Expert", "Représentant"]
    dialog.role.setCurrentIndex(dialog.role.findText("Observateur"))
    assert dialog.choice().crisis_role == "Observator"  # stored as Paragon names it
    assert "curiosité" in dialog.hint.text()
    form = CaseDialog(client.admin, client.places, karim, Settings(), with_map=False)
    qtbot.addWidget(form)
    form.ui.categoryCombo.setCurrentIndex(form.ui.categoryCombo.findData("incident"))
    form.ui.typeCombo.setCurrentIndex(form.ui.typeCombo.findText("Incendie"))
    assert form.draft().case_type == "Brand"
    from dataclasses import replace

    from paragon_desktop.domain.feeds import FeedFilter

    multi = next(f.id for f in client.cases.open_case(karim, dialog.case.id).changes.feeds or []
                 if f.name == "Multi")
    message = client.feeds.page(karim, multi, FeedFilter())[0]
    assert header_text(replace(message, crisis_role="Observator")).split("  ·  ")[2] == \
        "Observateur"
    assert header_text(replace(message, crisis_role="Dir-Med")).split("  ·  ")[2] == "Dir-Med"


def test_a_case_started_in_french_is_named_in_french_and_keeps_it(qtbot, client, in_language):
    """The generated name was always Dutch; the server refused any other form."""
    from paragon_desktop.ui.dialogs.case_form import CaseDialog

    in_language("fr")
    an = client.user("an.peeters")
    dialog = CaseDialog(client.admin, client.places, an, Settings(), with_map=False)
    qtbot.addWidget(dialog)
    ui = dialog.ui
    ui.categoryCombo.setCurrentIndex(ui.categoryCombo.findData("exercise"))
    ui.publicRadio.setChecked(True)
    ui.typeCombo.setCurrentIndex(ui.typeCombo.findData("Gaslek"))
    ui.territoryRadio.setChecked(True)
    qtbot.waitUntil(lambda: ui.territoryCombo.findText("Gemeente Scheldemonde") > 0, timeout=10000)
    ui.territoryCombo.setCurrentIndex(ui.territoryCombo.findText("Gemeente Scheldemonde"))
    ui.suffixEdit.setText("Nordchem")
    assert ui.nameLabel.text() == f"Exercice - Fuite de gaz - {ui.locationNameEdit.text()} - Nordchem"
    dialog.start_button.click()
    qtbot.waitUntil(lambda: dialog.outcome is not None, timeout=10000)
    case = dialog.outcome.case
    assert case.name.startswith("Exercice - Fuite de gaz - ")

    # A colleague working in Dutch edits it: the form shows, and saves, the French name.
    in_language("nl")
    tom = client.user("tom.declercq")
    edit = CaseDialog(client.admin, client.places, tom, Settings(), case_id=case.id,
                      draft=client.admin.case_draft(tom, case.id), with_map=False)
    qtbot.addWidget(edit)
    edit.ui.typeCombo.setCurrentIndex(edit.ui.typeCombo.findData("Brand"))
    assert edit.ui.nameLabel.text().startswith("Exercice - Incendie - ")
    assert edit.ui.categoryCombo.currentText() == "Oefening"  # the form itself speaks Dutch


def clipped(window: QWidget) -> list[str]:
    """Visible one-line labels and buttons narrower than their own text."""
    found = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.width() <= 0:
            continue
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text() \
                and "<" not in widget.text() and "\n" not in widget.text():
            room = widget.contentsRect().width() - 2 * widget.margin()
            needed = widget.fontMetrics().horizontalAdvance(widget.text().replace("&", ""))
        elif isinstance(widget, QAbstractButton) and widget.text():
            room = widget.width()
            needed = widget.fontMetrics().horizontalAdvance(widget.text().replace("&", "")) + 8
        else:
            continue
        if needed > room:
            found.append(f"{type(widget).__name__} {widget.text()!r}: {room} px for {needed} px")
    return found


@pytest.mark.parametrize("language", ["fr", "en", "nl"])
def test_the_longest_texts_fit_at_1366_by_768(qtbot, open_window, in_language, language):
    """French texts are the longest: at a laptop's 1366x768 nothing is cut off."""
    in_language(language)
    window = open_window("an.peeters")
    window.resize(1366, 768)
    qtbot.wait(200)
    assert clipped(window) == []


@pytest.mark.parametrize("name", DIALOGS)
def test_each_french_dialog_shows_its_texts_whole(qtbot, client, in_language, name):
    in_language("fr")
    dialog = _dialogs(client)[name]()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.wait(300)
    assert clipped(dialog) == []


def test_the_check_sees_a_cut_off_label(qtbot):
    box = QWidget()
    qtbot.addWidget(box)
    label = QLabel("Coordination opérationnelle", box)
    label.resize(60, 20)
    box.show()
    assert clipped(box) != []
    label.resize(label.sizeHint())
    assert clipped(box) == []
