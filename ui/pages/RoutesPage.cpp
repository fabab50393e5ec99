#include "RoutesPage.h"

#include "models/RouteTableModel.h"
#include "views/PageHeader.h"

#include "config/ConfigService.h"

#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

namespace portico {

RoutesPage::RoutesPage(ControlRoom room, QWidget *parent)
    : QWidget(parent)
    , m_room(room)
    , m_model(new RouteTableModel(this))
    , m_view(new QTableView)
{
    m_view->setObjectName(QStringLiteral("routeTable"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(RouteTableModel::Targets,
                                                     QHeaderView::Stretch);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new PageHeader(tr("Routes"), tr("Which requests go to which service.")));
    layout->addWidget(m_view, 1);

    connect(m_room.config, &ConfigService::configChanged, this, &RoutesPage::reload);
    reload();
}

void RoutesPage::reload()
{
    m_model->setConfig(m_room.config->config());
}

} // namespace portico
