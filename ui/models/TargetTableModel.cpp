#include "TargetTableModel.h"

#include "views/StatusColors.h"

#include <QBrush>
#include <QGuiApplication>

#include <algorithm>
#include <utility>

namespace portico {

TargetTableModel::TargetTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TargetTableModel::setService(const ServiceConfig *service)
{
    beginResetModel();
    const bool sameTargets = service && service->name == m_service.name
        && service->targets == m_service.targets;
    m_service = service ? *service : ServiceConfig();
    if (!sameTargets)
        m_health.clear();
    matchTraffic();
    endResetModel();
}

void TargetTableModel::updateTraffic(const TrafficSample &sample)
{
    m_sampleTargets = sample.targets;
    const std::vector<TargetTraffic> old = std::exchange(m_traffic, {});
    matchTraffic();
    // Most samples of an idle gateway change nothing: no repaint then.
    const auto same = [](const TargetTraffic &a, const TargetTraffic &b) {
        return a.requests == b.requests && a.errors == b.errors
            && a.requestsPerSecond == b.requestsPerSecond && a.latency.count == b.latency.count
            && a.latency.p95Ms == b.latency.p95Ms;
    };
    const bool changed = !std::equal(old.begin(), old.end(), m_traffic.begin(), m_traffic.end(),
                                     same);
    if (changed && rowCount() > 0)
        Q_EMIT dataChanged(index(0, RequestsPerSecond), index(rowCount() - 1, P95),
                           {Qt::DisplayRole, Qt::ToolTipRole});
}

void TargetTableModel::matchTraffic()
{
    m_traffic.assign(m_service.targets.size(), TargetTraffic());
    for (const TargetTraffic &t : m_sampleTargets) {
        if (t.service != m_service.name)
            continue;
        for (size_t i = 0; i < m_service.targets.size(); ++i) {
            if (m_service.targets[i].url == t.url)
                m_traffic[i] = t;
        }
    }
}

QString TargetTableModel::trafficText(const TargetTraffic &t, int column, int role) const
{
    if (role == Qt::ToolTipRole) {
        QString tip = tr("%1 answers since start, %2 failed tries").arg(t.requests).arg(t.errors);
        if (t.latency.count > 0)
            tip += tr("\nTime to first byte over the last %1 answers: p50 %2 ms, p95 %3 ms, "
                      "p99 %4 ms")
                       .arg(t.latency.count)
                       .arg(t.latency.p50Ms, 0, 'f', 1)
                       .arg(t.latency.p95Ms, 0, 'f', 1)
                       .arg(t.latency.p99Ms, 0, 'f', 1);
        if (t.connect.count > 0)
            tip += tr("\nConnect p95 %1 ms over %2 new connections")
                       .arg(t.connect.p95Ms, 0, 'f', 1)
                       .arg(t.connect.count);
        return tip;
    }
    if (column == RequestsPerSecond)
        return QString::number(t.requestsPerSecond, 'f', t.requestsPerSecond < 10 ? 1 : 0);
    if (t.latency.count == 0)
        return QStringLiteral("\u2013"); // nothing answered lately
    return QString::number(t.latency.p95Ms, 'f', t.latency.p95Ms < 10 ? 1 : 0)
        + QStringLiteral(" ms");
}

void TargetTableModel::updateHealth(const std::vector<TargetHealthState> &health, bool running)
{
    std::vector<TargetHealthState> mine;
    if (running) {
        for (const TargetHealthState &h : health) {
            if (h.service == m_service.name)
                mine.push_back(h);
        }
        // Until the running snapshot has this version of the service, health is unknown.
        bool same = mine.size() == m_service.targets.size();
        for (size_t i = 0; same && i < mine.size(); ++i)
            same = mine[i].url == m_service.targets[i].url;
        if (!same)
            mine.clear();
    }
    const auto equal = [](const TargetHealthState &a, const TargetHealthState &b) {
        return a.ejected == b.ejected && a.consecutiveFailures == b.consecutiveFailures
            && a.ejections == b.ejections;
    };
    const bool changed = mine.size() != m_health.size()
        || !std::equal(mine.begin(), mine.end(), m_health.begin(), equal);
    m_health = std::move(mine);
    if (changed && rowCount() > 0)
        Q_EMIT dataChanged(index(0, Health), index(rowCount() - 1, Failures));
}

int TargetTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_service.targets.size());
}

int TargetTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TargetTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TargetConfig &target = m_service.targets[size_t(index.row())];
    const TargetHealthState *health =
        m_health.empty() ? nullptr : &m_health[size_t(index.row())];
    int total = 0;
    for (const TargetConfig &t : m_service.targets)
        total += qMax(0, t.weight);
    const double share = total > 0 ? 100.0 * qMax(0, target.weight) / total : 0.0;

    if ((role == Qt::DisplayRole || role == Qt::ToolTipRole) && index.column() >= RequestsPerSecond)
        return trafficText(m_traffic[size_t(index.row())], index.column(), role);
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Url: return target.url;
        case Weight: return target.weight;
        case Share: return QStringLiteral("%1%").arg(share, 0, 'f', share == int(share) ? 0 : 1);
        case Health:
            if (!health)
                return role == Qt::ToolTipRole
                    ? tr("Known while the gateway runs this configuration")
                    : QStringLiteral("\u2013");
            if (health->ejected)
                return tr("ejected (back in %1 s)").arg((health->ejectedForMs + 999) / 1000);
            return health->consecutiveFailures > 0 ? tr("failing") : tr("healthy");
        case Failures:
            if (!health)
                return QStringLiteral("\u2013");
            if (role == Qt::ToolTipRole)
                return tr("%1 failed connects in a row; ejected %2 times since start")
                    .arg(health->consecutiveFailures)
                    .arg(health->ejections);
            return health->consecutiveFailures;
        default: return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Health && health) {
        const QPalette palette = QGuiApplication::palette();
        return QBrush(health->ejected                     ? errorColor(palette)
                      : health->consecutiveFailures > 0 ? warningColor(palette)
                                                         : okColor(palette));
    }
    if (role == Qt::TextAlignmentRole
        && (index.column() == Weight || index.column() == Share || index.column() >= Failures))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant TargetTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Url: return tr("Target");
    case Weight: return tr("Weight");
    case Share: return tr("Share");
    case Health: return tr("Health");
    case Failures: return tr("Failures in a row");
    case RequestsPerSecond: return tr("Req/s");
    case P95: return tr("p95");
    default: return {};
    }
}

} // namespace portico
