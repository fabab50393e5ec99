#include "PlansPage.h"

#include "dialogs/ConfirmAction.h"
#include "models/PlanTableModel.h"
#include "views/EmptyState.h"
#include "views/FieldErrorLabel.h"
#include "views/PageHeader.h"
#include "views/PlanEditor.h"
#include "views/RowTable.h"

#include "config/ConfigService.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QStackedWidget>
#include <QStringListModel>
#include <QTableView>
#include <QVBoxLayout>

namespace portico {

PlansPage::PlansPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_model(new PlanTableModel(this))
    , m_view(new QTableView)
    , m_tableStack(new QStackedWidget)
    , m_editor(new PlanEditor)
    , m_consumers(new QStringListModel(this))
    , m_consumerList(new QListView)
    , m_consumersTitle(sectionTitle(tr("Consumers on this plan")))
    , m_message(new FieldErrorLabel)
    , m_add(new QAction(portIcon("add"), tr("&New plan"), this))
    , m_delete(new QAction(portIcon("delete"), tr("&Delete…"), this))
{
    m_add->setObjectName(QStringLiteral("addPlan"));
    m_add->setShortcut(QKeySequence::New);
    m_add->setToolTip(
        tr("Create a plan (%1)").arg(m_add->shortcut().toString(QKeySequence::NativeText)));
    m_delete->setObjectName(QStringLiteral("deletePlan"));
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setToolTip(tr("Delete the selected plan (Del)"));
    for (QAction *action : {m_add, m_delete}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_add, &QAction::triggered, this, &PlansPage::addPlan);
    connect(m_delete, &QAction::triggered, this, &PlansPage::deletePlan);

    m_view->setObjectName(QStringLiteral("planTable"));
    m_view->setModel(m_model);
    setUpRowTable(m_view);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(PlanTableModel::Name, QHeaderView::Stretch);
    header->setMinimumSectionSize(64);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &PlansPage::selectionChanged);
    m_tableStack->addWidget(m_view);
    auto *empty = new EmptyState("plans");
    empty->setObjectName(QStringLiteral("plansEmpty"));
    empty->setText(tr("No plans yet"),
                   tr("A plan gives the consumers on it request limits per second, minute, hour, "
                      "day and month, on every route with authentication."));
    connect(empty->addButton(m_add->text().remove(u'&'), QStringLiteral("emptyAddPlan")),
            &QPushButton::clicked, m_add, &QAction::trigger);
    m_tableStack->addWidget(empty);

    m_editor->setObjectName(QStringLiteral("planEditor"));
    connect(m_editor, &PlanEditor::applyRequested, this, &PlansPage::applyEditor);
    m_consumersTitle->setObjectName(QStringLiteral("planConsumersTitle"));
    m_consumerList->setObjectName(QStringLiteral("planConsumers"));
    m_consumerList->setModel(m_consumers);
    m_consumerList->setUniformItemSizes(true); // a plan may cover 100,000 consumers
    m_consumerList->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_consumerList->setAlternatingRowColors(true);

    auto *side = new QWidget;
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(8, 0, 0, 0);
    sideLayout->addWidget(m_editor);
    sideLayout->addSpacing(12);
    sideLayout->addWidget(m_consumersTitle);
    sideLayout->addWidget(m_consumerList, 1);

    auto *split = new QSplitter(Qt::Horizontal);
    split->setChildrenCollapsible(false);
    split->addWidget(m_tableStack);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *pageHeader =
        new PageHeader(tr("Plans"), tr("Request limits shared by every consumer on a plan."));
    pageHeader->addAction(m_add);
    pageHeader->addAction(m_delete);
    m_message->setObjectName(QStringLiteral("plansMessage"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(pageHeader);
    layout->addWidget(m_message);
    layout->addWidget(split, 1);

    connect(m_room.config, &ConfigService::configChanged, this, &PlansPage::reload);
    reload();
}

QMessageBox *PlansPage::confirmation() const
{
    return m_confirm;
}

QString PlansPage::messageText() const
{
    return m_message->text();
}

void PlansPage::reload()
{
    const bool first = m_revision == 0;
    const QString selected = selectedName();
    m_revision = m_room.config->revision();
    m_model->setConfig(m_room.config->config());
    m_tableStack->setCurrentIndex(m_model->rowCount() == 0 ? 1 : 0);
    if (first && m_model->rowCount() > 0) {
        m_view->selectRow(0); // the editor shows a plan from the start
        return;
    }
    const int row = m_model->rowOf(selected);
    if (row >= 0 && selectedName() != selected) {
        m_view->selectRow(row);
        return; // selectionChanged() follows
    }
    // Unsaved edits stay: applying them later gives a conflict instead of losing either change.
    if (!m_editor->isModified() || !m_editor->isEnabled())
        selectionChanged();
    else
        showConsumers(selectedName());
}

QString PlansPage::selectedName() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    const PlanConfig *plan = rows.isEmpty() ? nullptr : m_model->planAt(rows.first().row());
    return plan ? plan->name : QString();
}

bool PlansPage::selectPlan(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return false;
    if (selectedName() == name)
        selectionChanged();
    else
        m_view->selectRow(row);
    return true;
}

QStringList PlansPage::planNamesExcept(const QString &name) const
{
    QStringList names;
    for (const PlanConfig &plan : m_room.config->config().plans) {
        if (plan.name != name)
            names.append(plan.name);
    }
    return names;
}

void PlansPage::selectionChanged()
{
    const QString name = selectedName();
    m_delete->setEnabled(!name.isEmpty());
    m_editorRevision = m_revision;
    const PlanConfig *plan = m_model->planAt(m_model->rowOf(name));
    if (plan)
        m_editor->setPlan(*plan, planNamesExcept(name));
    else if (!m_editor->isNew())
        m_editor->clear();
    showConsumers(name);
}

void PlansPage::showConsumers(const QString &plan)
{
    QStringList names;
    if (!plan.isEmpty()) {
        for (const ConsumerConfig &consumer : m_room.config->config().consumers) {
            if (consumer.plan == plan)
                names.append(consumer.name);
        }
    }
    names.sort(Qt::CaseInsensitive);
    m_consumers->setStringList(names);
    m_consumersTitle->setText(plan.isEmpty()        ? tr("Consumers on this plan")
                                  : names.isEmpty() ? tr("No consumers are on %1 yet").arg(plan)
                                  : names.size() == 1
                                  ? tr("1 consumer on %1").arg(plan)
                                  : tr("%1 consumers on %2").arg(names.size()).arg(plan));
}

void PlansPage::addPlan()
{
    m_view->clearSelection();
    m_editorRevision = m_revision;
    m_editor->startNew(planNamesExcept(QString()));
    showConsumers(QString());
}

void PlansPage::applyEditor()
{
    const PlanConfig next = m_editor->plan();
    const QString original = m_editor->originalName();
    const bool isNew = m_editor->isNew();
    const QString summary = isNew ? QStringLiteral("plan \"%1\" added").arg(next.name)
        : original == next.name
        ? QStringLiteral("plan \"%1\" updated").arg(next.name)
        : QStringLiteral("plan \"%1\" renamed to \"%2\"").arg(original, next.name);
    const StoreResult result =
        m_room.config->edit(ConfigSource::Gui, summary, m_editorRevision, [&](Config &config) {
            if (isNew) {
                config.plans.push_back(next);
                return EditOutcome{};
            }
            for (PlanConfig &plan : config.plans) {
                if (plan.name != original)
                    continue;
                plan = next;
                // Consumers follow their plan to its new name, as with the Admin API.
                if (original != next.name) {
                    for (ConsumerConfig &consumer : config.consumers) {
                        if (consumer.plan == original)
                            consumer.plan = next.name;
                    }
                }
                return EditOutcome{};
            }
            return EditOutcome{StoreResult::Status::NotFound,
                               {{QString(),
                                 tr("Plan \"%1\" no longer exists (deleted "
                                    "elsewhere).")
                                     .arg(original)}},
                               {}};
        });
    if (!result.ok()) {
        if (result.status == StoreResult::Status::Conflict)
            m_editorRevision = m_room.config->revision(); // seen: applying again overrides
        m_editor->showResult(result);
        return;
    }
    m_message->setMessage({});
    selectPlan(next.name);
}

void PlansPage::deletePlan()
{
    const QString name = selectedName();
    if (name.isEmpty())
        return;
    const int users = m_model->consumerCount(name);
    const QString consequence =
        users == 1 ? tr("1 consumer is on this plan. A plan still in use cannot be deleted: "
                        "move it to another plan first.")
        : users    ? tr("%1 consumers are on this plan. A plan still in use cannot be deleted: "
                        "move them to another plan first.")
                      .arg(users)
                   : tr("No consumer is on this plan. Edit ▸ Undo brings it back.");
    m_confirm = askToConfirm(this,
                             {tr("Delete plan"), tr("Delete plan %1?").arg(name), consequence,
                              tr("Delete"), QStringLiteral("confirmDeletePlan")},
                             [this, name] { removePlan(name); });
}

bool PlansPage::removePlan(const QString &name)
{
    const StoreResult result = m_room.config->edit(
        ConfigSource::Gui, QStringLiteral("plan \"%1\" deleted").arg(name), m_revision,
        [&](Config &config) {
            const auto it = std::find_if(config.plans.begin(), config.plans.end(),
                                         [&](const PlanConfig &p) { return p.name == name; });
            if (it == config.plans.end())
                return EditOutcome{StoreResult::Status::NotFound,
                                   {{QString(), tr("Plan \"%1\" no longer exists.").arg(name)}},
                                   {}};
            config.plans.erase(it);
            return EditOutcome{};
        });
    if (result.ok()) {
        m_message->setMessage({});
        return true;
    }
    if (result.status == StoreResult::Status::Conflict) {
        m_message->setMessage(tr("The configuration was changed elsewhere (now r%1): plan %2 "
                                 "was not deleted. The list is up to date now; try again.")
                                  .arg(result.revision)
                                  .arg(name));
        return false;
    }
    // What validation says, with the consumers' names next to their paths.
    static const QRegularExpression consumerPath(QStringLiteral("^consumers\\[(\\d+)\\]"));
    const QList<ConsumerConfig> &consumers = m_room.config->config().consumers;
    constexpr int kShown = 5;
    QStringList lines;
    for (const ConfigError &error : result.errors) {
        if (lines.size() == kShown)
            break;
        const QRegularExpressionMatch m = consumerPath.match(error.path);
        const qsizetype index = m.hasMatch() ? m.captured(1).toLongLong() : -1;
        lines.append(
            index >= 0 && index < consumers.size()
                ? tr("• %1 (consumer %2): %3")
                      .arg(error.path, consumers[index].name, error.message)
                : QStringLiteral("• ") + error.toString());
    }
    if (result.errors.size() > size_t(kShown))
        lines.append(tr("… and %1 more.").arg(result.errors.size() - size_t(kShown)));
    m_message->setMessage(tr("Plan %1 was not deleted:").arg(name) + u'\n' + lines.join(u'\n'));
    return false;
}

} // namespace portico
