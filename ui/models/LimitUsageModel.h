#pragma once

#include "policy/rate_limit/ConsumerUsage.h"

#include <QAbstractTableModel>
#include <QDateTime>

namespace portico {

// The limits that apply to one consumer as the counters stand: one row per limit, drawn as
// quota bars by UsageBarDelegate. New figures for the same limits update the rows in place,
// so the bars move without the view losing anything.
class LimitUsageModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Limit, Usage, Remaining, Resets, ColumnCount };
    enum Role {
        FractionRole = Qt::UserRole + 1, // Usage: used / limit as a double, may pass 1
        UsedRole,
        LimitRole,
    };

    explicit LimitUsageModel(QObject *parent = nullptr);

    void setUsage(const QString &plan, const std::vector<LimitUsage> &limits, const QDateTime &now);
    void clear();
    // Moves the reset countdowns on to `now` without new figures.
    void tick(const QDateTime &now);

    const LimitUsage *limitAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // "in 12 s", "in 3 min 5 s", "in 2 h 10 min", "in 4 d 6 h".
    static QString countdown(qint64 ms);

private:
    QString limitName(const LimitUsage &usage) const;

    QString m_plan;
    std::vector<LimitUsage> m_limits;
    QDateTime m_now;
};

} // namespace portico
