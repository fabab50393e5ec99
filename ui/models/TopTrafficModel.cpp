#include "TopTrafficModel.h"

#include "views/StatusColors.h"

#include <QBrush>
#include <QColor>
#include <QLocale>

#include <algorithm>

namespace portico {

TopTrafficModel::TopTrafficModel(Kind kind, int limit, QObject *parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
    , m_limit(limit)
{
}

void TopTrafficModel::setSample(const TrafficSample &sample)
{
    const QLocale locale;
    std::vector<Row> rows;
    if (m_kind == Kind::Routes) {
        for (const RouteTraffic &r : sample.routes) {
            QString detail = r.latency.count
                ? tr("p95 %1 ms").arg(locale.toString(r.latency.p95Ms, 'f', 1))
                : QString();
            if (r.errorRate > 0)
                detail += (detail.isEmpty() ? QString() : QStringLiteral(", "))
                    + tr("%1% 5xx").arg(locale.toString(r.errorRate * 100, 'f', 1));
            rows.push_back({r.route, r.requestsPerSecond, r.requests, detail, r.errorRate > 0.01});
        }
    } else {
        for (const ConsumerTraffic &c : sample.consumers) {
            const QString detail = c.rateLimited
                ? tr("%1 refused (429)").arg(locale.toString(qulonglong(c.rateLimited)))
                : QString();
            rows.push_back({c.consumer, c.requestsPerSecond, c.requests, detail, false});
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        return a.rate != b.rate ? a.rate > b.rate : a.total > b.total;
    });
    if (rows.size() > size_t(m_limit))
        rows.resize(size_t(m_limit));
    setRows(std::move(rows));
}

void TopTrafficModel::clear()
{
    setRows({});
}

void TopTrafficModel::setRows(std::vector<Row> rows)
{
    const int before = int(m_rows.size());
    const int after = int(rows.size());
    if (after < before) {
        beginRemoveRows({}, after, before - 1);
        m_rows.resize(size_t(after));
        endRemoveRows();
    } else if (after > before) {
        beginInsertRows({}, before, after - 1);
        m_rows.resize(size_t(after));
        endInsertRows();
    }
    m_rows = std::move(rows);
    if (after > 0)
        Q_EMIT dataChanged(index(0, 0), index(after - 1, ColumnCount - 1));
}

int TopTrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TopTrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TopTrafficModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return row.name;
        case Rate: return locale.toString(row.rate, 'f', row.rate < 10 ? 1 : 0);
        case Total: return locale.toString(qulonglong(row.total));
        case Detail: return row.detail;
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Rate || index.column() == Total))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Detail && row.alarming)
        return QBrush(errorColor());
    return {};
}

QVariant TopTrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return m_kind == Kind::Routes ? tr("Route") : tr("Consumer");
    case Rate: return tr("req/s");
    case Total: return tr("requests");
    case Detail: return m_kind == Kind::Routes ? tr("latency, errors") : tr("refused");
    }
    return {};
}

} // namespace portico
