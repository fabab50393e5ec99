#pragma once

#include "config/Config.h"
#include "observe/TrafficStats.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>

namespace portico {

// The consumers of a configuration, one row each, with their live request rate and 429s.
// Holds the configuration's implicitly shared list, so 100,000 consumers cost no copy; live
// figures only emit dataChanged for the rows whose figures moved.
class ConsumerTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Plan, Groups, ActiveKeys, RequestsPerSecond, RateLimited, ColumnCount };
    enum Role {
        // Name, plan, custom id and groups in one string: what the filter box matches.
        FilterRole = Qt::UserRole + 1,
        SortRole, // the raw value of the column (numbers as numbers)
    };

    explicit ConsumerTableModel(QObject *parent = nullptr);

    void setConsumers(const QList<ConsumerConfig> &consumers);
    void setTraffic(const TrafficSample &sample);

    const ConsumerConfig *consumerAt(int row) const;
    int rowOf(const QString &name) const; // -1 when there is none
    const QList<ConsumerConfig> &consumers() const { return m_consumers; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Live
    {
        double requestsPerSecond = 0.0;
        quint64 rateLimited = 0;
        quint64 requests = 0;
        bool operator==(const Live &) const = default;
    };
    int activeKeys(const ConsumerConfig &consumer) const;

    QList<ConsumerConfig> m_consumers;
    QHash<QString, int> m_rows;  // name -> row
    QHash<QString, Live> m_live; // consumers that have sent anything
    QDateTime m_now;             // when key states were last judged (set with the consumers)
};

} // namespace portico
