"""The feeds dock, the composer, the crisis role dialog and Important pop-ups, on real widgets
and a real database (both backends)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from paragon_desktop.domain.enums import MessageTag
from paragon_desktop.domain.feeds import FeedFilter, RoleChoice
from paragon_desktop.services.feeds import PAGE_SIZE
from paragon_desktop.ui.dialogs.crisis_role import NO_CELL, CrisisRoleDialog
from paragon_desktop.ui.drafts import DraftStore


def feed_id(window, name: str) -> int:
    return next(f.id for f in window.feeds.panel.feeds() if f.name == name)


def loaded(qtbot, window, name: str):
    tab = window.feeds.panel.tab(feed_id(window, name))
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0 and not tab.model.fetching, timeout=10000)
    return tab


def type_in(qtbot, window, text: str) -> None:
    editor = window.feeds.panel.composer.editor
    editor.setFocus()
    QTest.keyClicks(editor, text)


@pytest.fixture
def warnings(message_boxes) -> list[str]:
    """Refusals are shown in a message box; record them instead of blocking the test."""
    return message_boxes.read


# -- crisis role ---------------------------------------------------------------------------------
def test_role_dialog_offers_the_organisations_roles_and_records_the_choice(client, qtbot, open_window):
    karim = client.user("karim.elamrani")
    case = client.cases.find_case(karim, "Nordchem")
    dialog = CrisisRoleDialog(client.participation, karim, case)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)  # the options are read off the GUI thread
    # One organisation: nothing to choose; the last role in this case is proposed.
    assert not dialog.organisation.isVisible()
    roles = [dialog.role.itemText(i) for i in range(dialog.role.count())]
    assert roles[:3] == ["Dir-Med", "PSIF", "Ambulancier"]
    assert roles[-3:] == ["Observator", "Expert", "Vertegenwoordiger"]
    assert (dialog.role.currentText(), dialog.cell.currentText()) == ("Dir-Med", "CP-Ops")
    dialog.role.setCurrentText("Observator")
    assert "nieuwsgierigheid" in dialog.hint.text()
    # A refusal keeps the dialog open with every choice as it was.
    dialog.cell.setCurrentText("#Multi")
    dialog.description.setText("Volgt op voor de FOD")
    dialog.open_button.click()
    qtbot.waitUntil(lambda: "geen # vooraan" in dialog.error.text())
    assert dialog.isVisible()
    assert dialog.description.text() == "Volgt op voor de FOD"
    dialog.cell.setCurrentText(NO_CELL)
    dialog.open_button.click()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    assert dialog.result_participation.crisis_cell is None
    assert dialog.result_participation.crisis_role == "Observator"
    window = open_window("karim.elamrani")
    assert "Karim El Amrani (Observator)" in window.windowTitle()
    assert [f.name for f in window.feeds.panel.feeds()] == ["Multi", "D2 Medisch"]


def test_a_user_of_several_organisations_picks_one_first(client, qtbot):
    els = client.user("els.vandamme")
    an = client.user("an.peeters")
    from paragon_desktop.storage.models import Membership

    with client.db.sessions.begin() as session:
        session.add(Membership(user_id=els.id, organisation_id=an.organisations[0][0]))
    els = client.user("els.vandamme")
    dialog = CrisisRoleDialog(client.participation, els, client.cases.find_case(els, "Nordchem"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)  # the options are read off the GUI thread
    assert dialog.organisation.isVisible()
    assert dialog.organisation.count() == 2
    dialog.organisation.setCurrentText("Gemeente Scheldemonde")
    assert dialog.role.itemText(0) == "Burgemeester"
    dialog.role.setCurrentText("Burgemeester")
    dialog.cell.setCurrentText("GCC")
    dialog.open_button.click()
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
    trail = client.reports.audit_trail(an, client.seveso_case_id())
    last = [e for e in trail if e.action == "case.opened"][-1]
    assert (last.user, last.crisis_role, last.details["organisation"]) == (
        "Els Van Damme", "Burgemeester", "Gemeente Scheldemonde")


def test_leaving_the_case_closes_the_window_and_is_recorded(client, qtbot, open_window):
    window = open_window("tom.declercq")
    closed = []
    window.sig_closed.connect(closed.append)
    window.case_menu.leave_action.trigger()
    qtbot.waitUntil(lambda: closed == [True], timeout=5000)
    trail = client.reports.audit_trail(client.user("an.peeters"), client.seveso_case_id())
    assert [e.action for e in trail if e.user == "Tom De Clercq"][-1] == "case.left"


# -- composing -----------------------------------------------------------------------------------
def test_compose_with_tag_shortcuts_and_send_with_ctrl_enter(client, qtbot, open_window):
    window = open_window("tom.declercq")
    tab = loaded(qtbot, window, "Multi")
    window.feeds.panel.show_feed(tab.feed.id)
    type_in(qtbot, window, "Is de N451 weer vrij?")
    QTest.keyClick(window.feeds.panel.composer.editor, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.feeds.panel.composer.tags[MessageTag.QUESTION].isChecked()
    QTest.keyClick(window.feeds.panel.composer.editor, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: tab.model.messages()[0].text == "Is de N451 weer vrij?", timeout=10000)
    sent = tab.model.messages()[0]
    assert sent.tags == ("question",)
    assert sent.crisis_role == "Dir-CP-Ops"
    assert window.feeds.panel.composer.editor.toPlainText() == ""
    assert not window.feeds.panel.composer.tags[MessageTag.QUESTION].isChecked()


def test_hashtag_completion_and_copies(client, qtbot, open_window):
    window = open_window("tom.declercq")
    loaded(qtbot, window, "Multi")
    window.feeds.panel.show_feed(feed_id(window, "D1 Brandweer"))
    editor = window.feeds.panel.composer.editor
    type_in(qtbot, window, "Ploeg 2 ter plaatse #cp")
    popup = editor.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=3000)
    assert editor.completer.currentCompletion() == "CP-Ops"
    QTest.keyClick(popup, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "Ploeg 2 ter plaatse #CP-Ops "
    window.feeds.panel.composer.send()
    cp_ops = window.feeds.panel.tab(feed_id(window, "CP-Ops"))
    qtbot.waitUntil(lambda: any(m.text.startswith("Ploeg 2") for m in cp_ops.model.messages()),
                    timeout=10000)
    copy = next(m for m in cp_ops.model.messages() if m.text.startswith("Ploeg 2"))
    assert copy.copied_from == "D1 Brandweer"
    assert "Verstuurd en gekopieerd naar CP-Ops" in window.statusBar().currentMessage()
    # One's own copy is not unread in the feed it was copied to.
    assert cp_ops.unread == 0
    assert window.feeds.panel.tabs.tabText(window.feeds.panel.tabs.indexOf(cp_ops)) == "CP-Ops"


def test_unread_counts_what_others_wrote(client, qtbot, open_window):
    window = open_window("tom.declercq")
    loaded(qtbot, window, "Multi")
    cp_ops = window.feeds.panel.tab(feed_id(window, "CP-Ops"))
    sofie = client.user("sofie.janssens")
    client.feeds.post(sofie, feed_id(window, "CP-Ops"), "Opvang meldt 14 bewoners", [])
    window.refresh()
    qtbot.waitUntil(lambda: cp_ops.unread == 1, timeout=10000)
    assert window.feeds.panel.tabs.tabText(window.feeds.panel.tabs.indexOf(cp_ops)) == "CP-Ops (1)"


def test_a_refused_copy_keeps_the_text(client, qtbot, open_window, warnings):
    window = open_window("sofie.janssens")
    loaded(qtbot, window, "Multi")
    type_in(qtbot, window, "Zie ook #GCC voor de scholen")
    window.feeds.panel.composer.send()
    qtbot.waitUntil(lambda: bool(warnings), timeout=10000)
    assert "geen lid van feed “GCC”" in warnings[0]
    assert window.feeds.panel.composer.editor.toPlainText() == "Zie ook #GCC voor de scholen"
    assert window.feeds.panel.composer.send_button.isEnabled()


def test_answering_a_question_from_its_menu_closes_it_in_the_open_questions_filter(
        client, qtbot, open_window):
    window = open_window("tom.declercq")
    tab = loaded(qtbot, window, "Multi")
    window.feeds.panel.show_feed(tab.feed.id)
    window.feeds.panel.filters.open_questions.setChecked(True)
    qtbot.waitUntil(lambda: tab.filter.open_questions and tab.model.complete, timeout=10000)
    questions = tab.model.messages()
    assert questions
    assert all("question" in m.tags and not m.answered for m in questions)
    question = questions[0]
    window.feeds.panel.composer.answer(question)
    assert "Antwoord op: Karim El Amrani: Is het opvangcentrum" in (
        window.feeds.panel.composer.context.text())
    type_in(qtbot, window, "Nee, begeleid door D3.")
    window.feeds.panel.composer.send()
    qtbot.waitUntil(lambda: question.id not in [m.id for m in tab.model.messages()]
                    and tab.model.complete, timeout=10000)
    window.feeds.panel.filters.open_questions.setChecked(False)
    qtbot.waitUntil(lambda: not tab.filter.open_questions and tab.model.rowCount() > 3,
                    timeout=10000)
    answer = tab.model.messages()[0]
    assert answer.answers_id == question.thread_id
    assert answer.tags == ("answer",)


def test_a_correction_marks_the_corrected_message(client, qtbot, open_window):
    window = open_window("jan.devos")
    tab = loaded(qtbot, window, "CP-Ops")
    window.feeds.panel.show_feed(tab.feed.id)
    wrong = next(m for m in tab.model.messages() if m.text.startswith("Meting MP03"))
    window.feeds.panel.composer.correct(wrong)
    type_in(qtbot, window, "Correctie: MP03 meet 13 ppm, niet 31.")
    window.feeds.panel.composer.send()
    qtbot.waitUntil(lambda: next(m for m in tab.model.messages() if m.id == wrong.id).corrected,
                    timeout=10000)
    assert tab.model.messages()[0].corrects_id == wrong.thread_id
    assert wrong.text in [m.text for m in tab.model.messages()]  # history stays


def test_read_only_users_get_no_composer_but_the_reason(client, qtbot, open_window):
    window = open_window("wim.verhaegen")
    composer = window.feeds.panel.composer
    assert not composer.editor.isVisible()
    assert not composer.send_button.isVisible()
    assert composer.reason.isVisible()
    assert "Alleen lezen" in composer.reason.text()


def test_what_is_typed_while_a_send_is_under_way_is_kept_under_a_new_id(
        client, qtbot, open_window, warnings):
    """The composer is cleared only of what was sent: text typed while the send (or its queueing
    in the outbox) was under way stays, and goes out later as a message of its own."""
    window = open_window("tom.declercq")
    tab = loaded(qtbot, window, "Multi")
    window.feeds.panel.show_feed(tab.feed.id)
    composer = window.feeds.panel.composer
    for queue in (False, True):
        type_in(qtbot, window, f"Eerste {queue}")
        sent = composer.draft()
        type_in(qtbot, window, " en meer")  # typed after pressing send, before the answer
        if queue:
            window.feeds.queue(tab.feed.id, sent)
        else:
            window.feeds.sent(sent, client.feeds.post(client.user("tom.declercq"), tab.feed.id,
                                                    sent.text, op_id=sent.op_id))
        assert composer.editor.toPlainText() == f"Eerste {queue} en meer"
        assert composer.op_id != sent.op_id
        composer.restore(type(sent)())
    window.outbox.remove(window.outbox.store.items()[0].op_id)


# -- drafts --------------------------------------------------------------------------------------
def test_a_draft_survives_closing_the_window(client, qtbot, open_window):
    window = open_window("sofie.janssens")
    type_in(qtbot, window, "Tweede overleg om 11:00, aanwezig")
    QTest.keyClick(window.feeds.panel.composer.editor, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    window.close()
    again = open_window("sofie.janssens")
    assert again.feeds.panel.composer.editor.toPlainText() == "Tweede overleg om 11:00, aanwezig"
    assert again.feeds.panel.composer.tags[MessageTag.DECISION].isChecked()


def test_a_draft_survives_a_crash(client, qtbot, open_window):
    window = open_window("sofie.janssens")
    type_in(qtbot, window, "Half getypt bij de stroompanne")
    store = window.feeds.drafts
    # Saved while typing, not only on close: wait for the file, then never close the window.
    qtbot.waitUntil(lambda: store.path.exists(), timeout=3000)
    assert json.loads(store.path.read_text())["text"] == "Half getypt bij de stroompanne"
    again = open_window("sofie.janssens")
    assert again.feeds.panel.composer.editor.toPlainText() == "Half getypt bij de stroompanne"
    window.hide()


@pytest.mark.server
def test_a_draft_whose_message_reached_the_server_is_not_offered_again(client, qtbot, open_window):
    """Killed right after sending (the draft was not cleared yet), or cut off before the answer:
    on the next start the draft's message is found stored under its id and not offered again,
    while a draft that never reached the server stays."""
    window = open_window("sofie.janssens")
    type_in(qtbot, window, "Verzonden vlak voor de crash")
    draft = window.feeds.panel.composer.draft()
    window.feeds.save_draft()
    user = client.user("sofie.janssens")
    multi = feed_id(window, "Multi")
    client.feeds.post(user, multi, draft.text, op_id=draft.op_id)  # the send that got through
    window.hide()  # the crash: the window never hears back, its draft file stays
    assert window.feeds.drafts.load().op_id == draft.op_id
    again = open_window("sofie.janssens")
    qtbot.waitUntil(lambda: again.feeds.panel.composer.editor.toPlainText() == "", timeout=5000)
    assert again.feeds.drafts.load() is None
    assert "al verstuurd" in again.statusBar().currentMessage()
    # Sending the restored text would not have doubled it either.
    assert client.feeds.post(user, multi, draft.text, op_id=draft.op_id).replayed
    type_in(qtbot, again, "Nooit verstuurd")
    again.feeds.save_draft()
    third = open_window("sofie.janssens")
    qtbot.wait(500)
    assert third.feeds.panel.composer.editor.toPlainText() == "Nooit verstuurd"
    assert third.feeds.panel.composer.op_id != draft.op_id


def test_drafts_are_per_user_and_case(tmp_path):
    a = DraftStore("sqlite:///x.db", 1, 5, tmp_path)
    b = DraftStore("sqlite:///x.db", 2, 5, tmp_path)
    from paragon_desktop.ui.docks.composer import Draft

    a.save(Draft("voor gebruiker 1"))
    assert b.load() is None
    assert a.load().text == "voor gebruiker 1"
    a.save(Draft("  "))
    assert not a.path.exists()
    a.path.write_text("{kapot")
    assert a.load() is None


# -- Important pop-ups and escaping --------------------------------------------------------------
@pytest.mark.server
def test_important_in_multi_pops_up_in_another_users_window_until_acknowledged(
        client, qtbot, open_window):
    an_window = open_window("an.peeters")
    wim_window = open_window("wim.verhaegen")
    tom = client.user("tom.declercq")
    multi = feed_id(an_window, "Multi")
    script = '<b>Evacuatie</b> <img src=x onerror="alert(1)"> <script>alert(2)</script>'
    posted = client.feeds.post(tom, multi, script, [MessageTag.IMPORTANT]).message_id
    for window in (an_window, wim_window):
        qtbot.waitUntil(lambda w=window: posted in w.feeds.popups.shown_ids(), timeout=10000)
    card = an_window.feeds.popups.cards[posted]
    assert card.isVisible()
    assert card.text.textFormat() == Qt.TextFormat.PlainText
    assert card.text.text() == script
    central = an_window.centralWidget()
    corner = card.mapTo(central, card.rect().topRight())
    assert corner.x() > central.width() - 40
    assert corner.y() < 60
    tab = an_window.feeds.panel.tab(multi)
    qtbot.waitUntil(lambda: tab.model.messages()[0].id == posted, timeout=10000)
    tooltip = tab.model.data(tab.model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert tab.model.data(tab.model.index(0)) == script
    assert "<script>" not in tooltip
    qtbot.mouseClick(card.ack, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: posted not in an_window.feeds.popups.cards, timeout=10000)
    assert [name for name, _ in client.feeds.acknowledged_by(tom, posted)] == ["An Peeters"]
    assert posted in wim_window.feeds.popups.shown_ids()  # each user acknowledges for themselves
    # Important outside Multi does not pop up.
    client.feeds.post(tom, feed_id(an_window, "CP-Ops"), "Alleen CP-Ops", [MessageTag.IMPORTANT])
    cp = an_window.feeds.panel.tab(feed_id(an_window, "CP-Ops"))
    qtbot.waitUntil(lambda: cp.model.messages()[0].text == "Alleen CP-Ops", timeout=10000)
    assert an_window.feeds.popups.cards == {}


def test_unacknowledged_important_messages_pop_up_when_the_case_opens(client, qtbot, open_window):
    tom = client.user("tom.declercq")
    case_id = client.seveso_case_id()
    multi = next(f.id for f in client.cases.open_case(tom, case_id).changes.feeds
                 if f.name == "Multi")
    posted = client.feeds.post(tom, multi, "Windrichting gedraaid naar O", ["important"]).message_id
    window = open_window("karim.elamrani")
    qtbot.waitUntil(lambda: posted in window.feeds.popups.shown_ids(), timeout=10000)


# -- paging and export ---------------------------------------------------------------------------
def test_the_feed_loads_older_pages_as_the_reader_scrolls(client, qtbot, open_window):
    tom = client.user("tom.declercq")
    case_id = client.seveso_case_id()
    d1 = next(f.id for f in client.cases.open_case(tom, case_id).changes.feeds
              if f.name == "D1 Brandweer")
    start = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    for i in range(2 * PAGE_SIZE + 10):
        client.feeds.post(tom, d1, f"Log {i}", at=start + timedelta(seconds=i))
    window = open_window("tom.declercq")
    window.feeds.panel.show_feed(d1)
    tab = window.feeds.panel.tab(d1)
    qtbot.waitUntil(lambda: tab.model.rowCount() >= PAGE_SIZE, timeout=10000)
    assert tab.model.messages()[0].text == f"Log {2 * PAGE_SIZE + 9}"
    for _ in range(60):
        tab.view.scrollToBottom()
        qtbot.wait(50)
        if tab.model.complete and not tab.model.fetching:
            break
    total = 2 * PAGE_SIZE + 10 + 1  # and the demo's own D1 message
    assert tab.model.rowCount() == total
    assert len({m.id for m in tab.model.messages()}) == total


def test_export_as_csv_and_pdf(client, qtbot, open_window, tmp_path):
    window = open_window("an.peeters")
    tab = loaded(qtbot, window, "Multi")
    csv_path, pdf_path = tmp_path / "multi.csv", tmp_path / "multi.pdf"
    window.feeds.export(tab.feed.id, FeedFilter(), csv_path, pdf=False)
    qtbot.waitUntil(lambda: window.feeds.last_export == str(csv_path), timeout=10000)
    window.feeds.export(tab.feed.id, FeedFilter(tag=MessageTag.DECISION), pdf_path, pdf=True)
    qtbot.waitUntil(lambda: window.feeds.last_export == str(pdf_path), timeout=20000)
    assert csv_path.read_text(encoding="utf-8-sig").count("\n") > 10
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 2000
    assert "berichten geëxporteerd naar multi.pdf" in window.ctx.note_label.text()


def test_the_pdf_log_escapes_what_users_typed():
    from paragon_desktop.services.views import MessageView
    from paragon_desktop.ui.feed_pdf import log_html

    message = MessageView(1, 1, "<i>X</i>", "Dir", "Org & co", datetime(2026, 1, 1, tzinfo=UTC),
                          "<script>alert(1)</script>", ("important",), 1)
    page = log_html([message], "Case <b>", FeedFilter())
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert "&lt;i&gt;X&lt;/i&gt;" in page
    assert "Org &amp; co" in page
    assert "Case &lt;b&gt;" in page


def test_participation_survives_a_reopen_in_the_same_role(client):
    karim = client.user("karim.elamrani")
    case_id = client.seveso_case_id()
    options = client.participation.role_options(karim, case_id)
    client.participation.enter_case(karim, case_id, options.last)
    assert client.participation.role_options(karim, case_id).last == RoleChoice(
        options.last.organisation_id, "Dir-Med", "CP-Ops", "")


def test_the_case_session_asks_the_role_then_opens_a_writable_window(client, qtbot, monkeypatch):
    from paragon_desktop.settings import Settings
    from paragon_desktop.ui.case_session import CaseSession

    asked = []

    def accept_as_observer(dialog):
        qtbot.waitUntil(lambda: dialog.loaded)
        asked.append([dialog.role.itemText(i) for i in range(dialog.role.count())])
        dialog.role.setCurrentText("Expert")
        dialog.cell.setCurrentText(NO_CELL)
        dialog.open_button.click()
        qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted)
        return dialog.result()

    monkeypatch.setattr(CrisisRoleDialog, "exec", accept_as_observer)
    lotte = client.user("lotte.maes")
    session = CaseSession(client, lotte, Settings(), client.db.display_url)
    assert session.open(client.cases.find_case(lotte, "Nordchem"))
    window = session.window
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=30000)
    assert asked[0][0] == "Dir-Pol"
    assert "Lotte Maes (Expert)" in window.windowTitle()
    assert window.feeds.panel.composer.editor.isVisible()
    assert [f.name for f in window.feeds.panel.feeds()] == ["Multi", "D3 Politie"]
    back = []
    monkeypatch.setattr(session, "start", lambda: back.append(True) or True)
    window.leave_case()
    qtbot.waitUntil(lambda: back == [True], timeout=5000)


def test_the_crisis_cell_box_never_takes_its_hint_as_text(client, qtbot):
    """Typing GCC into the cell box gave "(geen crisiscel)GCC": a feed, a title and next time's
    default."""
    karim = client.user("karim.elamrani")
    dialog = CrisisRoleDialog(client.participation, karim, client.cases.find_case(karim, "Polderkerke"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)  # the options are read off the GUI thread
    assert dialog.cell.currentText() == ""
    assert dialog.cell.lineEdit().placeholderText() == "geen crisiscel"
    dialog.cell.lineEdit().setFocus()
    QTest.keyClicks(dialog.cell.lineEdit(), "GCC")
    assert dialog.cell.currentText() == "GCC"
    assert dialog.choice().crisis_cell == "GCC"


def test_no_crisis_role_is_chosen_for_the_user(client, qtbot):
    """The first role of the list ("Burgemeester" for a noodplanningsambtenaar) was preselected:
    one Enter recorded her as mayor on every message. Without a last role in this case, the user
    chooses."""
    sofie = client.user("sofie.janssens")  # Gemeente Scheldemonde: "Burgemeester" comes first
    case = client.cases.find_case(sofie, "Polderkerke")
    assert client.participation.role_options(sofie, case.id).last is None
    dialog = CrisisRoleDialog(client.participation, sofie, case)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)  # the options are read off the GUI thread
    assert dialog.role.currentIndex() == -1
    assert dialog.role.currentText() == ""
    assert not dialog.open_button.isEnabled()
    dialog.accept()  # Enter
    assert dialog.result_participation is None
    assert "Kies de crisisrol" in dialog.error.text()
    dialog.role.setCurrentText("Noodplanningsambtenaar")
    assert dialog.open_button.isEnabled()
    dialog.open_button.click()
    qtbot.waitUntil(lambda: dialog.result_participation is not None)
    assert dialog.result_participation.crisis_role == "Noodplanningsambtenaar"


def test_a_pressed_tag_shows_its_own_colour(client, qtbot, open_window):
    """The tag toggles' pressed state was hard to see (Belangrijk above all)."""
    from PySide6.QtGui import QColor

    from paragon_desktop.ui.models.messages import TAG_COLOURS

    window = open_window("tom.declercq")
    button = window.feeds.panel.composer.tags[MessageTag.IMPORTANT]
    middle = button.height() // 2
    before = button.grab().toImage().pixelColor(4, middle)
    button.setChecked(True)
    after = button.grab().toImage().pixelColor(4, middle)
    assert after.name() == QColor(TAG_COLOURS["important"]).name()
    assert before.name() != after.name()


def test_the_export_button_leaves_room_for_its_arrow(open_window):
    window = open_window("tom.declercq")
    button = window.feeds.panel.filters.export_button
    text = button.fontMetrics().horizontalAdvance("Exporteren")
    assert button.menu() is not None
    assert button.width() >= text + 20  # text, margins and the menu arrow side by side
