#pragma once

#include "observe/TrafficStats.h"

#include <QAbstractTableModel>

namespace portico {

// The busiest routes or consumers of the latest traffic sample, for the dashboard: at most
// `limit` rows, ordered by requests/s (then by requests since start). Rows are replaced in
// place when a new sample comes, so a view keeps its layout.
class TopTrafficModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Kind { Routes, Consumers };
    enum Column { Name, Rate, Total, Detail, ColumnCount };

    explicit TopTrafficModel(Kind kind, int limit = 5, QObject *parent = nullptr);

    void setSample(const TrafficSample &sample);
    void clear();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString name;
        double rate = 0;
        quint64 total = 0;
        QString detail; // routes: "p95 3.2 ms, 0.5% 5xx"; consumers: "12 refused (429)"
        bool alarming = false;
    };
    void setRows(std::vector<Row> rows);

    Kind m_kind;
    int m_limit;
    std::vector<Row> m_rows;
};

} // namespace portico
