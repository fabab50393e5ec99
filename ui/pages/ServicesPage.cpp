#include "ServicesPage.h"

#include "LoadDemo.h"
#include "dialogs/ConfirmAction.h"
#include "dialogs/NotAppliedNotice.h"
#include "dialogs/ServiceEditorDialog.h"
#include "models/ServiceTableModel.h"
#include "models/TargetTableModel.h"
#include "views/CanarySplit.h"
#include "views/EmptyState.h"
#include "views/FieldErrorLabel.h"
#include "views/PageHeader.h"
#include "views/RowTable.h"

#include "config/ConfigService.h"
#include "config/Snapshot.h"
#include "net/Deadline.h"
#include "net/GatewayEngine.h"
#include "proxy/TargetHealthReport.h"

#include <QAction>
#include <QGroupBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace portico {

ServicesPage::ServicesPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_model(new ServiceTableModel(this))
    , m_targets(new TargetTableModel(this))
    , m_view(new QTableView)
    , m_targetView(new QTableView)
    , m_details(new QGroupBox)
    , m_canary(new CanarySplit)
    , m_stack(new QStackedWidget)
    , m_empty(new EmptyState("services"))
    , m_message(new FieldErrorLabel(QStringLiteral("servicesMessage")))
    , m_healthTimer(new QTimer(this))
{
    const int em = fontMetrics().horizontalAdvance(u'M');
    m_view->setObjectName(QStringLiteral("serviceTable"));
    m_view->setModel(m_model);
    setUpRowTable(m_view, QAbstractItemView::ExtendedSelection);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->horizontalHeader()->setSectionResizeMode(ServiceTableModel::Targets,
                                                     QHeaderView::Stretch);
    const std::pair<int, int> widths[] = {
        {ServiceTableModel::Name, 10},          {ServiceTableModel::Health, 9},
        {ServiceTableModel::ConnectTimeout, 8}, {ServiceTableModel::ReadTimeout, 8},
        {ServiceTableModel::Retries, 5},        {ServiceTableModel::Routes, 14}};
    // Wide enough for the header's text (bold in some styles) and a typical value.
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics headerMetrics(bold);
    for (const auto &[column, ems] : widths) {
        const QString title = m_model->headerData(column, Qt::Horizontal).toString();
        m_view->setColumnWidth(column,
                               qMax(ems * em, headerMetrics.horizontalAdvance(title) + 2 * em));
    }

    m_targetView->setObjectName(QStringLiteral("targetTable"));
    m_targetView->setModel(m_targets);
    setUpRowTable(m_targetView, QAbstractItemView::ExtendedSelection);
    m_targetView->setSelectionMode(QAbstractItemView::NoSelection);
    m_targetView->setFocusPolicy(Qt::NoFocus);
    m_targetView->horizontalHeader()->setSectionResizeMode(TargetTableModel::Url,
                                                           QHeaderView::Stretch);
    for (int column : {int(TargetTableModel::Weight), int(TargetTableModel::Share)})
        m_targetView->setColumnWidth(column, 6 * em);
    m_targetView->setColumnWidth(TargetTableModel::Health, 12 * em);
    m_targetView->setColumnWidth(TargetTableModel::Failures, 10 * em);
    m_targetView->setColumnWidth(TargetTableModel::RequestsPerSecond, 7 * em);
    m_targetView->setColumnWidth(TargetTableModel::P95, 7 * em);

    m_details->setObjectName(QStringLiteral("serviceDetails"));
    auto *details = new QVBoxLayout(m_details);
    details->addWidget(m_targetView, 1);
    details->addWidget(m_canary);
    auto *healthNote = new QLabel(tr("Health is passive: a target is ejected after failed "
                                     "connects in a row (settings), then tried again."));
    healthNote->setForegroundRole(QPalette::PlaceholderText);
    healthNote->setWordWrap(true);
    details->addWidget(healthNote);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_view);
    split->addWidget(m_details);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({3 * em * 10, 2 * em * 10});
    split->setChildrenCollapsible(false);

    m_add = makeAction("add", tr("&Add"), QStringLiteral("addService"),
                       QKeySequence(Qt::CTRL | Qt::Key_N), &ServicesPage::addService, this);
    m_edit = makeAction("edit", tr("&Edit"), QStringLiteral("editService"),
                        QKeySequence(Qt::Key_Return), &ServicesPage::editService, m_view);
    m_edit->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    m_delete = makeAction("delete", tr("De&lete"), QStringLiteral("deleteService"),
                          QKeySequence::Delete, &ServicesPage::deleteService, m_view);

    auto *header = new PageHeader(
        tr("Services"),
        tr("Where routes send requests: the targets, how traffic is split between them, and "
           "how they are doing."));
    for (QAction *action : {m_add, m_edit, m_delete})
        header->addAction(action);

    m_empty->setObjectName(QStringLiteral("servicesEmpty"));
    m_empty->setText(tr("No services yet"),
                     tr("A service is one or more target URLs that routes send requests to. Add "
                        "one, or load the demo: four mock services and the routes to them."));
    connect(m_empty->addButton(tr("Add service"), QStringLiteral("emptyAddService")),
            &QPushButton::clicked, this, &ServicesPage::addService);
    connect(m_empty->addButton(tr("Load demo"), QStringLiteral("emptyLoadDemo")),
            &QPushButton::clicked, this, &ServicesPage::loadDemo);
    m_stack->addWidget(split);
    m_stack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(header);
    layout->addWidget(m_message);
    layout->addWidget(m_stack, 1);

    connect(m_view, &QTableView::doubleClicked, this, &ServicesPage::editService);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ServicesPage::selectionChanged);
    connect(m_canary, &CanarySplit::splitChosen, this, &ServicesPage::setWeights);
    connect(m_room.config, &ConfigService::configChanged, this, &ServicesPage::reload);
    if (m_room.engine)
        connect(m_room.engine, &GatewayEngine::trafficUpdated, m_targets,
                &TargetTableModel::updateTraffic, Qt::QueuedConnection);
    // Reading the health is a few relaxed atomic loads: cheap, but only worth it when seen.
    m_healthTimer->setInterval(500);
    connect(m_healthTimer, &QTimer::timeout, this, &ServicesPage::refreshHealth);
    reload();
}

QAction *ServicesPage::makeAction(const char *icon, const QString &text,
                                  const QString &objectName, const QKeySequence &shortcut,
                                  void (ServicesPage::*slot)(), QWidget *scope)
{
    QAction *action = pageAction(this, icon, text, objectName, shortcut, scope);
    connect(action, &QAction::triggered, this, slot);
    return action;
}

void ServicesPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refreshHealth();
    m_healthTimer->start();
}

void ServicesPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_healthTimer->stop();
}

void ServicesPage::reload()
{
    const QString selected = selectedService();
    m_revision = m_room.config->revision();
    m_model->setConfig(m_room.config->config());
    if (!selected.isEmpty())
        selectService(selected);
    if (selectedService().isEmpty() && m_model->rowCount() > 0)
        selectService(m_model->serviceAt(0)->name);
    selectionChanged();
    refreshHealth();
    updateEmptyState();
}

QString ServicesPage::selectedService() const
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    const ServiceConfig *service = m_model->serviceAt(rows.front().row());
    return service ? service->name : QString();
}

void ServicesPage::selectService(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return;
    m_view->selectionModel()->setCurrentIndex(
        m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_view->scrollTo(m_model->index(row, 0));
}

QString ServicesPage::messageText() const
{
    return m_message->text();
}

void ServicesPage::selectionChanged()
{
    const QString name = selectedService();
    const ServiceConfig *service = m_model->serviceAt(m_model->rowOf(name));
    m_targets->setService(service);
    m_canary->setService(service);
    m_details->setTitle(service ? tr("Targets of %1").arg(service->name) : tr("Targets"));
    m_details->setEnabled(service != nullptr);
    m_edit->setEnabled(service != nullptr);
    m_delete->setEnabled(service != nullptr);
    refreshHealth();
}

void ServicesPage::refreshHealth()
{
    const std::shared_ptr<const Snapshot> snapshot =
        m_room.engine && m_room.engine->isRunning() ? m_room.engine->snapshot() : nullptr;
    const std::vector<TargetHealthState> health =
        snapshot ? readTargetHealth(*snapshot, monotonicNowMs()) : std::vector<TargetHealthState>();
    m_model->updateHealth(health, snapshot != nullptr);
    m_targets->updateHealth(health, snapshot != nullptr);
}

void ServicesPage::updateEmptyState()
{
    m_stack->setCurrentIndex(m_model->rowCount() == 0 ? 1 : 0);
}

bool ServicesPage::report(const StoreResult &result)
{
    if (result.ok()) {
        m_message->setMessage(QString());
        return true;
    }
    m_message->setMessage(pageActionNotice(result, tr("page")));
    reload();
    return false;
}

void ServicesPage::addService()
{
    openEditor(nullptr);
}

void ServicesPage::editService()
{
    if (const ServiceConfig *service = m_model->serviceAt(m_model->rowOf(selectedService())))
        openEditor(service);
}

void ServicesPage::openEditor(const ServiceConfig *service)
{
    auto *dialog = new ServiceEditorDialog(m_room, service, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_message->setMessage(QString());
        selectService(dialog->appliedName());
    });
    dialog->open();
}

void ServicesPage::deleteService()
{
    const QString name = selectedService();
    if (name.isEmpty())
        return;
    const QStringList routes = m_model->routesOf(name);
    askToConfirm(this,
                 {tr("Delete service"), tr("Delete the service \u201c%1\u201d?").arg(name),
                  routes.isEmpty()
                      ? tr("No route sends to it. Undo (Ctrl+Z) brings it back.")
                      : tr("Routes %1 still send to it: the gateway will refuse the change "
                           "until they send elsewhere or are deleted.")
                            .arg(routes.join(QStringLiteral(", "))),
                  tr("Delete"), QStringLiteral("confirmDelete")},
                 [this, name] { removeService(name); });
}

void ServicesPage::removeService(const QString &name)
{
    const StoreResult result = m_room.config->edit(
        ConfigSource::Gui, tr("service %1 deleted").arg(name), m_revision, [&](Config &c) {
            std::erase_if(c.services, [&](const ServiceConfig &s) { return s.name == name; });
            return EditOutcome{};
        });
    if (result.status != StoreResult::Status::Invalid) {
        report(result);
        return;
    }
    // Say it in the user's terms: which routes still use it, by name.
    static const QRegularExpression routeService(QStringLiteral(R"(^routes\[(\d+)\]\.service$)"));
    const Config &config = m_room.config->config();
    QStringList users;
    ConfigErrors other;
    for (const ConfigError &e : result.errors) {
        const QRegularExpressionMatch m = routeService.match(e.path);
        const size_t index = m.hasMatch() ? m.captured(1).toULongLong() : config.routes.size();
        if (index < config.routes.size())
            users.append(config.routes[index].name);
        else
            other.push_back(e);
    }
    if (users.isEmpty()) {
        report(result);
        return;
    }
    QString text = tr("Not deleted: routes %1 still send to service %2. Point them at another "
                      "service or delete them first.")
                       .arg(users.join(QStringLiteral(", ")), name);
    for (const ConfigError &e : other)
        text += u' ' + e.toString();
    m_message->setMessage(text);
}

void ServicesPage::loadDemo()
{
    report(loadDemoConfig(*m_room.config, m_revision));
}

bool ServicesPage::setWeights(const QString &service, const std::vector<int> &weights)
{
    QStringList shares;
    for (int w : weights)
        shares.append(QString::number(w));
    const StoreResult result = m_room.config->edit(
        ConfigSource::Gui,
        tr("service %1 split %2").arg(service, shares.join(u'/')), m_revision, [&](Config &c) {
            for (ServiceConfig &s : c.services) {
                if (s.name != service)
                    continue;
                if (s.targets.size() != weights.size())
                    break;
                for (size_t i = 0; i < weights.size(); ++i)
                    s.targets[i].weight = weights[i];
                return EditOutcome{};
            }
            return EditOutcome{StoreResult::Status::NotFound,
                               {{QString(), tr("service %1 changed meanwhile").arg(service)}},
                               {}};
        });
    return report(result);
}

} // namespace portico
