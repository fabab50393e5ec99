#include "RoutesPage.h"

#include "LoadDemo.h"
#include "dialogs/ConfirmAction.h"
#include "dialogs/NotAppliedNotice.h"
#include "dialogs/RouteEditorDialog.h"
#include "dialogs/RouteTesterDialog.h"
#include "models/RouteTableModel.h"
#include "views/EmptyState.h"
#include "views/FieldErrorLabel.h"
#include "views/PageHeader.h"
#include "views/RowTable.h"

#include "config/ConfigService.h"
#include "net/GatewayEngine.h"

#include <QAction>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace portico {

namespace {

QString uniqueCopyName(const Config &config, const QString &name)
{
    const auto taken = [&](const QString &candidate) {
        return std::any_of(config.routes.begin(), config.routes.end(),
                           [&](const RouteConfig &r) { return r.name == candidate; });
    };
    QString candidate = name + QStringLiteral("-copy");
    for (int n = 2; taken(candidate); ++n)
        candidate = name + QStringLiteral("-copy-") + QString::number(n);
    return candidate.left(128);
}

} // namespace

RoutesPage::RoutesPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_model(new RouteTableModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView)
    , m_filter(new QLineEdit)
    , m_stack(new QStackedWidget)
    , m_empty(new EmptyState("routes"))
    , m_message(new FieldErrorLabel(QStringLiteral("routesMessage")))
{
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterRole(RouteTableModel::SearchRole);
    m_proxy->setSortRole(RouteTableModel::SortRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_view->setObjectName(QStringLiteral("routeTable"));
    m_view->setModel(m_proxy);
    setUpRowTable(m_view, QAbstractItemView::ExtendedSelection);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    // Config order until the user clicks a header: it is the order routes were written in.
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);
    m_view->setSortingEnabled(true);
    QHeaderView *header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(RouteTableModel::Targets, QHeaderView::Stretch);
    // The live figures next to the name, where the eye starts.
    header->moveSection(header->visualIndex(RouteTableModel::Paths), 1);
    for (int live : {RouteTableModel::HitsPerSecond, RouteTableModel::ErrorRate,
                     RouteTableModel::P95})
        header->moveSection(header->visualIndex(live), 2 + live - RouteTableModel::HitsPerSecond);
    const int em = fontMetrics().horizontalAdvance(u'M');
    const std::pair<int, int> widths[] = {
        {RouteTableModel::Name, 12}, {RouteTableModel::Paths, 14},
        {RouteTableModel::HitsPerSecond, 5}, {RouteTableModel::ErrorRate, 5},
        {RouteTableModel::P95, 6}, {RouteTableModel::Methods, 9}, {RouteTableModel::Hosts, 10},
        {RouteTableModel::Service, 9}, {RouteTableModel::StripPath, 8}};
    for (const auto &[column, ems] : widths)
        m_view->setColumnWidth(column, ems * em);

    m_filter->setObjectName(QStringLiteral("routeFilter"));
    m_filter->setPlaceholderText(tr("Filter by name, path, host or service"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(22 * em);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterFixedString(text.trimmed());
        updateEmptyState();
    });

    m_add = makeAction("add", tr("&Add"), QStringLiteral("addRoute"),
                       QKeySequence(Qt::CTRL | Qt::Key_N), &RoutesPage::addRoute, this);
    m_edit = makeAction("edit", tr("&Edit"), QStringLiteral("editRoute"),
                        QKeySequence(Qt::Key_Return), &RoutesPage::editRoute, m_view);
    m_duplicate = makeAction("duplicate", tr("D&uplicate"), QStringLiteral("duplicateRoute"),
                             QKeySequence(Qt::CTRL | Qt::Key_D), &RoutesPage::duplicateRoute,
                             this);
    m_toggle = makeAction("disable", tr("D&isable"), QStringLiteral("toggleRoute"),
                          QKeySequence(Qt::CTRL | Qt::Key_T), &RoutesPage::toggleRoutes, this);
    m_delete = makeAction("delete", tr("De&lete"), QStringLiteral("deleteRoute"),
                          QKeySequence::Delete, &RoutesPage::deleteRoutes, m_view);
    m_test = pageAction(this, "test", tr("Test &request\u2026"), QStringLiteral("testRequest"),
                        QKeySequence(Qt::CTRL | Qt::Key_R), this);
    connect(m_test, &QAction::triggered, this, &RoutesPage::testRequest);
    m_edit->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(find);
    connect(find, &QAction::triggered, m_filter, [this] {
        m_filter->setFocus();
        m_filter->selectAll();
    });

    auto *pageHeader = new PageHeader(
        tr("Routes"), tr("Which requests go to which service, with each route's live traffic."));
    pageHeader->addWidget(m_filter);
    for (QAction *action : {m_add, m_edit, m_duplicate, m_toggle, m_delete, m_test})
        pageHeader->addAction(action);

    m_empty->setObjectName(QStringLiteral("routesEmpty"));
    connect(m_empty->addButton(tr("Add route"), QStringLiteral("emptyAddRoute")),
            &QPushButton::clicked, this, &RoutesPage::addRoute);
    auto *loadDemo = m_empty->addButton(tr("Load demo"), QStringLiteral("emptyLoadDemo"));
    connect(loadDemo, &QPushButton::clicked, this, &RoutesPage::loadDemo);
    m_loadDemo = loadDemo;
    auto *clearFilter = m_empty->addButton(tr("Clear filter"), QStringLiteral("emptyClearFilter"));
    connect(clearFilter, &QPushButton::clicked, m_filter, &QLineEdit::clear);
    m_clearFilter = clearFilter;

    m_stack->addWidget(m_view);
    m_stack->addWidget(m_empty);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(pageHeader);
    layout->addWidget(m_message);
    layout->addWidget(m_stack, 1);

    connect(m_view, &QTableView::doubleClicked, this, &RoutesPage::editRoute);
    connect(m_view, &QWidget::customContextMenuRequested, this, &RoutesPage::showContextMenu);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &RoutesPage::updateActions);
    connect(m_room.config, &ConfigService::configChanged, this, &RoutesPage::reload);
    if (m_room.engine)
        connect(m_room.engine, &GatewayEngine::trafficUpdated, m_model,
                &RouteTableModel::updateTraffic, Qt::QueuedConnection);
    reload();
}

QAction *RoutesPage::makeAction(const char *icon, const QString &text, const QString &objectName,
                                const QKeySequence &shortcut, void (RoutesPage::*slot)(),
                                QWidget *scope)
{
    QAction *action = pageAction(this, icon, text, objectName, shortcut, scope);
    connect(action, &QAction::triggered, this, slot);
    return action;
}

void RoutesPage::reload()
{
    const QStringList selected = selectedRoutes();
    m_revision = m_room.config->revision();
    m_model->setConfig(m_room.config->config());
    for (const QString &name : selected)
        selectRoute(name);
    updateEmptyState();
    updateActions();
}

QStringList RoutesPage::selectedRoutes() const
{
    QList<int> rows;
    for (const QModelIndex &index : m_view->selectionModel()->selectedRows())
        rows.append(m_proxy->mapToSource(index).row());
    std::sort(rows.begin(), rows.end());
    QStringList names;
    for (int row : rows) {
        if (const RouteConfig *route = m_model->routeAt(row))
            names.append(route->name);
    }
    return names;
}

void RoutesPage::selectRoute(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    if (!index.isValid())
        return;
    m_view->selectionModel()->select(
        index, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    m_view->selectionModel()->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
    m_view->scrollTo(index);
}

QString RoutesPage::messageText() const
{
    return m_message->text();
}

void RoutesPage::updateActions()
{
    const QStringList names = selectedRoutes();
    m_edit->setEnabled(names.size() == 1);
    m_duplicate->setEnabled(names.size() == 1);
    m_delete->setEnabled(!names.isEmpty());
    m_toggle->setEnabled(!names.isEmpty());
    bool allEnabled = true;
    for (const QString &name : names)
        allEnabled = allEnabled && m_model->routeAt(m_model->rowOf(name))->enabled;
    m_toggle->setText(allEnabled ? tr("D&isable") : tr("Enab&le"));
    m_toggle->setIcon(portIcon(allEnabled ? "disable" : "enable"));
}

void RoutesPage::updateEmptyState()
{
    const bool none = m_model->rowCount() == 0;
    const bool filteredOut = !none && m_proxy->rowCount() == 0;
    if (none) {
        m_empty->setText(tr("No routes yet"),
                         tr("A route sends the requests that match its paths, hosts and methods "
                            "to a service. Add one, or load the demo: four mock services and "
                            "the routes to them."));
    } else if (filteredOut) {
        m_empty->setText(tr("No route matches \u201c%1\u201d").arg(m_filter->text().trimmed()),
                         tr("The filter looks at names, paths, hosts and services."));
    }
    m_loadDemo->setVisible(none);
    m_clearFilter->setVisible(filteredOut);
    m_stack->setCurrentWidget(none || filteredOut ? static_cast<QWidget *>(m_empty) : m_view);
}

void RoutesPage::showContextMenu(const QPoint &pos)
{
    QMenu menu(this);
    menu.addAction(m_edit);
    menu.addAction(m_duplicate);
    menu.addAction(m_toggle);
    menu.addAction(m_delete);
    menu.addSeparator();
    menu.addAction(m_test);
    menu.addAction(m_add);
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

bool RoutesPage::report(const StoreResult &result)
{
    if (result.ok()) {
        m_message->setMessage(QString());
        return true;
    }
    m_message->setMessage(pageActionNotice(result, tr("table")));
    reload();
    return false;
}

void RoutesPage::addRoute()
{
    openEditor(nullptr);
}

void RoutesPage::editRoute()
{
    const QStringList names = selectedRoutes();
    if (names.size() != 1)
        return;
    if (const RouteConfig *route = m_model->routeAt(m_model->rowOf(names.front())))
        openEditor(route);
}

void RoutesPage::openEditor(const RouteConfig *route)
{
    // Window-modal and non-blocking: the page keeps following the engine meanwhile.
    auto *dialog = new RouteEditorDialog(m_room, route, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_message->setMessage(QString());
        m_view->clearSelection();
        selectRoute(dialog->appliedName());
    });
    dialog->open();
}

RouteTesterDialog *RoutesPage::testRequest()
{
    const QStringList names = selectedRoutes();
    const RouteConfig *route =
        names.size() == 1 ? m_model->routeAt(m_model->rowOf(names.front())) : nullptr;
    return RouteTesterDialog::openOnStored(
        m_room,
        route && !route->methods.isEmpty() ? route->methods.front() : QStringLiteral("GET"),
        RouteTesterDialog::suggestedUrl(m_room.config->config(), route, m_room.engine), {},
        this);
}

void RoutesPage::duplicateRoute()
{
    const QStringList names = selectedRoutes();
    if (names.size() != 1)
        return;
    const QString original = names.front();
    const QString copy = uniqueCopyName(m_room.config->config(), original);
    const StoreResult result = m_room.config->edit(
        ConfigSource::Gui, tr("route %1 duplicated as %2").arg(original, copy),
        m_revision, [&](Config &c) {
            const auto it = std::find_if(c.routes.begin(), c.routes.end(),
                                         [&](const RouteConfig &r) { return r.name == original; });
            if (it == c.routes.end())
                return EditOutcome{StoreResult::Status::NotFound,
                                   {{QString(), tr("route %1 no longer exists").arg(original)}},
                                   {}};
            RouteConfig duplicate = *it;
            duplicate.name = copy;
            c.routes.insert(it + 1, duplicate);
            return EditOutcome{};
        });
    if (report(result)) {
        m_view->clearSelection();
        selectRoute(copy);
    }
}

void RoutesPage::toggleRoutes()
{
    const QStringList names = selectedRoutes();
    if (names.isEmpty())
        return;
    bool allEnabled = true;
    for (const QString &name : names)
        allEnabled = allEnabled && m_model->routeAt(m_model->rowOf(name))->enabled;
    const bool enable = !allEnabled;
    const QString summary = names.size() == 1
        ? (enable ? tr("route %1 enabled") : tr("route %1 disabled")).arg(names.front())
        : (enable ? tr("%n routes enabled", nullptr, int(names.size()))
                  : tr("%n routes disabled", nullptr, int(names.size())));
    report(m_room.config->edit(ConfigSource::Gui, summary, m_revision,
                               [&](Config &c) {
                                   for (RouteConfig &r : c.routes) {
                                       if (names.contains(r.name))
                                           r.enabled = enable;
                                   }
                                   return EditOutcome{};
                               }));
    updateActions();
}

void RoutesPage::deleteRoutes()
{
    const QStringList names = selectedRoutes();
    if (names.isEmpty())
        return;
    askToConfirm(
        this,
        {names.size() == 1 ? tr("Delete route") : tr("Delete routes"),
         names.size() == 1 ? tr("Delete the route \u201c%1\u201d?").arg(names.front())
                           : tr("Delete %n routes?", nullptr, int(names.size())),
         tr("Requests it matched will get 404 from now on. Undo (Ctrl+Z) brings it back."),
         tr("Delete"), QStringLiteral("confirmDelete"),
         names.size() > 1 ? names.join(u'\n') : QString()},
        [this, names] { removeRoutes(names); });
}

void RoutesPage::removeRoutes(const QStringList &names)
{
    const QString summary = names.size() == 1
        ? tr("route %1 deleted").arg(names.front())
        : tr("%n routes deleted", nullptr, int(names.size()));
    report(m_room.config->edit(ConfigSource::Gui, summary, m_revision,
                               [&](Config &c) {
                                   std::erase_if(c.routes, [&](const RouteConfig &r) {
                                       return names.contains(r.name);
                                   });
                                   return EditOutcome{};
                               }));
}

void RoutesPage::loadDemo()
{
    report(loadDemoConfig(*m_room.config, m_revision));
}

} // namespace portico
