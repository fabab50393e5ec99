#include "TrafficTableModel.h"

#include "views/StatusColors.h"

#include "observe/CaptureText.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace portico {

namespace {

QString timeText(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch)
        .time()
        .toString(QStringLiteral("HH:mm:ss.zzz"));
}

QVariant statusColor(int status)
{
    if (status == 0 || status >= 500)
        return errorColor();
    if (status >= 400)
        return warningColor();
    if (status >= 200 && status < 300)
        return okColor();
    return {};
}

QString text(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes);
}

} // namespace

QString latencyText(qint64 micros)
{
    if (micros < 0)
        return QStringLiteral("—");
    const double ms = double(micros) / 1000.0;
    const int decimals = ms < 10 ? 2 : ms < 100 ? 1 : 0;
    return QStringLiteral("%1 ms").arg(QLocale().toString(ms, 'f', decimals));
}

QString sizeText(qint64 bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    const double kib = double(bytes) / 1024.0;
    if (kib < 1024)
        return QStringLiteral("%1 KiB").arg(QLocale().toString(kib, 'f', kib < 10 ? 1 : 0));
    const double mib = kib / 1024.0;
    return QStringLiteral("%1 MiB").arg(QLocale().toString(mib, 'f', mib < 10 ? 1 : 0));
}

TrafficTableModel::TrafficTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void TrafficTableModel::setMaxRows(int rows)
{
    m_maxRows = std::max(1, rows);
    if (m_rows.size() > size_t(m_maxRows))
        dropOldest(m_rows.size() - size_t(m_maxRows));
}

void TrafficTableModel::append(const CaptureRecords &records)
{
    if (records.empty())
        return;
    const size_t max = size_t(m_maxRows);
    // Only the newest rows that fit are worth inserting.
    const size_t keep = std::min(records.size(), max);
    const size_t overflow = m_rows.size() + keep > max ? m_rows.size() + keep - max : 0;
    if (overflow > 0)
        dropOldest(overflow);
    const int first = int(m_rows.size());
    beginInsertRows(QModelIndex(), first, first + int(keep) - 1);
    m_rows.insert(m_rows.end(), records.end() - qsizetype(keep), records.end());
    endInsertRows();
}

void TrafficTableModel::dropOldest(size_t count)
{
    count = std::min(count, m_rows.size());
    if (count == 0)
        return;
    beginRemoveRows(QModelIndex(), 0, int(count) - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + qsizetype(count));
    endRemoveRows();
}

void TrafficTableModel::setRecords(const CaptureRecords &records)
{
    beginResetModel();
    const size_t keep = std::min(records.size(), size_t(m_maxRows));
    m_rows.assign(records.end() - qsizetype(keep), records.end());
    endResetModel();
}

void TrafficTableModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

CaptureRecordPtr TrafficTableModel::recordAt(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size())
        return nullptr;
    return m_rows[size_t(row)];
}

const CaptureRecord *TrafficTableModel::rowRecord(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size())
        return nullptr;
    return m_rows[size_t(row)].get();
}

CaptureRecords TrafficTableModel::records() const
{
    return CaptureRecords(m_rows.begin(), m_rows.end());
}

int TrafficTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TrafficTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TrafficTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size())
        return {};
    const CaptureRecord &r = *m_rows[size_t(index.row())];
    switch (role) {
    case RecordRole: return QVariant::fromValue(m_rows[size_t(index.row())]);
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Time: return timeText(r.startedAtMs);
        case Method: return text(r.method);
        case Path: return captureText(r.target);
        case Route: return text(r.route);
        case Consumer: return text(r.consumer);
        case Status: return r.status == 0 ? QStringLiteral("—") : QString::number(r.status);
        case Latency: return latencyText(r.timings.totalUs);
        case Size: return sizeText(r.responseBytes);
        case Upstream: return text(r.upstreamTarget);
        case ColumnCount: break;
        }
        break;
    case Qt::ForegroundRole:
        if (index.column() == Status)
            return statusColor(r.status);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Status || index.column() == Latency || index.column() == Size)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case Path: return captureText(requestUrl(r));
        case Time: return QDateTime::fromMSecsSinceEpoch(r.startedAtMs).toString(Qt::ISODateWithMs);
        case Status:
            return r.status == 0 ? tr("No response was sent: the connection was lost first")
                                 : QVariant();
        case Upstream:
            return r.upstreamService.isEmpty() ? tr("Answered by the gateway")
                                               : tr("Service %1").arg(text(r.upstreamService));
        default: break;
        }
        break;
    default: break;
    }
    return {};
}

QVariant TrafficTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return int((section == Status || section == Latency || section == Size ? Qt::AlignRight
                                                                               : Qt::AlignLeft)
                   | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time: return tr("Time");
    case Method: return tr("Method");
    case Path: return tr("Path");
    case Route: return tr("Route");
    case Consumer: return tr("Consumer");
    case Status: return tr("Status");
    case Latency: return tr("Latency");
    case Size: return tr("Size");
    case Upstream: return tr("Upstream target");
    case ColumnCount: break;
    }
    return {};
}

} // namespace portico
