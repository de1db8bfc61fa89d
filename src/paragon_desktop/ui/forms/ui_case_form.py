# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'case_form.ui'
##
## Created by: Qt User Interface Compiler version 6.11.3
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QComboBox, QDateTimeEdit,
    QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QListWidget, QListWidgetItem,
    QPlainTextEdit, QPushButton, QRadioButton, QSizePolicy,
    QSpacerItem, QVBoxLayout, QWidget)

class Ui_CaseForm(object):
    def setupUi(self, CaseForm):
        if not CaseForm.objectName():
            CaseForm.setObjectName(u"CaseForm")
        CaseForm.resize(1180, 720)
        self.outerLayout = QHBoxLayout(CaseForm)
        self.outerLayout.setObjectName(u"outerLayout")
        self.formColumn = QVBoxLayout()
        self.formColumn.setObjectName(u"formColumn")
        self.nameCaption = QLabel(CaseForm)
        self.nameCaption.setObjectName(u"nameCaption")

        self.formColumn.addWidget(self.nameCaption)

        self.nameLabel = QLabel(CaseForm)
        self.nameLabel.setObjectName(u"nameLabel")
        self.nameLabel.setStyleSheet(u"font-size: 15px; font-weight: 600; padding: 6px; background: #f1f3f5; border-radius: 4px;")
        self.nameLabel.setTextFormat(Qt.TextFormat.PlainText)
        self.nameLabel.setWordWrap(True)
        self.nameLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.formColumn.addWidget(self.nameLabel)

        self.fields = QFormLayout()
        self.fields.setObjectName(u"fields")
        self.fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.categoryLabel = QLabel(CaseForm)
        self.categoryLabel.setObjectName(u"categoryLabel")

        self.fields.setWidget(0, QFormLayout.ItemRole.LabelRole, self.categoryLabel)

        self.categoryCombo = QComboBox(CaseForm)
        self.categoryCombo.setObjectName(u"categoryCombo")

        self.fields.setWidget(0, QFormLayout.ItemRole.FieldRole, self.categoryCombo)

        self.accessLabel = QLabel(CaseForm)
        self.accessLabel.setObjectName(u"accessLabel")

        self.fields.setWidget(1, QFormLayout.ItemRole.LabelRole, self.accessLabel)

        self.accessBox = QWidget(CaseForm)
        self.accessBox.setObjectName(u"accessBox")
        self.accessLayout = QHBoxLayout(self.accessBox)
        self.accessLayout.setObjectName(u"accessLayout")
        self.accessLayout.setContentsMargins(0, 0, 0, 0)
        self.publicRadio = QRadioButton(self.accessBox)
        self.publicRadio.setObjectName(u"publicRadio")

        self.accessLayout.addWidget(self.publicRadio)

        self.privateRadio = QRadioButton(self.accessBox)
        self.privateRadio.setObjectName(u"privateRadio")

        self.accessLayout.addWidget(self.privateRadio)


        self.fields.setWidget(1, QFormLayout.ItemRole.FieldRole, self.accessBox)

        self.organisationLabel = QLabel(CaseForm)
        self.organisationLabel.setObjectName(u"organisationLabel")

        self.fields.setWidget(2, QFormLayout.ItemRole.LabelRole, self.organisationLabel)

        self.organisationCombo = QComboBox(CaseForm)
        self.organisationCombo.setObjectName(u"organisationCombo")

        self.fields.setWidget(2, QFormLayout.ItemRole.FieldRole, self.organisationCombo)

        self.locationLabel = QLabel(CaseForm)
        self.locationLabel.setObjectName(u"locationLabel")

        self.fields.setWidget(3, QFormLayout.ItemRole.LabelRole, self.locationLabel)

        self.locationBox = QWidget(CaseForm)
        self.locationBox.setObjectName(u"locationBox")
        self.locationLayout = QVBoxLayout(self.locationBox)
        self.locationLayout.setObjectName(u"locationLayout")
        self.locationLayout.setContentsMargins(0, 0, 0, 0)
        self.locationModes = QHBoxLayout()
        self.locationModes.setObjectName(u"locationModes")
        self.pointRadio = QRadioButton(self.locationBox)
        self.pointRadio.setObjectName(u"pointRadio")

        self.locationModes.addWidget(self.pointRadio)

        self.areaRadio = QRadioButton(self.locationBox)
        self.areaRadio.setObjectName(u"areaRadio")

        self.locationModes.addWidget(self.areaRadio)

        self.anchorRadio = QRadioButton(self.locationBox)
        self.anchorRadio.setObjectName(u"anchorRadio")

        self.locationModes.addWidget(self.anchorRadio)

        self.territoryRadio = QRadioButton(self.locationBox)
        self.territoryRadio.setObjectName(u"territoryRadio")

        self.locationModes.addWidget(self.territoryRadio)


        self.locationLayout.addLayout(self.locationModes)

        self.anchorSearch = QLineEdit(self.locationBox)
        self.anchorSearch.setObjectName(u"anchorSearch")
        self.anchorSearch.setClearButtonEnabled(True)

        self.locationLayout.addWidget(self.anchorSearch)

        self.anchorList = QListWidget(self.locationBox)
        self.anchorList.setObjectName(u"anchorList")
        self.anchorList.setMaximumSize(QSize(16777215, 110))

        self.locationLayout.addWidget(self.anchorList)

        self.territoryCombo = QComboBox(self.locationBox)
        self.territoryCombo.setObjectName(u"territoryCombo")

        self.locationLayout.addWidget(self.territoryCombo)

        self.pickHint = QLabel(self.locationBox)
        self.pickHint.setObjectName(u"pickHint")
        self.pickHint.setWordWrap(True)
        self.pickHint.setStyleSheet(u"color: #495057;")

        self.locationLayout.addWidget(self.pickHint)

        self.locationNameEdit = QLineEdit(self.locationBox)
        self.locationNameEdit.setObjectName(u"locationNameEdit")
        self.locationNameEdit.setMaxLength(200)

        self.locationLayout.addWidget(self.locationNameEdit)


        self.fields.setWidget(3, QFormLayout.ItemRole.FieldRole, self.locationBox)

        self.typeLabel = QLabel(CaseForm)
        self.typeLabel.setObjectName(u"typeLabel")

        self.fields.setWidget(4, QFormLayout.ItemRole.LabelRole, self.typeLabel)

        self.typeCombo = QComboBox(CaseForm)
        self.typeCombo.setObjectName(u"typeCombo")

        self.fields.setWidget(4, QFormLayout.ItemRole.FieldRole, self.typeCombo)

        self.occurredLabel = QLabel(CaseForm)
        self.occurredLabel.setObjectName(u"occurredLabel")

        self.fields.setWidget(5, QFormLayout.ItemRole.LabelRole, self.occurredLabel)

        self.occurredEdit = QDateTimeEdit(CaseForm)
        self.occurredEdit.setObjectName(u"occurredEdit")
        self.occurredEdit.setCalendarPopup(True)

        self.fields.setWidget(5, QFormLayout.ItemRole.FieldRole, self.occurredEdit)

        self.phaseLabel = QLabel(CaseForm)
        self.phaseLabel.setObjectName(u"phaseLabel")

        self.fields.setWidget(6, QFormLayout.ItemRole.LabelRole, self.phaseLabel)

        self.phaseCombo = QComboBox(CaseForm)
        self.phaseCombo.setObjectName(u"phaseCombo")

        self.fields.setWidget(6, QFormLayout.ItemRole.FieldRole, self.phaseCombo)

        self.astridLabel = QLabel(CaseForm)
        self.astridLabel.setObjectName(u"astridLabel")

        self.fields.setWidget(7, QFormLayout.ItemRole.LabelRole, self.astridLabel)

        self.astridLayout = QHBoxLayout()
        self.astridLayout.setObjectName(u"astridLayout")
        self.astridEdit = QLineEdit(CaseForm)
        self.astridEdit.setObjectName(u"astridEdit")
        self.astridEdit.setMaxLength(40)

        self.astridLayout.addWidget(self.astridEdit)

        self.astridStatus = QLabel(CaseForm)
        self.astridStatus.setObjectName(u"astridStatus")
        self.astridStatus.setWordWrap(True)
        self.astridStatus.setTextFormat(Qt.TextFormat.PlainText)

        self.astridLayout.addWidget(self.astridStatus)


        self.fields.setLayout(7, QFormLayout.ItemRole.FieldRole, self.astridLayout)

        self.descriptionLabel = QLabel(CaseForm)
        self.descriptionLabel.setObjectName(u"descriptionLabel")

        self.fields.setWidget(8, QFormLayout.ItemRole.LabelRole, self.descriptionLabel)

        self.descriptionEdit = QPlainTextEdit(CaseForm)
        self.descriptionEdit.setObjectName(u"descriptionEdit")
        self.descriptionEdit.setMaximumSize(QSize(16777215, 70))
        self.descriptionEdit.setTabChangesFocus(True)

        self.fields.setWidget(8, QFormLayout.ItemRole.FieldRole, self.descriptionEdit)

        self.suffixLabel = QLabel(CaseForm)
        self.suffixLabel.setObjectName(u"suffixLabel")

        self.fields.setWidget(9, QFormLayout.ItemRole.LabelRole, self.suffixLabel)

        self.suffixLayout = QHBoxLayout()
        self.suffixLayout.setObjectName(u"suffixLayout")
        self.suffixEdit = QLineEdit(CaseForm)
        self.suffixEdit.setObjectName(u"suffixEdit")

        self.suffixLayout.addWidget(self.suffixEdit)

        self.suffixCounter = QLabel(CaseForm)
        self.suffixCounter.setObjectName(u"suffixCounter")

        self.suffixLayout.addWidget(self.suffixCounter)


        self.fields.setLayout(9, QFormLayout.ItemRole.FieldRole, self.suffixLayout)

        self.sharingLabel = QLabel(CaseForm)
        self.sharingLabel.setObjectName(u"sharingLabel")

        self.fields.setWidget(10, QFormLayout.ItemRole.LabelRole, self.sharingLabel)

        self.sharingList = QListWidget(CaseForm)
        self.sharingList.setObjectName(u"sharingList")
        self.sharingList.setMaximumSize(QSize(16777215, 120))

        self.fields.setWidget(10, QFormLayout.ItemRole.FieldRole, self.sharingList)


        self.formColumn.addLayout(self.fields)

        self.missingLabel = QLabel(CaseForm)
        self.missingLabel.setObjectName(u"missingLabel")
        self.missingLabel.setStyleSheet(u"color: #c92a2a;")
        self.missingLabel.setWordWrap(True)
        self.missingLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.formColumn.addWidget(self.missingLabel)

        self.errorLabel = QLabel(CaseForm)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setStyleSheet(u"color: #c92a2a; font-weight: 600;")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setTextFormat(Qt.TextFormat.PlainText)

        self.formColumn.addWidget(self.errorLabel)

        self.buttonBox = QDialogButtonBox(CaseForm)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.StandardButton.Cancel)

        self.formColumn.addWidget(self.buttonBox)


        self.outerLayout.addLayout(self.formColumn)

        self.mapColumn = QVBoxLayout()
        self.mapColumn.setObjectName(u"mapColumn")
        self.pickButtons = QHBoxLayout()
        self.pickButtons.setObjectName(u"pickButtons")
        self.pickButton = QPushButton(CaseForm)
        self.pickButton.setObjectName(u"pickButton")

        self.pickButtons.addWidget(self.pickButton)

        self.finishAreaButton = QPushButton(CaseForm)
        self.finishAreaButton.setObjectName(u"finishAreaButton")

        self.pickButtons.addWidget(self.finishAreaButton)

        self.cancelPickButton = QPushButton(CaseForm)
        self.cancelPickButton.setObjectName(u"cancelPickButton")

        self.pickButtons.addWidget(self.cancelPickButton)

        self.pickSpacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.pickButtons.addItem(self.pickSpacer)


        self.mapColumn.addLayout(self.pickButtons)

        self.mapHost = QWidget(CaseForm)
        self.mapHost.setObjectName(u"mapHost")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        sizePolicy.setHorizontalStretch(3)
        sizePolicy.setVerticalStretch(1)
        sizePolicy.setHeightForWidth(self.mapHost.sizePolicy().hasHeightForWidth())
        self.mapHost.setSizePolicy(sizePolicy)
        self.mapHost.setMinimumSize(QSize(420, 360))
        self.mapHostLayout = QVBoxLayout(self.mapHost)
        self.mapHostLayout.setObjectName(u"mapHostLayout")
        self.mapHostLayout.setContentsMargins(0, 0, 0, 0)

        self.mapColumn.addWidget(self.mapHost)


        self.outerLayout.addLayout(self.mapColumn)

#if QT_CONFIG(shortcut)
        self.categoryLabel.setBuddy(self.categoryCombo)
        self.organisationLabel.setBuddy(self.organisationCombo)
        self.typeLabel.setBuddy(self.typeCombo)
        self.occurredLabel.setBuddy(self.occurredEdit)
        self.phaseLabel.setBuddy(self.phaseCombo)
        self.astridLabel.setBuddy(self.astridEdit)
        self.descriptionLabel.setBuddy(self.descriptionEdit)
        self.suffixLabel.setBuddy(self.suffixEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.categoryCombo, self.publicRadio)
        QWidget.setTabOrder(self.publicRadio, self.privateRadio)
        QWidget.setTabOrder(self.privateRadio, self.organisationCombo)
        QWidget.setTabOrder(self.organisationCombo, self.locationNameEdit)
        QWidget.setTabOrder(self.locationNameEdit, self.typeCombo)
        QWidget.setTabOrder(self.typeCombo, self.occurredEdit)
        QWidget.setTabOrder(self.occurredEdit, self.phaseCombo)
        QWidget.setTabOrder(self.phaseCombo, self.astridEdit)
        QWidget.setTabOrder(self.astridEdit, self.descriptionEdit)
        QWidget.setTabOrder(self.descriptionEdit, self.suffixEdit)

        self.retranslateUi(CaseForm)

        QMetaObject.connectSlotsByName(CaseForm)
    # setupUi

    def retranslateUi(self, CaseForm):
        CaseForm.setWindowTitle(QCoreApplication.translate("CaseForm", u"Nieuwe case", None))
        self.nameCaption.setText(QCoreApplication.translate("CaseForm", u"Naam van de case (wordt gegenereerd)", None))
        self.categoryLabel.setText(QCoreApplication.translate("CaseForm", u"Categorie *", None))
        self.accessLabel.setText(QCoreApplication.translate("CaseForm", u"Toegang *", None))
        self.publicRadio.setText(QCoreApplication.translate("CaseForm", u"Publiek (gedeeld per grondgebied)", None))
        self.privateRadio.setText(QCoreApplication.translate("CaseForm", u"Priv\u00e9 (alleen uitgenodigden)", None))
        self.organisationLabel.setText(QCoreApplication.translate("CaseForm", u"Organisatie *", None))
        self.locationLabel.setText(QCoreApplication.translate("CaseForm", u"Locatie *", None))
        self.pointRadio.setText(QCoreApplication.translate("CaseForm", u"Punt op kaart", None))
        self.areaRadio.setText(QCoreApplication.translate("CaseForm", u"Gebied op kaart", None))
        self.anchorRadio.setText(QCoreApplication.translate("CaseForm", u"Anker", None))
        self.territoryRadio.setText(QCoreApplication.translate("CaseForm", u"Grondgebied overheid", None))
        self.anchorSearch.setPlaceholderText(QCoreApplication.translate("CaseForm", u"Zoek een anker (naam of soort)\u2026", None))
        self.locationNameEdit.setPlaceholderText(QCoreApplication.translate("CaseForm", u"Naam van de locatie (komt in de casenaam)", None))
        self.typeLabel.setText(QCoreApplication.translate("CaseForm", u"Type *", None))
        self.occurredLabel.setText(QCoreApplication.translate("CaseForm", u"Datum en tijd *", None))
        self.occurredEdit.setDisplayFormat(QCoreApplication.translate("CaseForm", u"dd/MM/yyyy HH:mm", None))
        self.phaseLabel.setText(QCoreApplication.translate("CaseForm", u"Fase", None))
        self.astridLabel.setText(QCoreApplication.translate("CaseForm", u"Blokindex (Astrid)", None))
        self.astridEdit.setPlaceholderText(QCoreApplication.translate("CaseForm", u"bv. BLOK-SCH-07", None))
        self.descriptionLabel.setText(QCoreApplication.translate("CaseForm", u"Beschrijving", None))
        self.suffixLabel.setText(QCoreApplication.translate("CaseForm", u"Naamtoevoeging", None))
        self.suffixEdit.setPlaceholderText(QCoreApplication.translate("CaseForm", u"vrij, max. 50 tekens; herhaal niet wat al in de naam staat", None))
        self.suffixCounter.setText(QCoreApplication.translate("CaseForm", u"0/50", None))
        self.sharingLabel.setText(QCoreApplication.translate("CaseForm", u"Gedeeld met", None))
        self.pickButton.setText(QCoreApplication.translate("CaseForm", u"Aanduiden op kaart", None))
        self.finishAreaButton.setText(QCoreApplication.translate("CaseForm", u"Gebied sluiten", None))
        self.cancelPickButton.setText(QCoreApplication.translate("CaseForm", u"Stop aanduiden", None))
    # retranslateUi

