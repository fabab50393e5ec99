#include "PlanTableModel.h"

#include <QHash>
#include <QLocale>

#include <limits>

namespace portico {

PlanTableModel::PlanTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void PlanTableModel::setConfig(const Config &config)
{
    QHash<QString, int> counts;
    for (const ConsumerConfig &consumer : config.consumers) {
        if (!consumer.plan.isEmpty())
            ++counts[consumer.plan];
    }
    std::vector<Row> rows;
    rows.reserve(config.plans.size());
    for (const PlanConfig &plan : config.plans)
        rows.push_back(Row{plan, counts.value(plan.name)});
    const bool sameNames = rows.size() == m_rows.size()
        && std::equal(rows.begin(), rows.end(), m_rows.begin(),
                      [](const Row &a, const Row &b) { return a.plan.name == b.plan.name; });
    if (sameNames) {
        // The same plans: change the figures in place, keeping selection and scroll.
        m_rows = std::move(rows);
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
        return;
    }
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

const PlanConfig *PlanTableModel::planAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[size_t(row)].plan : nullptr;
}

int PlanTableModel::rowOf(const QString &name) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].plan.name == name)
            return int(i);
    }
    return -1;
}

int PlanTableModel::consumerCount(const QString &plan) const
{
    const int row = rowOf(plan);
    return row < 0 ? 0 : m_rows[size_t(row)].consumers;
}

int PlanTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int PlanTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PlanTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const int column = index.column();
    const bool isLimit = column >= Second && column <= Month;
    const qint64 limit = isLimit ? row.plan.limits.windows()[size_t(column - Second)].second : 0;
    switch (role) {
    case Qt::DisplayRole:
        if (column == Name)
            return row.plan.name;
        if (column == Consumers)
            return QLocale().toString(row.consumers);
        return limit ? QLocale().toString(limit) : tr("—");
    case SortRole:
        if (column == Name)
            return row.plan.name;
        if (column == Consumers)
            return row.consumers;
        return limit ? limit : std::numeric_limits<qint64>::max();
    case Qt::ToolTipRole:
        if (isLimit) {
            const QString window =
                QString::fromLatin1(row.plan.limits.windows()[size_t(column - Second)].first);
            return limit ? tr("At most %1 requests per %2 for each consumer on %3")
                               .arg(QLocale().toString(limit), window, row.plan.name)
                         : tr("No limit per %1").arg(window);
        }
        return data(index, Qt::DisplayRole);
    case Qt::TextAlignmentRole:
        if (column != Name)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default: return {};
    }
}

QVariant PlanTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::TextAlignmentRole)
        return int((section == Name ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Plan");
    case Second: return tr("Per second");
    case Minute: return tr("Per minute");
    case Hour: return tr("Per hour");
    case Day: return tr("Per day");
    case Month: return tr("Per month");
    case Consumers: return tr("Consumers");
    default: return {};
    }
}

} // namespace portico
