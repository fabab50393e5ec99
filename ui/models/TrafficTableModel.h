#pragma once

#include "observe/CaptureRecord.h"

#include <QAbstractTableModel>

#include <deque>

namespace portico {

// The Traffic page's table: captured requests, oldest first, one row each. Rows arrive in
// batches (append: one insert per batch, like Wireshark's packet list) and the model is
// bounded: the oldest rows beyond maxRows() go, in one removal per batch. It holds the shared
// records themselves, so a row costs a pointer and formatting happens only for painted cells.
class TrafficTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        Time,
        Method,
        Path,
        Route,
        Consumer,
        Status,
        Latency,
        Size,
        Upstream,
        ColumnCount
    };
    enum Role { RecordRole = Qt::UserRole + 1 }; // the CaptureRecordPtr
    static constexpr int kDefaultMaxRows = 10'000;

    explicit TrafficTableModel(QObject *parent = nullptr);

    int maxRows() const { return m_maxRows; }
    // A smaller bound drops the oldest rows now.
    void setMaxRows(int rows);

    // Adds `records` (oldest first, newer than every row) at the end.
    void append(const CaptureRecords &records);
    // Shows exactly `records` (a loaded file): one reset.
    void setRecords(const CaptureRecords &records);
    void clear();

    CaptureRecordPtr recordAt(int row) const;
    // The same without taking a reference (per-row loops such as filtering): nullptr past the end.
    const CaptureRecord *rowRecord(int row) const;
    CaptureRecords records() const;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void dropOldest(size_t count);

    std::deque<CaptureRecordPtr> m_rows;
    int m_maxRows = kDefaultMaxRows;
};

// How the table and the details write figures: "3.42 ms", "1.2 KiB".
QString latencyText(qint64 micros);
QString sizeText(qint64 bytes);

} // namespace portico
