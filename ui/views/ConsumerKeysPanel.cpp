#include "ConsumerKeysPanel.h"

#include "dialogs/ConfirmAction.h"
#include "dialogs/NewKeyDialog.h"
#include "dialogs/RotateKeyDialog.h"
#include "models/ApiKeyTableModel.h"
#include "views/FieldErrorLabel.h"
#include "views/RowTable.h"

#include "config/ConfigService.h"
#include "config/KeyEdits.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace portico {

namespace {

QToolButton *buttonFor(QAction *action)
{
    auto *button = new QToolButton;
    button->setDefaultAction(action);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    return button;
}

} // namespace

ConsumerKeysPanel::ConsumerKeysPanel(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_model(new ApiKeyTableModel(this))
    , m_view(new QTableView)
    , m_title(new QLabel(tr("API keys")))
    , m_error(new FieldErrorLabel)
    , m_issue(new QAction(portIcon("key"), tr("&Issue key"), this))
    , m_rotate(new QAction(portIcon("rotate"), tr("R&otate…"), this))
    , m_revoke(new QAction(portIcon("revoke"), tr("Re&voke…"), this))
{
    m_model->setLastUsedSource([this](const QString &keyId) {
        return apiKeyLastUsed(m_room.config->store(), m_room.engine, keyId);
    });
    m_issue->setObjectName(QStringLiteral("issueKey"));
    m_issue->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_issue->setToolTip(tr("Issue a new API key for this consumer (Ctrl+K)"));
    m_rotate->setObjectName(QStringLiteral("rotateKey"));
    m_rotate->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
    m_rotate->setToolTip(tr("Replace the selected key with a new one; the old one keeps "
                            "working for a grace period (Ctrl+Shift+K)"));
    m_revoke->setObjectName(QStringLiteral("revokeKey"));
    m_revoke->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Backspace));
    m_revoke->setToolTip(tr("Refuse the selected key from now on (Ctrl+Backspace)"));
    for (QAction *action : {m_issue, m_rotate, m_revoke}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_issue, &QAction::triggered, this, &ConsumerKeysPanel::issueKey);
    connect(m_rotate, &QAction::triggered, this, &ConsumerKeysPanel::askRotate);
    connect(m_revoke, &QAction::triggered, this, &ConsumerKeysPanel::askRevoke);

    m_view->setObjectName(QStringLiteral("keyTable"));
    m_view->setModel(m_model);
    setUpRowTable(m_view);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setStretchLastSection(true);
    // A key's prefix is what users recognise it by: room for it whatever the other columns take.
    header->setSectionResizeMode(ApiKeyTableModel::Prefix, QHeaderView::Interactive);
    m_view->setColumnWidth(ApiKeyTableModel::Prefix, 12 * fontMetrics().horizontalAdvance(u'M'));
    // The id is for the Admin API: in the key's tooltip and its context menu, not a column.
    m_view->hideColumn(ApiKeyTableModel::Id);
    auto *copyId = new QAction(portIcon("copy"), tr("Copy key &id"), m_view);
    copyId->setObjectName(QStringLiteral("copyKeyId"));
    connect(copyId, &QAction::triggered, this, [this] {
        if (const ApiKeyConfig *key = selectedKey())
            QGuiApplication::clipboard()->setText(key->id);
    });
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addAction(m_rotate);
    m_view->addAction(m_revoke);
    m_view->addAction(copyId);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConsumerKeysPanel::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ConsumerKeysPanel::updateActions);

    QFont titleFont = m_title->font();
    titleFont.setWeight(QFont::DemiBold);
    m_title->setFont(titleFont);
    m_error->setObjectName(QStringLiteral("keyError"));

    auto *top = new QHBoxLayout;
    top->addWidget(m_title, 1);
    top->addWidget(buttonFor(m_issue));
    top->addWidget(buttonFor(m_rotate));
    top->addWidget(buttonFor(m_revoke));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_error);
    layout->addWidget(m_view, 1);
    updateActions();
}

void ConsumerKeysPanel::setConsumer(const ConsumerConfig *consumer, qint64 revision)
{
    const QString name = consumer ? consumer->name : QString();
    if (name != m_consumer)
        m_error->setMessage({});
    m_consumer = name;
    m_revision = revision;
    const QString selected = selectedKey() ? selectedKey()->id : QString();
    m_model->setKeys(consumer ? consumer->keys : std::vector<ApiKeyConfig>());
    m_title->setText(consumer ? tr("API keys of %1").arg(consumer->name) : tr("API keys"));
    if (!selected.isEmpty())
        selectKey(selected);
    updateActions();
}

void ConsumerKeysPanel::refreshKeys()
{
    m_model->refresh();
    updateActions();
}

NewKeyDialog *ConsumerKeysPanel::newKeyDialog() const
{
    return m_newKey;
}

RotateKeyDialog *ConsumerKeysPanel::rotateDialog() const
{
    return m_rotateDialog;
}

QMessageBox *ConsumerKeysPanel::confirmation() const
{
    return m_confirm;
}

QString ConsumerKeysPanel::errorText() const
{
    return m_error->text();
}

const ApiKeyConfig *ConsumerKeysPanel::selectedKey() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? nullptr : m_model->keyAt(rows.first().row());
}

void ConsumerKeysPanel::updateActions()
{
    const ApiKeyConfig *key = selectedKey();
    const bool live = key && !key->revoked.isValid();
    m_issue->setEnabled(!m_consumer.isEmpty());
    m_rotate->setEnabled(live);
    m_revoke->setEnabled(live);
}

void ConsumerKeysPanel::selectKey(const QString &keyId)
{
    const int row = m_model->rowOf(keyId);
    if (row < 0)
        return;
    m_view->selectionModel()->select(
        m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->setCurrentIndex(m_model->index(row, 0));
}

bool ConsumerKeysPanel::report(const StoreResult &result)
{
    if (result.ok()) {
        m_error->setMessage({});
        return true;
    }
    if (result.status == StoreResult::Status::Conflict) {
        m_error->setMessage(tr("The configuration was changed elsewhere (now r%1): nothing was "
                               "changed. The keys shown are now up to date; try again.")
                                .arg(result.revision));
        m_revision = m_room.config->revision();
        return false;
    }
    QStringList lines;
    for (const ConfigError &error : result.errors)
        lines.append(error.toString());
    m_error->setMessage(lines.isEmpty() ? tr("The change was not saved.") : lines.join(u'\n'));
    return false;
}

bool ConsumerKeysPanel::issueKey()
{
    if (m_consumer.isEmpty())
        return false;
    const QString consumer = m_consumer;
    const KeyEdit edit = issueKeyEdit(consumer);
    if (!report(m_room.config->edit(ConfigSource::Gui, edit.summary, m_revision, edit.change)))
        return false;
    selectKey(edit.created.key.id);
    showNewKey(edit.created.plaintext, QString());
    return true;
}

bool ConsumerKeysPanel::rotateKey(const QString &keyId, qint64 graceS)
{
    if (m_consumer.isEmpty())
        return false;
    const KeyEdit edit = rotateKeyEdit(m_consumer, keyId, graceS);
    const ApiKeyConfig *old = m_model->keyAt(m_model->rowOf(keyId));
    const QString oldPrefix = old ? old->prefix : keyId;
    if (!report(m_room.config->edit(ConfigSource::Gui, edit.summary, m_revision, edit.change)))
        return false;
    selectKey(edit.created.key.id);
    const QDateTime until = *edit.replacedExpires;
    const QString note = until <= QDateTime::currentDateTimeUtc()
        ? tr("The old key %1… no longer works.").arg(oldPrefix)
        : tr("The old key %1… keeps working until %2.")
              .arg(oldPrefix, QLocale().toString(until.toLocalTime(), QLocale::ShortFormat));
    showNewKey(edit.created.plaintext, note);
    return true;
}

bool ConsumerKeysPanel::revokeKey(const QString &keyId)
{
    if (m_consumer.isEmpty())
        return false;
    const KeyEdit edit = revokeKeyEdit(m_consumer, keyId);
    return report(m_room.config->edit(ConfigSource::Gui, edit.summary, m_revision, edit.change));
}

void ConsumerKeysPanel::showNewKey(const QString &plaintext, const QString &note)
{
    if (m_newKey)
        m_newKey->close();
    m_newKey = new NewKeyDialog(m_consumer, plaintext, note, this);
    m_newKey->setAttribute(Qt::WA_DeleteOnClose);
    m_newKey->open();
}

void ConsumerKeysPanel::askRotate()
{
    const ApiKeyConfig *key = selectedKey();
    if (!key)
        return;
    const QString id = key->id;
    m_rotateDialog = new RotateKeyDialog(m_consumer, key->prefix, this);
    m_rotateDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_rotateDialog, &QDialog::accepted, this,
            [this, id, dialog = m_rotateDialog.data()] { rotateKey(id, dialog->graceSeconds()); });
    m_rotateDialog->open();
}

void ConsumerKeysPanel::askRevoke()
{
    const ApiKeyConfig *key = selectedKey();
    if (!key)
        return;
    const QString id = key->id;
    m_confirm = askToConfirm(this,
                             {tr("Revoke key"), tr("Revoke key %1… of %2?").arg(key->prefix,
                                                                               m_consumer),
                              tr("Requests with this key are refused (401) from now on. "
                                 "Clients still using it need a new key."),
                              tr("Revoke"), QStringLiteral("confirmRevoke")},
                             [this, id] { revokeKey(id); });
}

} // namespace portico
