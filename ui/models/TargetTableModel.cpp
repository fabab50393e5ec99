#include "TargetTableModel.h"

#include "views/StatusColors.h"

#include <QBrush>
#include <QGuiApplication>

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
    endResetModel();
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
        && (index.column() == Weight || index.column() == Share || index.column() == Failures))
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
    default: return {};
    }
}

} // namespace portico
