#include "ConsumerTableModel.h"

#include "config/KeyEdits.h"

#include <QLocale>

namespace portico {

ConsumerTableModel::ConsumerTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void ConsumerTableModel::setConsumers(const QList<ConsumerConfig> &consumers)
{
    beginResetModel();
    m_consumers = consumers;
    m_rows.clear();
    m_rows.reserve(m_consumers.size());
    for (int row = 0; row < m_consumers.size(); ++row)
        m_rows.insert(m_consumers[row].name, row);
    m_now = QDateTime::currentDateTimeUtc();
    endResetModel();
}

void ConsumerTableModel::setTraffic(const TrafficSample &sample)
{
    QHash<QString, Live> next;
    next.reserve(qsizetype(sample.consumers.size()));
    for (const ConsumerTraffic &c : sample.consumers)
        next.insert(c.consumer, Live{c.requestsPerSecond, c.rateLimited, c.requests});
    // Only the rows whose figures moved: a repaint of 100,000 rows four times a second would
    // also make the sort proxy look at every one of them.
    std::vector<int> changed;
    for (auto it = next.cbegin(); it != next.cend(); ++it) {
        const auto old = m_live.constFind(it.key());
        if (old == m_live.cend() || !(*old == *it))
            changed.push_back(rowOf(it.key()));
    }
    for (auto it = m_live.cbegin(); it != m_live.cend(); ++it) {
        if (!next.contains(it.key()))
            changed.push_back(rowOf(it.key()));
    }
    m_live = std::move(next);
    for (int row : changed) {
        if (row >= 0)
            Q_EMIT dataChanged(index(row, RequestsPerSecond), index(row, RateLimited));
    }
}

const ConsumerConfig *ConsumerTableModel::consumerAt(int row) const
{
    return row >= 0 && row < m_consumers.size() ? &m_consumers[row] : nullptr;
}

int ConsumerTableModel::rowOf(const QString &name) const
{
    return m_rows.value(name, -1);
}

int ConsumerTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_consumers.size());
}

int ConsumerTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int ConsumerTableModel::activeKeys(const ConsumerConfig &consumer) const
{
    int active = 0;
    for (const ApiKeyConfig &key : consumer.keys)
        active += apiKeyState(key, m_now) == ApiKeyState::Active ? 1 : 0;
    return active;
}

QVariant ConsumerTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConsumerConfig &c = m_consumers[index.row()];
    const Live live = m_live.value(c.name);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name: return c.name;
        case Plan: return c.plan.isEmpty() ? tr("—") : c.plan;
        case Groups: return c.groups.join(QStringLiteral(", "));
        case ActiveKeys: {
            const int active = activeKeys(c);
            const int total = int(c.keys.size());
            return active == total ? QLocale().toString(active)
                                   : tr("%1 of %2").arg(active).arg(total);
        }
        case RequestsPerSecond:
            return QLocale().toString(live.requestsPerSecond, 'f',
                                      live.requestsPerSecond < 10 ? 1 : 0);
        case RateLimited: return QLocale().toString(live.rateLimited);
        }
        return {};
    case SortRole:
        switch (index.column()) {
        case ActiveKeys: return activeKeys(c);
        case RequestsPerSecond: return live.requestsPerSecond;
        case RateLimited: return live.rateLimited;
        default: return data(index, Qt::DisplayRole);
        }
    case FilterRole:
        if (index.column() != Name)
            return {};
        return QStringList{c.name, c.plan, c.customId, c.groups.join(u' ')}.join(u' ');
    case Qt::ToolTipRole:
        if (index.column() == Name && !c.customId.isEmpty())
            return tr("%1 (custom id %2)").arg(c.name, c.customId);
        if (index.column() == RateLimited)
            return tr("%1 requests since start, %2 refused with 429")
                .arg(live.requests)
                .arg(live.rateLimited);
        return data(index, Qt::DisplayRole);
    case Qt::TextAlignmentRole:
        if (index.column() >= ActiveKeys)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default: return {};
    }
}

QVariant ConsumerTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::TextAlignmentRole)
        return int((section >= ActiveKeys ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Consumer");
    case Plan: return tr("Plan");
    case Groups: return tr("Groups");
    case ActiveKeys: return tr("Active keys");
    case RequestsPerSecond: return tr("Req/s");
    case RateLimited: return tr("429s");
    default: return {};
    }
}

} // namespace portico
