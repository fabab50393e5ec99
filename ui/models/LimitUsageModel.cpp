#include "LimitUsageModel.h"

#include <QLocale>

#include <algorithm>

namespace portico {

namespace {

bool sameLimit(const LimitUsage &a, const LimitUsage &b)
{
    return a.scope == b.scope && a.route == b.route && a.window == b.window;
}

} // namespace

LimitUsageModel::LimitUsageModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void LimitUsageModel::setUsage(const QString &plan, const std::vector<LimitUsage> &limits,
                               const QDateTime &now)
{
    const bool sameRows = plan == m_plan && limits.size() == m_limits.size()
        && std::equal(limits.begin(), limits.end(), m_limits.begin(), sameLimit);
    if (!sameRows) {
        beginResetModel();
        m_plan = plan;
        m_limits = limits;
        m_now = now;
        endResetModel();
        return;
    }
    m_limits = limits;
    m_now = now;
    if (!m_limits.empty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_limits.size()) - 1, ColumnCount - 1));
}

void LimitUsageModel::clear()
{
    if (m_limits.empty() && m_plan.isEmpty())
        return;
    beginResetModel();
    m_plan.clear();
    m_limits.clear();
    endResetModel();
}

void LimitUsageModel::tick(const QDateTime &now)
{
    m_now = now;
    if (!m_limits.empty())
        Q_EMIT dataChanged(index(0, Resets), index(int(m_limits.size()) - 1, Resets));
}

const LimitUsage *LimitUsageModel::limitAt(int row) const
{
    return row >= 0 && row < int(m_limits.size()) ? &m_limits[size_t(row)] : nullptr;
}

int LimitUsageModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_limits.size());
}

int LimitUsageModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString LimitUsageModel::countdown(qint64 ms)
{
    const qint64 s = qMax<qint64>(0, (ms + 999) / 1000);
    if (s < 60)
        return tr("in %1 s").arg(s);
    if (s < 3600)
        return s % 60 ? tr("in %1 min %2 s").arg(s / 60).arg(s % 60) : tr("in %1 min").arg(s / 60);
    if (s < 86'400)
        return tr("in %1 h %2 min").arg(s / 3600).arg(s % 3600 / 60);
    return tr("in %1 d %2 h").arg(s / 86'400).arg(s % 86'400 / 3600);
}

QString LimitUsageModel::limitName(const LimitUsage &usage) const
{
    const QString window = QString::fromLatin1(rateWindowName(usage.window));
    if (usage.scope == LimitUsage::Scope::Plan)
        return tr("Plan %1 · per %2").arg(m_plan, window);
    return tr("Route %1 · per %2").arg(usage.route, window);
}

QVariant LimitUsageModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LimitUsage &u = m_limits[size_t(index.row())];
    const QLocale locale;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Limit: return limitName(u);
        case Usage: return tr("%1 / %2").arg(locale.toString(u.used), locale.toString(u.limit));
        case Remaining: return locale.toString(u.remaining);
        case Resets: return u.reset.isValid() ? countdown(m_now.msecsTo(u.reset)) : tr("—");
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Resets)
            return u.reset.isValid()
                ? tr("Resets at %1")
                      .arg(locale.toString(u.reset.toLocalTime(), QLocale::LongFormat))
                : tr("Nothing counted in this window: the whole limit is available");
        if (index.column() == Usage)
            return tr("%1 of %2 requests used, %3 left")
                .arg(locale.toString(u.used), locale.toString(u.limit),
                     locale.toString(u.remaining));
        return data(index, Qt::DisplayRole);
    case FractionRole: return u.limit > 0 ? double(u.used) / double(u.limit) : 0.0;
    case UsedRole: return u.used;
    case LimitRole: return u.limit;
    case Qt::TextAlignmentRole:
        if (index.column() == Remaining)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default: return {};
    }
}

QVariant LimitUsageModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Limit: return tr("Limit");
    case Usage: return tr("Used");
    case Remaining: return tr("Remaining");
    case Resets: return tr("Resets");
    default: return {};
    }
}

} // namespace portico
