#include "RouteTableModel.h"

#include "views/StatusColors.h"

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

int RouteTableModel::rowOf(const QString &routeName) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].route.name == routeName)
            return int(i);
    }
    return -1;
}

void RouteTableModel::updateTraffic(const TrafficSample &sample)
{
    QHash<QString, RouteTraffic> traffic;
    traffic.reserve(qsizetype(sample.routes.size()));
    for (const RouteTraffic &t : sample.routes)
        traffic.insert(t.route, t);
    // Most samples of an idle gateway change nothing: no repaint then.
    const auto same = [](const RouteTraffic &a, const RouteTraffic &b) {
        return a.requests == b.requests && a.serverErrors == b.serverErrors
            && a.requestsPerSecond == b.requestsPerSecond && a.errorRate == b.errorRate
            && a.latency.p95Ms == b.latency.p95Ms;
    };
    bool changed = traffic.size() != m_traffic.size();
    for (auto it = traffic.cbegin(); !changed && it != traffic.cend(); ++it) {
        const auto old = m_traffic.constFind(it.key());
        changed = old == m_traffic.cend() || !same(*old, *it);
    }
    m_traffic = std::move(traffic);
    if (changed && !m_rows.empty())
        Q_EMIT dataChanged(index(0, HitsPerSecond), index(int(m_rows.size()) - 1, P95),
                           {Qt::DisplayRole, Qt::ToolTipRole, Qt::ForegroundRole, SortRole});
}

const RouteTraffic *RouteTableModel::trafficOf(const Row &row) const
{
    const auto it = m_traffic.constFind(row.route.name);
    return it == m_traffic.cend() ? nullptr : &*it;
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
    default: break;
    }
    const RouteTraffic *t = trafficOf(row);
    switch (column) {
    case HitsPerSecond:
        return t ? QString::number(t->requestsPerSecond, 'f', t->requestsPerSecond < 10 ? 1 : 0)
                 : QStringLiteral("0");
    case ErrorRate:
        if (!t || t->requestsPerSecond <= 0.0)
            return QStringLiteral("\u2013"); // nothing answered in the last interval
        return QString::number(100.0 * t->errorRate, 'f', t->errorRate > 0 ? 1 : 0) + u'%';
    case P95:
        if (!t || t->latency.count == 0)
            return QStringLiteral("\u2013");
        return QString::number(t->latency.p95Ms, 'f', t->latency.p95Ms < 10 ? 1 : 0)
            + QStringLiteral(" ms");
    default: return {};
    }
}

QVariant RouteTableModel::sortValue(const Row &row, int column) const
{
    const RouteTraffic *t = trafficOf(row);
    switch (column) {
    case HitsPerSecond: return t ? t->requestsPerSecond : 0.0;
    case ErrorRate: return t ? t->errorRate : 0.0;
    case P95: return t ? t->latency.p95Ms : 0.0;
    default: return text(row, column);
    }
}

QVariant RouteTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole: return text(row, index.column());
    case SortRole: return sortValue(row, index.column());
    case SearchRole:
        return QStringList{row.route.name, row.route.paths.join(u' '), row.route.hosts.join(u' '),
                           row.route.service}
            .join(u' ');
    case Qt::ToolTipRole:
        if (index.column() == Targets && row.serviceKnown)
            return row.targets.join(u'\n');
        if (index.column() >= HitsPerSecond) {
            const RouteTraffic *t = trafficOf(row);
            return tr("%1 requests since start, %2 answered 5xx")
                .arg(t ? t->requests : 0)
                .arg(t ? t->serverErrors : 0);
        }
        return text(row, index.column());
    case Qt::ForegroundRole:
        if (!row.route.enabled)
            return QGuiApplication::palette().brush(QPalette::Disabled, QPalette::Text);
        if (index.column() == ErrorRate) {
            const RouteTraffic *t = trafficOf(row);
            if (t && t->errorRate > 0.0 && t->requestsPerSecond > 0.0)
                return QBrush(errorColor(QGuiApplication::palette()));
        }
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == StripPath)
            return int(Qt::AlignCenter);
        if (index.column() >= HitsPerSecond)
            return int(Qt::AlignRight | Qt::AlignVCenter);
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
    case HitsPerSecond: return tr("Hits/s");
    case ErrorRate: return tr("5xx");
    case P95: return tr("p95");
    default: return {};
    }
}

} // namespace portico
