#include "RouteTableModel.h"

#include <QBrush>
#include <QGuiApplication>
#include <QPalette>

namespace portico {

namespace {

// Weights are relative; percentages are what a user reasons about in a canary split.
QStringList describeTargets(const ServiceConfig &service)
{
    int total = 0;
    for (const TargetConfig &t : service.targets)
        total += qMax(0, t.weight);
    QStringList out;
    for (const TargetConfig &t : service.targets) {
        if (service.targets.size() == 1) {
            out.append(t.url);
            continue;
        }
        const double share = total > 0 ? 100.0 * qMax(0, t.weight) / total : 0.0;
        out.append(QStringLiteral("%1 (weight %2, %3%)")
                       .arg(t.url)
                       .arg(t.weight)
                       .arg(share, 0, 'f', share == int(share) ? 0 : 1));
    }
    return out;
}

QString listOrAny(const QStringList &items)
{
    return items.isEmpty() ? QStringLiteral("any") : items.join(QStringLiteral(", "));
}

} // namespace

RouteTableModel::RouteTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RouteTableModel::setConfig(const Config &config)
{
    beginResetModel();
    m_rows.clear();
    m_rows.reserve(config.routes.size());
    for (const RouteConfig &route : config.routes) {
        Row row{route, {}, false};
        for (const ServiceConfig &s : config.services) {
            if (s.name == route.service) {
                row.targets = describeTargets(s);
                row.serviceKnown = true;
                break;
            }
        }
        m_rows.push_back(std::move(row));
    }
    endResetModel();
}

const RouteConfig *RouteTableModel::routeAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].route : nullptr;
}

int RouteTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RouteTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RouteTableModel::text(const Row &row, int column) const
{
    const RouteConfig &r = row.route;
    switch (column) {
    case Name: return r.enabled ? r.name : r.name + QStringLiteral(" (disabled)");
    case Methods: return listOrAny(r.methods);
    case Hosts: return listOrAny(r.hosts);
    case Paths: return r.paths.join(QStringLiteral(", "));
    case Service: return r.service;
    case Targets:
        return row.serviceKnown ? row.targets.join(QStringLiteral(", "))
                                : QStringLiteral("(no such service)");
    case StripPath: return r.stripPath ? QStringLiteral("yes") : QStringLiteral("no");
    default: return {};
    }
}

QVariant RouteTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole: return text(row, index.column());
    case Qt::ToolTipRole:
        if (index.column() == Targets && row.serviceKnown)
            return row.targets.join(u'\n');
        return text(row, index.column());
    case Qt::ForegroundRole:
        if (!row.route.enabled)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StripPath)
            return int(Qt::AlignCenter);
        return {};
    default: return {};
    }
}

QVariant RouteTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Route");
    case Methods: return tr("Methods");
    case Hosts: return tr("Hosts");
    case Paths: return tr("Paths");
    case Service: return tr("Service");
    case Targets: return tr("Targets");
    case StripPath: return tr("Strip path");
    default: return {};
    }
}

} // namespace portico
