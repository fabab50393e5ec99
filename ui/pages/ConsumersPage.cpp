#include "ConsumersPage.h"

#include "dialogs/ConfirmAction.h"
#include "dialogs/ConsumerDialog.h"
#include "models/ConsumerTableModel.h"
#include "views/ConsumerKeysPanel.h"
#include "views/EmptyState.h"
#include "views/FieldErrorLabel.h"
#include "views/PageHeader.h"
#include "views/QuotaPanel.h"
#include "views/RowTable.h"

#include "config/ConfigService.h"
#include "net/GatewayEngine.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace portico {

ConsumersPage::ConsumersPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_model(new ConsumerTableModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView)
    , m_filter(new QLineEdit)
    , m_filterDelay(new QTimer(this))
    , m_tableStack(new QStackedWidget)
    , m_noMatch(new QLabel)
    , m_detailStack(new QStackedWidget)
    , m_detailTitle(new QLabel)
    , m_keys(new ConsumerKeysPanel(room))
    , m_quotas(new QuotaPanel(room))
    , m_message(new FieldErrorLabel)
    , m_add(new QAction(portIcon("add"), tr("&New consumer"), this))
    , m_edit(new QAction(portIcon("edit"), tr("&Edit…"), this))
    , m_delete(new QAction(portIcon("delete"), tr("&Delete…"), this))
    , m_tick(new QTimer(this))
{
    m_add->setObjectName(QStringLiteral("addConsumer"));
    m_add->setShortcut(QKeySequence::New);
    m_add->setToolTip(
        tr("Create a consumer (%1)").arg(m_add->shortcut().toString(QKeySequence::NativeText)));
    m_edit->setObjectName(QStringLiteral("editConsumer"));
    m_edit->setShortcut(QKeySequence(Qt::Key_F2));
    m_edit->setToolTip(tr("Edit the selected consumer (F2 or double-click)"));
    m_delete->setObjectName(QStringLiteral("deleteConsumer"));
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setToolTip(tr("Delete the selected consumer and its keys (Del)"));
    for (QAction *action : {m_add, m_edit, m_delete}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_add, &QAction::triggered, this, &ConsumersPage::addConsumer);
    connect(m_edit, &QAction::triggered, this, &ConsumersPage::editConsumer);
    connect(m_delete, &QAction::triggered, this, &ConsumersPage::deleteConsumer);

    m_filter->setObjectName(QStringLiteral("consumerFilter"));
    m_filter->setPlaceholderText(tr("Filter by name, plan, group…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(240);
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(find);
    connect(find, &QAction::triggered, m_filter, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });
    // Filtering 100,000 rows on every key press would make typing stutter.
    m_filterDelay->setSingleShot(true);
    m_filterDelay->setInterval(150);
    connect(m_filter, &QLineEdit::textChanged, m_filterDelay, qOverload<>(&QTimer::start));
    connect(m_filterDelay, &QTimer::timeout, this, &ConsumersPage::applyFilter);

    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(ConsumerTableModel::FilterRole);
    m_proxy->setFilterKeyColumn(ConsumerTableModel::Name);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(ConsumerTableModel::SortRole);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_view->setObjectName(QStringLiteral("consumerTable"));
    m_view->setModel(m_proxy);
    setUpRowTable(m_view);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(ConsumerTableModel::Name, Qt::AscendingOrder);
    // Fixed widths: sizing to contents would measure rows, of which there may be 100,000.
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    const int em = m_view->fontMetrics().horizontalAdvance(u'M');
    const QFontMetrics headerMetrics(header->font());
    const std::pair<int, int> widths[] = {{ConsumerTableModel::Name, 16},
                                          {ConsumerTableModel::Plan, 9},
                                          {ConsumerTableModel::ActiveKeys, 6},
                                          {ConsumerTableModel::RequestsPerSecond, 6},
                                          {ConsumerTableModel::RateLimited, 5}};
    for (const auto &[column, ems] : widths) {
        const QString title = m_model->headerData(column, Qt::Horizontal).toString();
        // Room for the title and the sort arrow, whatever the font.
        header->resizeSection(column,
                              qMax(ems * em, headerMetrics.horizontalAdvance(title) + 2 * em));
    }
    header->setSectionResizeMode(ConsumerTableModel::Groups, QHeaderView::Stretch);
    connect(m_view, &QTableView::activated, this, &ConsumersPage::editConsumer);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ConsumersPage::selectionChanged);

    m_noMatch->setObjectName(QStringLiteral("consumersNoMatch"));
    m_noMatch->setAlignment(Qt::AlignCenter);
    m_noMatch->setWordWrap(true);
    m_noMatch->setForegroundRole(QPalette::PlaceholderText);
    m_tableStack->addWidget(m_view);
    auto *empty = new EmptyState("consumers");
    empty->setObjectName(QStringLiteral("consumersEmpty"));
    empty->setText(tr("No consumers yet"),
                   tr("Consumers are the apps and people that call your API. Create one, issue "
                      "it an API key, and put it on a plan to give it quotas."));
    connect(empty->addButton(m_add->text().remove(u'&'), QStringLiteral("emptyAddConsumer")),
            &QPushButton::clicked, m_add, &QAction::trigger);
    m_tableStack->addWidget(empty);
    m_tableStack->addWidget(m_noMatch);

    m_detailTitle->setObjectName(QStringLiteral("consumerTitle"));
    m_detailTitle->setTextFormat(Qt::RichText);
    auto *quotaBox = new QWidget;
    auto *quotaLayout = new QVBoxLayout(quotaBox);
    quotaLayout->setContentsMargins(0, 0, 0, 0);
    auto *quotaTitle = sectionTitle(tr("Quota use (live)"));
    quotaTitle->setMinimumHeight(QToolButton().sizeHint().height()); // level with key buttons
    quotaLayout->addWidget(quotaTitle);
    quotaLayout->addWidget(m_quotas, 1);
    auto *detailSplit = new QSplitter(Qt::Horizontal);
    detailSplit->setChildrenCollapsible(false);
    detailSplit->addWidget(m_keys);
    detailSplit->addWidget(quotaBox);
    detailSplit->setStretchFactor(0, 1);
    detailSplit->setStretchFactor(1, 1);
    auto *details = new QWidget;
    auto *detailLayout = new QVBoxLayout(details);
    detailLayout->setContentsMargins(0, 6, 0, 0);
    detailLayout->addWidget(m_detailTitle);
    detailLayout->addWidget(detailSplit, 1);
    auto *noSelection = new QLabel(tr("Select a consumer to see its API keys and quota use."));
    noSelection->setAlignment(Qt::AlignCenter);
    noSelection->setForegroundRole(QPalette::PlaceholderText);
    m_detailStack->addWidget(noSelection);
    m_detailStack->addWidget(details);

    auto *split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(m_tableStack);
    split->addWidget(m_detailStack);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *pageHeader = new PageHeader(
        tr("Consumers"), tr("Who calls your API: their API keys, plans and live quota use."));
    pageHeader->addWidget(m_filter);
    pageHeader->addAction(m_add);
    pageHeader->addAction(m_edit);
    pageHeader->addAction(m_delete);
    m_message->setObjectName(QStringLiteral("consumersMessage"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(pageHeader);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    // Key states and last use move on without a configuration change.
    m_tick->setInterval(2000);
    connect(m_tick, &QTimer::timeout, m_keys, &ConsumerKeysPanel::refreshKeys);
    connect(m_room.config, &ConfigService::configChanged, this, &ConsumersPage::reload);
    connect(m_room.engine, &GatewayEngine::trafficUpdated, m_model, &ConsumerTableModel::setTraffic,
            Qt::QueuedConnection);
    reload();
}

void ConsumersPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_quotas->setActive(true);
    m_tick->start();
}

void ConsumersPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_quotas->setActive(false);
    m_tick->stop();
}

ConsumerDialog *ConsumersPage::consumerDialog() const
{
    return m_dialog;
}

QMessageBox *ConsumersPage::confirmation() const
{
    return m_confirm;
}

QString ConsumersPage::messageText() const
{
    return m_message->text();
}

void ConsumersPage::reload()
{
    const bool first = m_revision == 0;
    const QString selected = selectedName();
    m_revision = m_room.config->revision();
    m_model->setConsumers(m_room.config->config().consumers);
    updateEmptyState();
    if (!selected.isEmpty()) {
        const QModelIndex at = m_proxy->mapFromSource(m_model->index(m_model->rowOf(selected), 0));
        if (at.isValid()) {
            m_view->selectionModel()->select(
                at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_view->setCurrentIndex(at);
        }
    } else if (first && m_proxy->rowCount() > 0) {
        m_view->selectRow(0); // details to look at from the start, not an empty panel
    }
    selectionChanged();
}

void ConsumersPage::applyFilter()
{
    m_filterDelay->stop();
    m_proxy->setFilterFixedString(m_filter->text().trimmed());
    updateEmptyState();
    selectionChanged();
}

void ConsumersPage::setFilterText(const QString &text)
{
    m_filter->setText(text);
    applyFilter();
}

void ConsumersPage::updateEmptyState()
{
    if (m_model->rowCount() == 0) {
        m_tableStack->setCurrentIndex(1);
    } else if (m_proxy->rowCount() == 0) {
        m_noMatch->setText(tr("No consumer matches “%1”.").arg(m_filter->text().trimmed()));
        m_tableStack->setCurrentWidget(m_noMatch);
    } else {
        m_tableStack->setCurrentWidget(m_view);
    }
}

const ConsumerConfig *ConsumersPage::selectedConsumer() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return nullptr;
    return m_model->consumerAt(m_proxy->mapToSource(rows.first()).row());
}

QString ConsumersPage::selectedName() const
{
    const ConsumerConfig *c = selectedConsumer();
    return c ? c->name : QString();
}

bool ConsumersPage::selectConsumer(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return false;
    QModelIndex at = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!at.isValid()) {
        setFilterText(QString());
        at = m_proxy->mapFromSource(m_model->index(row, 0));
    }
    m_view->selectionModel()->select(
        at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->setCurrentIndex(at);
    m_view->scrollTo(at);
    return true;
}

void ConsumersPage::selectionChanged()
{
    const ConsumerConfig *c = selectedConsumer();
    m_edit->setEnabled(c != nullptr);
    m_delete->setEnabled(c != nullptr);
    m_keys->setConsumer(c, m_revision);
    if (!c) {
        m_quotas->setConsumer({}, {});
        m_detailStack->setCurrentIndex(0);
        return;
    }
    QStringList facts;
    facts.append(c->plan.isEmpty() ? tr("no plan") : tr("plan %1").arg(c->plan.toHtmlEscaped()));
    if (!c->customId.isEmpty())
        facts.append(tr("custom id %1").arg(c->customId.toHtmlEscaped()));
    if (!c->groups.isEmpty())
        facts.append(tr("groups %1").arg(c->groups.join(QStringLiteral(", ")).toHtmlEscaped()));
    m_detailTitle->setText(QStringLiteral("<span style=\"font-size:large; font-weight:600\">%1"
                                          "</span>&nbsp;&nbsp;%2")
                               .arg(c->name.toHtmlEscaped(), facts.join(QStringLiteral(" · "))));
    m_quotas->setConsumer(c->name, c->plan);
    m_detailStack->setCurrentIndex(1);
}

void ConsumersPage::addConsumer()
{
    if (m_dialog)
        return;
    m_dialogRevision = m_room.config->revision();
    m_dialog = new ConsumerDialog(m_room.config->config(), nullptr, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &ConsumerDialog::applyRequested, this, &ConsumersPage::applyDialog);
    m_dialog->open();
}

void ConsumersPage::editConsumer()
{
    const ConsumerConfig *c = selectedConsumer();
    if (!c || m_dialog)
        return;
    m_dialogRevision = m_revision;
    m_dialog = new ConsumerDialog(m_room.config->config(), c, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &ConsumerDialog::applyRequested, this, &ConsumersPage::applyDialog);
    m_dialog->open();
}

void ConsumersPage::applyDialog()
{
    if (!m_dialog)
        return;
    ConsumerConfig next = m_dialog->consumer();
    const QString original = m_dialog->originalName();
    const bool isNew = m_dialog->isNew();
    const QString summary = isNew ? QStringLiteral("consumer \"%1\" added").arg(next.name)
        : original == next.name
        ? QStringLiteral("consumer \"%1\" updated").arg(next.name)
        : QStringLiteral("consumer \"%1\" renamed to \"%2\"").arg(original, next.name);
    const StoreResult result =
        m_room.config->edit(ConfigSource::Gui, summary, m_dialogRevision, [&](Config &config) {
            if (isNew) {
                next.keys.clear();
                config.consumers.append(next);
                return EditOutcome{};
            }
            const auto &consumers = std::as_const(config.consumers);
            for (qsizetype i = 0; i < consumers.size(); ++i) {
                if (consumers[i].name == original) {
                    next.keys = consumers[i].keys; // keys change only through their actions
                    config.consumers[i] = next;
                    return EditOutcome{};
                }
            }
            return EditOutcome{StoreResult::Status::NotFound,
                               {{QString(),
                                 tr("Consumer \"%1\" no longer exists (deleted "
                                    "elsewhere).")
                                     .arg(original)}},
                               {}};
        });
    if (!result.ok()) {
        if (result.status == StoreResult::Status::Conflict)
            m_dialogRevision = m_room.config->revision(); // seen: applying again overrides
        m_dialog->showResult(result);
        return;
    }
    m_dialog->accept();
    selectConsumer(next.name);
}

void ConsumersPage::deleteConsumer()
{
    const ConsumerConfig *c = selectedConsumer();
    if (!c)
        return;
    const QString name = c->name;
    const int keys = int(c->keys.size());
    m_confirm = askToConfirm(
        this,
        {tr("Delete consumer"), tr("Delete consumer %1?").arg(name),
         keys == 0   ? tr("It has no API keys. Edit ▸ Undo brings it back.")
         : keys == 1 ? tr("Its API key stops working at once. Edit ▸ Undo brings it back.")
                     : tr("Its %1 API keys stop working at once. Edit ▸ Undo brings it back.")
                           .arg(keys),
         tr("Delete"), QStringLiteral("confirmDeleteConsumer")},
        [this, name] { removeConsumer(name); });
}

bool ConsumersPage::removeConsumer(const QString &name)
{
    const StoreResult result = m_room.config->edit(
        ConfigSource::Gui, QStringLiteral("consumer \"%1\" deleted").arg(name), m_revision,
        [&](Config &config) {
            const auto &consumers = std::as_const(config.consumers);
            for (qsizetype i = 0; i < consumers.size(); ++i) {
                if (consumers[i].name == name) {
                    config.consumers.removeAt(i);
                    return EditOutcome{};
                }
            }
            return EditOutcome{StoreResult::Status::NotFound,
                               {{QString(), tr("Consumer \"%1\" no longer exists.").arg(name)}},
                               {}};
        });
    if (result.ok()) {
        m_message->setMessage({});
        return true;
    }
    if (result.status == StoreResult::Status::Conflict) {
        m_message->setMessage(tr("The configuration was changed elsewhere (now r%1): %2 was not "
                                 "deleted. The list is up to date now; try again.")
                                  .arg(result.revision)
                                  .arg(name));
        return false;
    }
    QStringList lines;
    for (const ConfigError &error : result.errors)
        lines.append(error.toString());
    m_message->setMessage(lines.join(u'\n'));
    return false;
}

} // namespace portico
