"""Sign in, then pick a case."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from paragon_desktop.domain.errors import ParagonError
from paragon_desktop.services.views import CaseSummary, UserView
from paragon_desktop.ui.models.messages import LOCAL_TZ


class SignInDialog(QDialog):
    def __init__(self, sign_in: Callable[[str, str], UserView], database: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paragon Desktop - aanmelden")
        self._sign_in = sign_in
        self.user: UserView | None = None
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c92a2a;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Gebruikersnaam", self.username)
        form.addRow("Wachtwoord", self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Aanmelden")
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        where = QLabel(f"Database: {database}")
        where.setStyleSheet("color: palette(placeholder-text);")
        title = QLabel("<b>Paragon Desktop</b> - meld je aan")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(where)
        layout.addWidget(buttons)

    def _try(self) -> None:
        try:
            self.user = self._sign_in(self.username.text(), self.password.text())
        except ParagonError as exc:
            self.error.setText(str(exc))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()


class CaseListDialog(QDialog):
    COLUMNS = ("Case", "Categorie", "Locatie", "Datum", "Toegang")

    def __init__(self, active: list[CaseSummary], closed: list[CaseSummary],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paragon Desktop - kies een case")
        self.resize(900, 360)
        self.case: CaseSummary | None = None
        self.tabs = QTabWidget()
        self.active = self._table(active)
        self.tabs.addTab(self.active, f"Actief ({len(active)})")
        self.tabs.addTab(self._table(closed), f"Afgesloten ({len(closed)})")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._open)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    def _table(self, cases: list[CaseSummary]) -> QTableWidget:
        table = QTableWidget(len(cases), len(self.COLUMNS))
        table.setHorizontalHeaderLabels(list(self.COLUMNS))
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        for row, case in enumerate(cases):
            values = (case.name, case.category.label_nl, case.location_name,
                      case.occurred_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M"),
                      "Publiek" if case.access == "public" else "Privé")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, case)
                table.setItem(row, column, item)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if cases:
            table.selectRow(0)
        table.doubleClicked.connect(lambda _index: self._open())
        return table

    def _open(self) -> None:
        table = self.tabs.currentWidget()
        assert isinstance(table, QTableWidget)
        items = table.selectedItems()
        if items:
            self.case = items[0].data(Qt.ItemDataRole.UserRole)
            self.accept()
