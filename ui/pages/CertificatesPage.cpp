#include "CertificatesPage.h"

#include "CertificateEdits.h"
#include "dialogs/CertificateHostsDialog.h"
#include "dialogs/ConfirmAction.h"
#include "dialogs/ImportCertificateDialog.h"
#include "dialogs/LocalCaCertificateDialog.h"
#include "dialogs/NotAppliedNotice.h"
#include "dialogs/TrustInstructionsDialog.h"
#include "models/CertificateTableModel.h"
#include "views/CertificateDetails.h"
#include "views/EmptyState.h"
#include "views/FieldErrorLabel.h"
#include "views/HttpsListenerPanel.h"
#include "views/PageHeader.h"
#include "views/RowTable.h"
#include "views/WarningBanner.h"

#include "certs/LocalCa.h"
#include "config/ConfigService.h"

#include <QAction>
#include <QClipboard>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace portico {

CertificatesPage::CertificatesPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_model(new CertificateTableModel(this))
    , m_view(new QTableView)
    , m_stack(new QStackedWidget)
    , m_banner(new WarningBanner(QStringLiteral("certificateWarnings")))
    , m_message(new FieldErrorLabel(QStringLiteral("certificatesMessage")))
    , m_details(new CertificateDetails)
    , m_https(new HttpsListenerPanel(room))
{
    const int em = fontMetrics().horizontalAdvance(u'M');
    m_view->setObjectName(QStringLiteral("certificateTable"));
    m_view->setModel(m_model);
    setUpRowTable(m_view);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    QHeaderView *header = m_view->horizontalHeader();
    // Issuer, expiry and status are short and read whole; the served names take the rest.
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(CertificateTableModel::ServedNames, QHeaderView::Stretch);
    header->setMinimumSectionSize(8 * em);

    m_import = makeAction("import", tr("&Import PEM…"), QStringLiteral("importCertificate"),
                          QKeySequence(Qt::CTRL | Qt::Key_O), this);
    m_create = makeAction("add", tr("&Create from local CA…"), QStringLiteral("createCertificate"),
                          QKeySequence(Qt::CTRL | Qt::Key_N), this);
    m_editHosts = makeAction("edit", tr("Edit &hosts…"), QStringLiteral("editCertificateHosts"),
                             QKeySequence(Qt::Key_Return), m_view);
    m_editHosts->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    m_makeDefault =
        makeAction("star", tr("Make &default"), QStringLiteral("makeDefaultCertificate"),
                   QKeySequence(Qt::CTRL | Qt::Key_D), this);
    m_delete = makeAction("delete", tr("De&lete"), QStringLiteral("deleteCertificate"),
                          QKeySequence::Delete, m_view);
    m_exportCa =
        makeAction("export", tr("&Export CA certificate…"), QStringLiteral("exportCaCertificate"),
                   QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E), this);
    m_copyPem = makeAction("copy", tr("&Copy certificate PEM"),
                           QStringLiteral("copyCertificatePem"), QKeySequence::Copy, m_view);
    connect(m_import, &QAction::triggered, this, &CertificatesPage::importPem);
    connect(m_create, &QAction::triggered, this, &CertificatesPage::createFromLocalCa);
    connect(m_editHosts, &QAction::triggered, this, &CertificatesPage::editHosts);
    connect(m_makeDefault, &QAction::triggered, this, &CertificatesPage::makeDefault);
    connect(m_delete, &QAction::triggered, this, &CertificatesPage::deleteCertificate);
    connect(m_exportCa, &QAction::triggered, this,
            qOverload<>(&CertificatesPage::exportCaCertificate));
    connect(m_copyPem, &QAction::triggered, this, &CertificatesPage::copyCertificatePem);

    auto *pageHeader = new PageHeader(
        tr("Certificates"),
        tr("Served over HTTPS by the name a client asks for; the first is the default."));
    for (QAction *action : {m_import, m_create, m_editHosts, m_makeDefault, m_delete, m_exportCa})
        pageHeader->addAction(action);

    auto *empty = new EmptyState("certificates");
    empty->setObjectName(QStringLiteral("certificatesEmpty"));
    empty->setText(tr("No certificates yet"),
                   tr("Import a certificate and its key from PEM files, or create one for "
                      "localhost from Portico's local development CA, then give the HTTPS "
                      "listener an address below."));
    connect(empty->addButton(tr("Import PEM…"), QStringLiteral("emptyImportCertificate")),
            &QPushButton::clicked, m_import, &QAction::trigger);
    connect(empty->addButton(tr("Create from local CA…"), QStringLiteral("emptyCreateCertificate")),
            &QPushButton::clicked, m_create, &QAction::trigger);
    m_stack->addWidget(m_view);
    m_stack->addWidget(empty);

    auto *bottom = new QWidget;
    auto *bottomLayout = new QHBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addWidget(m_details, 1);
    bottomLayout->addWidget(m_https, 1);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_stack);
    split->addWidget(bottom);
    // The boxes below take what they need; the table the rest.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 0);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(pageHeader);
    layout->addWidget(m_banner);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_view, &QTableView::doubleClicked, this, &CertificatesPage::editHosts);
    connect(m_view, &QWidget::customContextMenuRequested, this, &CertificatesPage::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CertificatesPage::updateActions);
    connect(m_room.config, &ConfigService::configChanged, this, &CertificatesPage::reload);
    reload();
}

QAction *CertificatesPage::makeAction(const char *icon, const QString &text,
                                      const QString &objectName, const QKeySequence &shortcut,
                                      QWidget *scope)
{
    return pageAction(this, icon, text, objectName, shortcut, scope);
}

void CertificatesPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    reload(); // "in N days" and the states move with the calendar
}

void CertificatesPage::reload()
{
    const QString selected = selectedName();
    m_revision = m_room.config->revision();
    const Config &config = m_room.config->config();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_model->setConfig(config, now);
    m_banner->setWarnings(certificateWarnings(config, now));
    m_stack->setCurrentIndex(m_model->rowCount() == 0 ? 1 : 0);
    if (!selectCertificate(selected) && m_model->rowCount() > 0)
        m_view->selectRow(0);
    updateActions();
}

QString CertificatesPage::warningsText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

QMessageBox *CertificatesPage::confirmation() const
{
    return m_confirm;
}

QString CertificatesPage::messageText() const
{
    return m_message->text();
}

bool CertificatesPage::selectCertificate(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return false;
    m_view->selectionModel()->setCurrentIndex(
        m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(m_model->index(row, 0));
    return true;
}

QString CertificatesPage::selectedName() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    const CertificateConfig *certificate =
        rows.isEmpty() ? nullptr : m_model->certificateAt(rows.front().row());
    return certificate ? certificate->name : QString();
}

void CertificatesPage::updateActions()
{
    const int row = m_model->rowOf(selectedName());
    const bool selected = row >= 0;
    m_editHosts->setEnabled(selected);
    m_makeDefault->setEnabled(row > 0); // the first one is the default already
    m_delete->setEnabled(selected);
    m_copyPem->setEnabled(selected);
    m_details->setCertificate(m_model->certificateAt(row), m_model->statusAt(row));
}

void CertificatesPage::showContextMenu(const QPoint &pos)
{
    QMenu menu(this);
    menu.addAction(m_editHosts);
    menu.addAction(m_makeDefault);
    menu.addAction(m_copyPem);
    menu.addAction(m_delete);
    menu.addSeparator();
    menu.addAction(m_import);
    menu.addAction(m_create);
    menu.addAction(m_exportCa);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

bool CertificatesPage::report(const StoreResult &result)
{
    if (result.ok()) {
        m_message->setMessage(QString());
        return true;
    }
    m_message->setMessage(pageActionNotice(result, tr("page")));
    reload();
    return false;
}

template<typename Dialog>
void CertificatesPage::storeFrom(Dialog *dialog, const QString &how)
{
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &Dialog::applyRequested, this,
            [this, dialog, how](const CertificateConfig &certificate) {
                const StoreResult result =
                    putCertificate(*m_room.config, m_revision, certificate, how);
                if (!result.ok()) {
                    dialog->showResult(result);
                    return;
                }
                m_message->setMessage(QString());
                selectCertificate(certificate.name);
                dialog->accept();
            });
    dialog->open();
}

ImportCertificateDialog *CertificatesPage::importPem()
{
    auto *dialog = new ImportCertificateDialog(m_room.config->config(), this);
    storeFrom(dialog, tr("imported"));
    return dialog;
}

LocalCaCertificateDialog *CertificatesPage::createFromLocalCa()
{
    auto *dialog = new LocalCaCertificateDialog(m_room.config->config(), this);
    storeFrom(dialog, tr("issued by the local CA"));
    return dialog;
}

CertificateHostsDialog *CertificatesPage::editHosts()
{
    const CertificateConfig *certificate = m_model->certificateAt(m_model->rowOf(selectedName()));
    if (!certificate)
        return nullptr;
    auto *dialog = new CertificateHostsDialog(m_room.config->config(), *certificate, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &CertificateHostsDialog::applyRequested, this, [this, dialog] {
        const StoreResult result = setCertificateHosts(*m_room.config, m_revision,
                                                       dialog->certificateName(), dialog->hosts());
        if (!result.ok() && result.status != StoreResult::Status::Unchanged) {
            dialog->showResult(result);
            return;
        }
        m_message->setMessage(QString());
        dialog->accept();
    });
    dialog->open();
    return dialog;
}

bool CertificatesPage::makeDefault()
{
    const QString name = selectedName();
    if (name.isEmpty() || m_model->rowOf(name) == 0)
        return false;
    const bool stored = report(makeDefaultCertificate(*m_room.config, m_revision, name));
    selectCertificate(name);
    return stored;
}

void CertificatesPage::deleteCertificate()
{
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    const bool isDefault = m_model->rowOf(name) == 0;
    const CertificateConfig *next = isDefault ? m_model->certificateAt(1) : nullptr;
    const QString listenTls = m_room.config->config().settings.listenTls;
    const QString consequence = m_model->rowCount() == 1 && !listenTls.isEmpty()
        ? tr("It is the only certificate the HTTPS listener (%1) has: the change is refused "
             "until its address is cleared below.")
              .arg(listenTls)
        : next ? tr("It is the default certificate: %1 becomes the default. Undo (Ctrl+Z) "
                    "brings it back.")
                     .arg(next->name)
               : tr("Clients asking for its names get the default certificate instead. Undo "
                    "(Ctrl+Z) brings it back.");
    m_confirm = askToConfirm(this,
                             {tr("Delete certificate"),
                              tr("Delete the certificate \u201c%1\u201d and its key?").arg(name),
                              consequence, tr("Delete"), QStringLiteral("confirmDelete")},
                             [this, name] { removeCertificate(name); });
}

bool CertificatesPage::removeCertificate(const QString &name)
{
    return report(portico::removeCertificate(*m_room.config, m_revision, name));
}

void CertificatesPage::exportCaCertificate()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the local CA's certificate"),
                                                      QStringLiteral("portico-ca.pem"),
                                                      tr("PEM certificate (*.pem *.crt)"));
    if (!path.isEmpty())
        exportCaCertificateTo(path);
}

TrustInstructionsDialog *CertificatesPage::exportCaCertificateTo(const QString &path)
{
    QString error;
    const std::optional<LocalCa> ca = LocalCa::loadOrCreate(LocalCa::defaultDirectory(), &error);
    QSaveFile file(path);
    if (ca) {
        const QByteArray pem = ca->certificatePem();
        if (!file.open(QIODevice::WriteOnly) || file.write(pem) != pem.size() || !file.commit())
            error = tr("Cannot write %1: %2").arg(path, file.errorString());
    }
    if (!ca || !error.isEmpty()) {
        m_message->setMessage(error);
        return nullptr;
    }
    m_message->setMessage(QString());
    auto *dialog = new TrustInstructionsDialog(QFileInfo(path).absoluteFilePath(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

void CertificatesPage::copyCertificatePem()
{
    // The chain only: the key stays in the store.
    if (const CertificateConfig *c = m_model->certificateAt(m_model->rowOf(selectedName())))
        QGuiApplication::clipboard()->setText(c->certificate);
}

} // namespace portico
